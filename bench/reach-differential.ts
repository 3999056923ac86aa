/**
 * The full differential run of findReachableGrant against @cloud-copilot/iam-simulate (npm test runs a
 * bounded slice of it: lib/policy/reach.test.ts). Run: npx tsx bench/reach-differential.ts [--generated 2000] [--no-corpus]
 *
 * 1. The current version of every AWS managed policy x the ten SES perimeter actions, with a broad
 *    sample of concrete requests for every "unreachable" answer.
 * 2. fast-check-generated SES policies (deterministic seed), same checks.
 * Prints the counts per outcome and the time; exits 1 on any disagreement.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { currentManagedPolicies } from '../lib/policy/__fixtures__/managed-policy-corpus.ts';
import { checkCase, generatedCase, PERIMETER_ACTIONS, type DifferentialCase, type Outcome } from '../lib/policy/__fixtures__/reach-differential.ts';

const { values } = parseArgs({ options: { generated: { type: 'string', default: '2000' }, corpus: { type: 'boolean', default: true }, 'no-corpus': { type: 'boolean', default: false } } });
const generatedRuns = Math.max(0, Number.parseInt(values.generated, 10) || 0);

interface Tally {
  counts: Record<string, number>;
  simulations: number;
  disagreements: string[];
  uncertain: string[];
  reachMs: number;
}

async function run(cases: Iterable<DifferentialCase>): Promise<Tally> {
  const tally: Tally = { counts: {}, simulations: 0, disagreements: [], uncertain: [], reachMs: 0 };
  for (const c of cases) {
    const start = performance.now();
    const outcome: Outcome = await checkCase(c, 'broad');
    tally.reachMs += performance.now() - start;
    tally.counts[outcome.kind] = (tally.counts[outcome.kind] ?? 0) + 1;
    tally.simulations += outcome.simulations;
    if (outcome.kind === 'disagreement') tally.disagreements.push(`${c.name} ${c.action}: ${outcome.detail}`);
    if (outcome.kind === 'uncertain' && outcome.result.reachable) tally.uncertain.push(`${c.name} ${c.action}: ${outcome.result.assumptions.join('; ')}`);
  }
  return tally;
}

function report(title: string, tally: Tally, ms: number): void {
  console.log(`${title}: ${Object.entries(tally.counts).map(([k, v]) => `${k} ${v}`).join(', ')}; ${tally.simulations} iam-simulate requests; ${(ms / 1000).toFixed(1)} s`);
  for (const d of tally.disagreements.slice(0, 20)) console.log(`  DISAGREE ${d}`);
  for (const u of tally.uncertain.slice(0, 10)) console.log(`  uncertain ${u}`);
}

async function main(): Promise<number> {
  const corpusStart = performance.now();
  const corpus = values['no-corpus'] ? [] : currentManagedPolicies().flatMap((p) => PERIMETER_ACTIONS.map((action) => ({ name: `${p.name} ${p.version}`, documents: [p.document], action })));
  const corpusTally = await run(corpus);
  report(`managed policies (${corpus.length / PERIMETER_ACTIONS.length} x ${PERIMETER_ACTIONS.length} actions)`, corpusTally, performance.now() - corpusStart);

  const generatedStart = performance.now();
  const generated = fc.sample(generatedCase, { numRuns: generatedRuns, seed: 20260601 }).map((g, i) => ({ name: `generated#${i}`, ...g }));
  const generatedTally = await run(generated);
  report(`generated policies (${generatedRuns})`, generatedTally, performance.now() - generatedStart);
  for (const d of generatedTally.disagreements.slice(0, 5)) {
    const index = Number(/generated#(\d+)/.exec(d)?.[1]);
    console.log(`  case ${index}: ${JSON.stringify(generated[index]?.documents)}`);
  }
  return corpusTally.disagreements.length + generatedTally.disagreements.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
