import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { currentManagedPolicies } from '../../policy/__fixtures__/managed-policy-corpus.ts';
import { generatedCase, labelled } from '../../policy/__fixtures__/reach-differential.ts';
import { compilePolicy } from '../../policy/evaluate.ts';
import { checkRule, PERIMETER_ACTIONS, ruleGains, type RuleOutcome } from './__fixtures__/rule-differential.ts';

/**
 * IAM-SES-001 agrees with @cloud-copilot/iam-simulate (a bounded slice in npm test; the full run is
 * bench/iam-rule-differential.ts): every current AWS managed policy whose statements name a perimeter
 * action, attached to a non-administrator, for each of the ten perimeter actions; and generated policies.
 */
function problems(outcomes: Array<{ name: string; outcome: RuleOutcome }>): string[] {
  return outcomes.filter(({ outcome }) => outcome.kind === 'missed' || outcome.kind === 'false-positive').map(({ name, outcome }) => `${name}: ${outcome.kind} ${'detail' in outcome ? outcome.detail : ''}`);
}

describe('IAM-SES-001 against iam-simulate', () => {
  it('on the current version of every AWS managed policy that names a perimeter action', async () => {
    const outcomes: Array<{ name: string; outcome: RuleOutcome }> = [];
    for (const p of currentManagedPolicies()) {
      const [policy] = labelled([p.document]);
      const named = PERIMETER_ACTIONS.filter((action) => compilePolicy(policy!.policy).statements.some((s) => s.statement.effect === 'Allow' && s.action(action.toLowerCase())));
      const gained = ruleGains([p.document]);
      // A policy whose Allow statements name none of the actions cannot grant them.
      for (const action of PERIMETER_ACTIONS.filter((a) => !named.includes(a))) expect(gained.has(action), `${p.name} ${action}`).toBe(false);
      for (const action of named) outcomes.push({ name: `${p.name} ${action}`, outcome: await checkRule({ name: p.name, documents: [p.document], action }, 'broad', gained) });
    }
    expect(problems(outcomes)).toEqual([]);
    // Real grants confirmed by the oracle (AdministratorAccess, AmazonSESFullAccess, PowerUserAccess, ...).
    expect(outcomes.filter((o) => o.outcome.kind === 'agree' && o.outcome.oracle === 'confirmed-witness').length).toBeGreaterThanOrEqual(60);
  }, 180_000);

  it('on fast-check-generated policies (one or two per principal, Allow and Deny, Resource and NotResource, conditions, variables)', async () => {
    const cases = fc.sample(generatedCase, { numRuns: 120, seed: 20261124 });
    const outcomes: Array<{ name: string; outcome: RuleOutcome }> = [];
    for (const [i, c] of cases.entries()) outcomes.push({ name: `generated#${i} ${c.action} ${JSON.stringify(c.documents)}`, outcome: await checkRule({ name: `generated#${i}`, ...c }, 'broad') });
    expect(problems(outcomes)).toEqual([]);
    const oracles = new Set(outcomes.flatMap((o) => (o.outcome.kind === 'agree' ? [o.outcome.oracle] : [])));
    expect(oracles).toContain('confirmed-witness');
    expect(oracles).toContain('unreachable-confirmed');
  }, 120_000);
});
