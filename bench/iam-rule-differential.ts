/**
 * The full differential run of IAM-SES-001 against @cloud-copilot/iam-simulate (npm test runs a bounded
 * slice: lib/families/iam-grant/rules.differential.test.ts). Run: npx tsx bench/iam-rule-differential.ts [--generated 2000]
 *
 * 1. The current version of every AWS managed policy, attached to a non-administrator, x the ten SES
 *    perimeter actions (pairs whose Allow statements name the action are checked against the oracle
 *    broadly; the rest must find no gain, and one in ten is sampled against the oracle narrowly).
 * 2. fast-check-generated policies (one or two per principal; deterministic seed), checked broadly.
 * Prints the outcome counts and the time; exits 1 on any missed grant or false positive.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { currentManagedPolicies } from '../lib/policy/__fixtures__/managed-policy-corpus.ts';
import { generatedCase, labelled } from '../lib/policy/__fixtures__/reach-differential.ts';
import { compilePolicy } from '../lib/policy/evaluate.ts';
import { checkRule, PERIMETER_ACTIONS, ruleGains, type RuleOutcome } from '../lib/families/iam-grant/__fixtures__/rule-differential.ts';

const { values } = parseArgs({ options: { generated: { type: 'string', default: '2000' } } });
const generatedRuns = Math.max(0, Number.parseInt(values.generated, 10) || 0);

interface Tally {
  counts: Record<string, number>;
  problems: string[];
  divergences: string[];
}

function add(tally: Tally, name: string, outcome: RuleOutcome): void {
  const key = outcome.kind === 'agree' ? `agree (${outcome.oracle})` : outcome.kind;
  tally.counts[key] = (tally.counts[key] ?? 0) + 1;
  if (outcome.kind === 'missed' || outcome.kind === 'false-positive') tally.problems.push(`${name}: ${outcome.kind} ${outcome.detail}`);
  if (outcome.kind === 'oracle-divergence') tally.divergences.push(`${name}: ${outcome.detail}`);
}

function report(title: string, tally: Tally, ms: number): void {
  console.log(`${title}: ${Object.entries(tally.counts).map(([k, v]) => `${k} ${v}`).join(', ')}; ${(ms / 1000).toFixed(1)} s`);
  for (const p of tally.problems.slice(0, 20)) console.log(`  PROBLEM ${p}`);
  for (const d of tally.divergences.slice(0, 5)) console.log(`  divergence (not judged) ${d.slice(0, 400)}`);
}

async function main(): Promise<number> {
  const corpus: Tally = { counts: {}, problems: [], divergences: [] };
  const corpusStart = performance.now();
  const policies = currentManagedPolicies();
  let unnamed = 0;
  for (const p of policies) {
    const [policy] = labelled([p.document]);
    const gained = ruleGains([p.document]);
    for (const action of PERIMETER_ACTIONS) {
      const named = compilePolicy(policy!.policy).statements.some((s) => s.statement.effect === 'Allow' && s.action(action.toLowerCase()));
      if (!named && unnamed++ % 10 !== 0) {
        if (gained.has(action)) add(corpus, `${p.name} ${action}`, { kind: 'false-positive', detail: 'no Allow names the action' });
        else corpus.counts['no Allow names it, no gain'] = (corpus.counts['no Allow names it, no gain'] ?? 0) + 1;
        continue;
      }
      add(corpus, `${p.name} ${action}`, await checkRule({ name: p.name, documents: [p.document], action }, named ? 'broad' : 'narrow', gained));
    }
  }
  report(`managed policies (${policies.length} x ${PERIMETER_ACTIONS.length} actions)`, corpus, performance.now() - corpusStart);

  const generated: Tally = { counts: {}, problems: [], divergences: [] };
  const generatedStart = performance.now();
  for (const [i, c] of fc.sample(generatedCase, { numRuns: generatedRuns, seed: 20261124 }).entries()) {
    add(generated, `generated#${i} ${c.action} ${JSON.stringify(c.documents)}`, await checkRule({ name: `generated#${i}`, ...c }, 'broad'));
  }
  report(`generated policies (${generatedRuns})`, generated, performance.now() - generatedStart);
  return corpus.problems.length + generated.problems.length > 0 ? 1 : 0;
}

process.exitCode = await main();
