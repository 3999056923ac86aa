/**
 * Evaluator throughput: sesguard's policy engine side by side with @cloud-copilot/iam-simulate on the
 * same few hundred realistic SES cases, in the same run, so the targets are ratios of one run and do
 * not depend on the machine's load. Run: npx tsx bench/policy-evaluator.ts [--write-sample]
 * (--write-sample also rewrites bench/cases/simulate-sample.jsonl from the first cases).
 *
 * 1. Decisions: sesguard with compiled policies, sesguard parsing every time, and iam-simulate must reach
 *    the same decision on every case (also on the resource-policy scaling cases).
 * 2. Throughput: compiled policies (as the guard and `sesguard simulate` hold them) and parse + compile +
 *    evaluate every time (a handler with a new document), against iam-simulate.
 * 3. Scaling: µs per evaluation with 1, 100 and 3,000 resource-policy statements (must grow linearly),
 *    and the cost of an empty policy set (the fixed overhead of a request).
 * Records its targets (bench/targets.ts) with the figure and whether each is met; exits 1 when a decision differs.
 */
import { writeFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { evaluate } from '../lib/policy/evaluate.ts';
import { parsePolicy } from '../lib/policy/parse.ts';
import type { EvaluationDecision, LabelledPolicy, PolicySet } from '../lib/policy/types.ts';
import { median, recordTargets } from './targets.ts';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ORG = 'o-a1b2c3d4e5';
const TARGET_COMPILED_EVALS_PER_SECOND = 150_000;
const TARGET_PARSE_EVERY_TIME_RATIO = 20;
/** µs at 3,000 statements over µs at 100: 30 when linear, ~900 when quadratic; allow 2x for noise. */
const TARGET_SCALING_RATIO = 60;

type Doc = { Version: string; Statement: object[] };
type Context = Record<string, string | string[]>;

export interface BenchCase {
  id: string;
  policies: Doc[];
  resourcePolicy?: Doc;
  request: { action: string; resource: string; principal: string; context: Context };
}

/** Deterministic PRNG (mulberry32) so every run measures the same cases. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const identityArn = (domain: string) => `arn:aws:ses:us-east-1:${ACCOUNT}:identity/${domain}`;
const doc = (...Statement: object[]): Doc => ({ Version: '2012-10-17', Statement });

/** SES sending-authorization (identity) policies, as security teams write them. */
const RESOURCE_POLICIES: Array<(domain: string) => Doc> = [
  (d) => doc({ Sid: 'PartnerSends', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: identityArn(d), Condition: { StringLike: { 'ses:FromAddress': `*@${d}` } } }),
  (d) => doc({ Sid: 'OrgOnly', Effect: 'Allow', Principal: '*', Action: 'ses:Send*', Resource: identityArn(d), Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }),
  (d) => doc({ Sid: 'PartnerRoleInternalRecipients', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:role/Mailer` }, Action: 'ses:SendEmail', Resource: identityArn(d), Condition: { 'ForAllValues:StringLike': { 'ses:Recipients': ['*@example.com', '*@example.org'] } } }),
  (d) => doc(
    { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'ses:Send*', Resource: identityArn(d) },
    { Sid: 'OnlyOwnDomain', Effect: 'Deny', Principal: '*', Action: 'ses:Send*', Resource: identityArn(d), Condition: { StringNotLike: { 'ses:FromAddress': [`*@${d}`, `*@mail.${d}`] } } },
  ),
  (d) => doc({ Sid: 'AppUserTls', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/app` }, Action: 'ses:SendRawEmail', Resource: identityArn(d), Condition: { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } } }),
  (d) => doc({ Sid: 'UntilCutover', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OTHER}:root`, `arn:aws:iam::${ACCOUNT}:role/Mailer`] }, Action: 'ses:SendEmail', Resource: identityArn(d), Condition: { DateLessThan: { 'aws:CurrentTime': '2026-06-30T00:00:00Z' } } }),
  (d) => doc(
    { Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: [OTHER, ACCOUNT] }, Action: 'ses:Send*', Resource: identityArn(d) },
    { Sid: 'NotFromOffice', Effect: 'Deny', Principal: '*', Action: 'ses:*', Resource: identityArn(d), Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } },
  ),
  (d) => doc({ Sid: 'SourcePinned', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: identityArn(d), Condition: { StringEquals: { 'aws:PrincipalAccount': [OTHER, ACCOUNT] }, StringLikeIfExists: { 'ses:FromDisplayName': 'Billing*' } } }),
];

/** IAM identity policies of the caller, with wildcards, denies and NotAction/NotResource. */
const IDENTITY_POLICIES: Doc[] = [
  doc({ Effect: 'Allow', Action: 'ses:Send*', Resource: '*' }),
  doc({ Effect: 'Allow', Action: 'ses:SendRawEmail', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/*` }),
  doc(
    { Sid: 'All', Effect: 'Allow', Action: 'ses:*', Resource: '*' },
    { Sid: 'PinFrom', Effect: 'Deny', Action: 'ses:SendEmail', Resource: '*', Condition: { StringNotEquals: { 'ses:FromAddress': ['noreply@example.com', 'alerts@example.org'] } } },
  ),
  doc(
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
    { Effect: 'Deny', Action: 'ses:Send*', NotResource: [identityArn('example.com'), identityArn('mail.example.com')] },
  ),
  doc({ Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}.example.com` }),
  doc(
    { Effect: 'Allow', Action: 'ses:Send?mail', Resource: '*' },
    { Effect: 'Deny', Action: 'ses:*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'ses:Recipients': ['*@evil.example', '*@competitor.example'] } } },
  ),
  doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
  doc({ Effect: 'Allow', Action: 'ses:SendTemplatedEmail', Resource: [identityArn('example.org'), `arn:aws:ses:us-east-1:${ACCOUNT}:template/*`] }),
  doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
  doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { StringLike: { 'ses:FromAddress': '${aws:username}@*' } } }),
  // ForAnyValue with IfExists on a key most requests lack: the set operator decides (false when absent).
  doc({ Effect: 'Allow', Action: 'ses:Send*', Resource: '*', Condition: { 'ForAnyValue:StringLikeIfExists': { 'ses:FromDisplayName': 'Billing*' } } }),
];

const DOMAINS = ['example.com', 'mail.example.com', 'example.org'];
const ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail', 'ses:SendEmail', 'ses:SendRawEmail'];
const PRINCIPALS: Array<{ arn: string; account: string; username?: string }> = [
  { arn: `arn:aws:iam::${ACCOUNT}:user/app`, account: ACCOUNT, username: 'app' },
  { arn: `arn:aws:iam::${ACCOUNT}:user/noreply`, account: ACCOUNT, username: 'noreply' },
  { arn: `arn:aws:iam::${OTHER}:user/carol`, account: OTHER, username: 'carol' },
  { arn: `arn:aws:iam::${OTHER}:role/Mailer`, account: OTHER },
  { arn: `arn:aws:iam::${ACCOUNT}:role/Mailer`, account: ACCOUNT },
];
const FROM = ['noreply@example.com', 'alerts@example.org', 'ceo@evil.example', 'app@mail.example.com', 'carol@example.com'];
const RECIPIENTS = [['a@example.com'], ['a@example.com', 'b@example.org'], ['x@evil.example'], ['a@example.com', 'x@competitor.example'], []];
const IPS = ['203.0.113.10', '198.51.100.7', '2001:db8::42', '192.0.2.1'];
const TIMES = ['2026-03-01T12:00:00Z', '2026-09-01T12:00:00Z'];

export function buildCases(count: number, seed = 20260101): BenchCase[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const seen = new Set<string>();
  const cases: BenchCase[] = [];
  for (let attempt = 0; cases.length < count && attempt < count * 20; attempt++) {
    const domain = pick(DOMAINS);
    const principal = pick(PRINCIPALS);
    const policies = [pick(IDENTITY_POLICIES), ...(rand() < 0.4 ? [pick(IDENTITY_POLICIES)] : [])];
    const resourcePolicy = rand() < 0.75 ? pick(RESOURCE_POLICIES)(domain) : undefined;
    const context: Context = {
      'ses:FromAddress': pick(FROM),
      'ses:Recipients': pick(RECIPIENTS),
      'aws:SecureTransport': rand() < 0.85 ? 'true' : 'false',
      'aws:SourceIp': pick(IPS),
      'aws:CurrentTime': pick(TIMES),
      'aws:PrincipalAccount': principal.account,
      'aws:PrincipalArn': principal.arn,
    };
    if (rand() < 0.5) context['aws:PrincipalOrgID'] = rand() < 0.7 ? ORG : 'o-zzzzzzzzzz';
    if (principal.username) context['aws:username'] = principal.username;
    if (rand() < 0.5) {
      context['aws:MultiFactorAuthPresent'] = 'true';
      context['aws:MultiFactorAuthAge'] = String(Math.floor(rand() * 7200));
    }
    if (rand() < 0.3) context['ses:FromDisplayName'] = pick(['Billing Team', 'Marketing']);
    const request = { action: pick(ACTIONS), resource: identityArn(domain), principal: principal.arn, context };
    const key = JSON.stringify([policies, resourcePolicy, request]);
    if (seen.has(key)) continue;
    seen.add(key);
    cases.push({ id: `c${cases.length + 1}`, policies, ...(resourcePolicy ? { resourcePolicy } : {}), request });
  }
  return cases;
}

function toPolicySet(c: BenchCase): PolicySet {
  const parse = (label: string, d: unknown): LabelledPolicy => {
    const r = parsePolicy(d);
    if (!r.ok) throw new Error(`${c.id} ${label}: ${JSON.stringify(r.errors)}`);
    return { label, policy: r.policy };
  };
  return {
    identityPolicies: c.policies.map((p, i) => parse(`policies[${i}]`, p)),
    ...(c.resourcePolicy ? { resourcePolicy: parse('resourcePolicy', c.resourcePolicy) } : {}),
  };
}

function toSimulation(c: BenchCase) {
  return {
    request: {
      principal: c.request.principal,
      action: c.request.action,
      resource: { resource: c.request.resource, accountId: ACCOUNT },
      contextVariables: c.request.context,
    },
    identityPolicies: c.policies.map((policy, i) => ({ name: `policies[${i}]`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : {}),
  };
}

const FROM_SIMULATE: Record<string, EvaluationDecision> = {
  Allowed: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
};

async function simulateDecision(c: BenchCase): Promise<EvaluationDecision | string> {
  const r = await runSimulation(toSimulation(c), {});
  if (r.resultType === 'error') return `error: ${JSON.stringify(r.errors)}`;
  return FROM_SIMULATE[r.overallResult] ?? `unknown: ${r.overallResult}`;
}

async function timeLoop(minMs: number, body: () => unknown): Promise<{ evals: number; ms: number }> {
  let evals = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    evals += (await body()) as number;
    now = performance.now();
  }
  return { evals, ms: now - start };
}

/**
 * A resource policy of `n` statements that all reach the caller: half allow Principal "*" pinned by a
 * condition, half name the caller's account root (they delegate to IAM). Every statement matches, so
 * the work per statement is the whole path a resource-policy allow takes.
 */
function scalingCase(n: number): BenchCase {
  const statements = Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? { Sid: `Org${i}`, Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: identityArn('example.com'), Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }
      : { Sid: `Account${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'ses:Send*', Resource: identityArn('example.com') },
  );
  return {
    id: `scaling-${n}`,
    policies: [doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' })],
    resourcePolicy: { Version: '2012-10-17', Statement: statements },
    request: {
      action: 'ses:SendEmail',
      resource: identityArn('example.com'),
      principal: `arn:aws:iam::${ACCOUNT}:user/app`,
      context: { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/app`, 'aws:SourceIp': '203.0.113.10' },
    },
  };
}

/** µs per evaluation of one compiled case, over at least `minMs`. */
function microsPerEval(c: BenchCase, set: PolicySet, minMs: number): number {
  let evals = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < 50; i++) evaluate(c.request, set);
    evals += 50;
    now = performance.now();
  }
  return ((now - start) * 1000) / evals;
}

async function main(): Promise<number> {
  const cases = buildCases(400);
  const sets = cases.map(toPolicySet);
  const requests = cases.map((c) => c.request);

  if (process.argv.includes('--write-sample')) {
    const sample = cases.slice(0, 6).map((c) => JSON.stringify(c)).join('\n');
    writeFileSync(new URL('./cases/simulate-sample.jsonl', import.meta.url), `${sample}\n`);
  }

  // 1. Same decisions on every case: compiled, parsed afresh, and iam-simulate.
  const scaling = [1, 100, 3000].map((n) => scalingCase(n));
  const scalingSets = scaling.map(toPolicySet);
  const tally: Record<string, number> = {};
  let disagreements = 0;
  const all = [...cases, ...scaling];
  const allSets = [...sets, ...scalingSets];
  for (let i = 0; i < all.length; i++) {
    const c = all[i]!;
    const ours = evaluate(c.request, allSets[i]!).decision;
    const fresh = evaluate(c.request, toPolicySet(c)).decision;
    const theirs = await simulateDecision(c);
    tally[ours] = (tally[ours] ?? 0) + 1;
    if (ours !== theirs || fresh !== ours) {
      disagreements++;
      console.log(`DISAGREE ${c.id}: sesguard=${ours} (parsed afresh ${fresh}) iam-simulate=${theirs}\n  ${JSON.stringify(c).slice(0, 2000)}`);
    }
  }
  console.log(`cases: ${all.length} (${Object.entries(tally).map(([k, v]) => `${k} ${v}`).join(', ')}); disagreements: ${disagreements}`);

  // 2. Throughput, warm-up first so both run JIT-compiled code.
  const evalAll = () => {
    for (let i = 0; i < cases.length; i++) evaluate(requests[i]!, sets[i]!);
    return cases.length;
  };
  const parseAndEvalAll = () => {
    // parsePolicy returns new Policy objects, so nothing is served from the compiled-policy cache: the
    // cost a handler pays when every event brings a new document.
    for (let i = 0; i < cases.length; i++) evaluate(requests[i]!, toPolicySet(cases[i]!));
    return cases.length;
  };
  const simulateAll = async () => {
    for (const c of cases) await runSimulation(toSimulation(c), {});
    return cases.length;
  };
  await timeLoop(300, evalAll);
  await timeLoop(300, parseAndEvalAll);
  await timeLoop(1000, simulateAll);

  const warm = await timeLoop(2000, evalAll);
  const cold = await timeLoop(2000, parseAndEvalAll);
  const sim = await timeLoop(5000, simulateAll);
  const rate = (r: { evals: number; ms: number }) => r.evals / (r.ms / 1000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ratioWarm = rate(warm) / rate(sim);
  const ratioCold = rate(cold) / rate(sim);
  console.log(`sesguard evaluate (compiled policies):  ${fmt(rate(warm))} evals/s`);
  console.log(`sesguard parse + compile + evaluate:    ${fmt(rate(cold))} evals/s`);
  console.log(`iam-simulate runSimulation:             ${fmt(rate(sim))} evals/s`);
  console.log(`ratio (compiled):          ${ratioWarm.toFixed(1)}x`);
  console.log(`ratio (parse every time):  ${ratioCold.toFixed(1)}x`);

  // 3. Scaling with the size of the resource policy, and the fixed cost of a request.
  // Median of five rounds, the sizes interleaved so machine noise hits each alike.
  scaling.forEach((c, i) => microsPerEval(c, scalingSets[i]!, 200));
  const rounds = Array.from({ length: 5 }, () => scaling.map((c, i) => microsPerEval(c, scalingSets[i]!, 300)));
  const micros = scaling.map((_, i) => median(rounds.map((round) => round[i]!)));
  const empty: PolicySet = { identityPolicies: [] };
  const emptyCase = cases[0]!;
  microsPerEval(emptyCase, empty, 200);
  const emptyMicros = median(Array.from({ length: 5 }, () => microsPerEval(emptyCase, empty, 200)));
  scaling.forEach((c, i) => console.log(`resource policy of ${c.resourcePolicy!.Statement.length} statements: ${micros[i]!.toFixed(2)} µs/evaluation`));
  console.log(`empty policy set: ${emptyMicros.toFixed(3)} µs/evaluation`);
  const scalingRatio = micros[2]! / micros[1]!;

  recordTargets('policy-evaluator', [
    { target: 'same decision on every case (compiled, parsed afresh, iam-simulate)', figure: `${disagreements} of ${all.length} differ`, goal: '0 differ', met: disagreements === 0 },
    { target: 'compiled policies, bench mix', figure: `${fmt(rate(warm))} evals/s`, goal: `>= ${fmt(TARGET_COMPILED_EVALS_PER_SECOND)} evals/s`, met: rate(warm) >= TARGET_COMPILED_EVALS_PER_SECOND },
    { target: 'parse every time vs iam-simulate', figure: `${ratioCold.toFixed(1)}x`, goal: `>= ${TARGET_PARSE_EVERY_TIME_RATIO}x`, met: ratioCold >= TARGET_PARSE_EVERY_TIME_RATIO },
    { target: 'µs/evaluation, 3,000 vs 100 resource-policy statements', figure: `${scalingRatio.toFixed(1)}x (${micros.map((m) => m.toFixed(2)).join(' / ')} µs at 1 / 100 / 3,000)`, goal: `<= ${TARGET_SCALING_RATIO}x (linear: 30x)`, met: scalingRatio <= TARGET_SCALING_RATIO },
    { target: 'empty policy set', figure: `${emptyMicros.toFixed(3)} µs/evaluation`, goal: 'reported', met: true },
  ]);
  // A target missed is a row of the summary table (npm run bench goes on to print it); a decision that
  // differs from iam-simulate is a defect, and fails the run.
  return disagreements > 0 ? 1 : 0;
}

// Imported (by tests or a profiler) it only exposes the case builder; run directly it benchmarks.
if (import.meta.url === `file://${process.argv[1]}`) main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
export { scalingCase, toPolicySet };
