import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generatedPolicy, PRINCIPAL } from '../../policy/__fixtures__/reach-differential.ts';
import { analyzePolicy, findReachableGrant } from '../../policy/index.ts';
import { parsePolicy } from '../../policy/parse.ts';
import type { LabelledPolicy, Policy, StatementGrant } from '../../policy/types.ts';
import { ctx, OWN_ACCOUNT } from '../../rules/test-fixtures.ts';
import { trustedAccountsOf } from '../../rules/trust.ts';
import { PERIMETER_ACTIONS, perimeterGains } from './rules.ts';
import type { IamGrantState, IamPolicyInEffect } from './types.ts';

/**
 * The deciding set holds only the Denies that name the action (rules.ts), where it held every Deny of the
 * principal's policies (quadratic in statements). Same gains, same denials, same witnesses, on generated
 * policies: the reference below is the former deciding set, fed to the same reach search.
 */
function formerDecidingSet(policies: LabelledPolicy[], grantLabel: string, grant: StatementGrant): LabelledPolicy[] {
  return policies.map(({ label, policy }) => ({
    label,
    policy: { ...policy, statements: policy.statements.filter((s) => s.effect === 'Deny' || (label === grantLabel && s.index === grant.ref.index)) } satisfies Policy,
  }));
}

function parsed(label: string, document: unknown): IamPolicyInEffect & { document: Policy } {
  const result = parsePolicy(document);
  if (!result.ok) throw new Error(`generated policy does not parse: ${JSON.stringify(result.errors)}`);
  return { source: label, kind: 'managed', rawDocument: JSON.stringify(document), document: result.policy };
}

describe('IAM-SES-001 deciding set: only the Denies naming the action', () => {
  it('gives the same gains, denials and witnesses as every Deny did (fast-check, 120 policy sets)', () => {
    const c = ctx();
    const space = { service: 'ses', accounts: trustedAccountsOf(c.config.trustedAccounts, c.accountId), partition: 'aws' };
    let withGains = 0;
    let withDenials = 0;
    fc.assert(
      fc.property(generatedPolicy, fc.array(generatedPolicy, { maxLength: 2 }), (changedDoc, otherDocs) => {
        const changed = parsed(`arn:aws:iam::${OWN_ACCOUNT}:policy/changed`, changedDoc);
        const others = otherDocs.map((d, i) => parsed(`inline:user/alice/other-${i}`, d));
        const state: IamGrantState = { kind: 'iam-grant', changedPolicy: changed, principals: [{ principal: { type: 'user', name: 'alice' }, arn: PRINCIPAL, policies: [changed, ...others] }] };
        const actual = perimeterGains(state, c).map((g) => ({ index: g.grant.ref.index, gained: g.gained, denied: g.denied }));

        const labelledPolicies = [changed, ...others].map((p) => ({ label: p.source, policy: p.document }));
        const expected = analyzePolicy(changed.document, changed.source, 'ses')
          .filter((g) => g.ref.effect === 'Allow')
          .flatMap((grant) => {
            const candidates = grant.allActions ? [...PERIMETER_ACTIONS] : grant.actions.filter((a) => PERIMETER_ACTIONS.some((p) => p.toLowerCase() === a.toLowerCase())).map((a) => PERIMETER_ACTIONS.find((p) => p.toLowerCase() === a.toLowerCase())!);
            const identityPolicies = formerDecidingSet(labelledPolicies, changed.source, grant);
            const gained = [];
            const denied = [];
            for (const action of candidates) {
              const reach = findReachableGrant({ policies: { identityPolicies }, principal: { arn: PRINCIPAL }, action, space });
              if (reach.reachable) gained.push({ action, reach });
              else denied.push({ action, why: reach.why });
            }
            return gained.length > 0 ? [{ index: grant.ref.index, gained, denied }] : [];
          });
        expect(actual).toEqual(expected);
        if (expected.length > 0) withGains++;
        if (expected.some((g) => g.denied.length > 0)) withDenials++;
      }),
      { numRuns: 120, seed: 20261202 },
    );
    // Not vacuous: the generated sets gain, and some gains are partly denied by a Deny elsewhere.
    expect(withGains).toBeGreaterThan(20);
    expect(withDenials).toBeGreaterThan(0);
  }, 120_000);
});
