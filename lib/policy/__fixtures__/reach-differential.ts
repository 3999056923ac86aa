import fc from 'fast-check';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { actionDetails } from '../action-catalog.ts';
import { parsePolicy } from '../parse.ts';
import { findReachableGrant, type ReachResult } from '../reach.ts';
import type { LabelledPolicy } from '../types.ts';

/**
 * Differential check of findReachableGrant against @cloud-copilot/iam-simulate, the oracle on
 * concrete requests. For one (documents, action) case:
 * - reachable with a certain witness on a type the catalogue lists: iam-simulate must allow exactly
 *   that request (region, resource, context);
 * - unreachable: iam-simulate must allow none of a sample of concrete requests of the space (regions the
 *   documents name plus fresh ones, resource names the documents name plus fresh ones, contexts built
 *   from the condition values the documents use).
 * Witnesses on a perimeter type the catalogue does not list for the action (searched conservatively)
 * and uncertain answers (resting on stated assumptions) cannot be confirmed by the oracle; they are
 * counted, not checked.
 */

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/alice`;

export const PERIMETER_ACTIONS: readonly string[] = [
  'ses:PutIdentityPolicy',
  'ses:CreateEmailIdentityPolicy',
  'ses:UpdateEmailIdentityPolicy',
  'ses:DeleteIdentityPolicy',
  'ses:DeleteEmailIdentityPolicy',
  'ses:CreateConfigurationSetEventDestination',
  'ses:UpdateConfigurationSetEventDestination',
  'ses:SendCustomVerificationEmail',
  'ses:CreateCustomVerificationEmailTemplate',
  'ses:UpdateCustomVerificationEmailTemplate',
];

export type Outcome =
  | { kind: 'confirmed-witness' | 'perimeter-witness' | 'uncertain' | 'unreachable-confirmed'; simulations: number; result: ReachResult }
  /** iam-simulate differs where it documents a choice of its own (see `oracleDivergence`). */
  | { kind: 'oracle-divergence'; simulations: number; result: ReachResult; detail: string }
  | { kind: 'disagreement'; simulations: number; result: ReachResult; detail: string };

export interface DifferentialCase {
  name: string;
  documents: readonly unknown[];
  action: string;
}

export function labelled(documents: readonly unknown[]): LabelledPolicy[] {
  return documents.map((d, i) => {
    const r = parsePolicy(d);
    if (!r.ok) throw new Error(`document ${i} does not parse: ${JSON.stringify(r.errors)}`);
    return { label: `p${i}`, policy: r.policy };
  });
}

async function simulate(documents: readonly unknown[], action: string, resource: string, context: Record<string, string | string[]>): Promise<string> {
  const r = await runSimulation(
    {
      request: { principal: PRINCIPAL, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
      identityPolicies: documents.map((policy, i) => ({ name: `p${i}`, policy: policy as object })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return r.resultType === 'error' ? `error ${JSON.stringify(r.errors).slice(0, 300)}` : r.overallResult;
}

const BASE_CONTEXT = { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': PRINCIPAL, 'aws:username': 'alice', 'aws:PrincipalType': 'User' };

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

const fill = (text: string) => text.replace(/\$\{aws:username\}/g, 'alice').replace(/\$\{[^}]*\}/g, 'x').replace(/[*?]/g, 'x');

/** Concrete requests of the space, from what the documents name plus values no document names. */
export function sampleRequests(documents: readonly unknown[], action: string, breadth: 'broad' | 'narrow'): Array<{ resource: string; context: Record<string, string | string[]> }> {
  const texts = strings(documents);
  const regions = new Set(['us-east-1', 'zz-fresh-1']);
  const names = new Set(['example.com']);
  if (breadth === 'broad') {
    regions.add('eu-west-1').add('ap-southeast-2');
    for (const t of texts) {
      const m = /^arn:aws:ses:([^:]*):[^:]*:[a-z-]+\/(.*)$/.exec(t);
      if (m) {
        if (m[1]) regions.add(fill(m[1]));
        if (m[2]) names.add(fill(m[2]));
      }
      if (/^[a-z]{2}(-[a-z]+)+-\d$/.test(t)) regions.add(t);
    }
  }
  const details = actionDetails(action);
  const types = details && details.resourceTypes.length > 0 ? details.resourceTypes.map((t) => t.name) : ['*'];
  const contexts: Array<Record<string, string | string[]>> = [{ ...BASE_CONTEXT }];
  if (breadth === 'broad') {
    const conditions = documents.flatMap((d) => {
      const st = (d as { Statement?: unknown }).Statement;
      return (Array.isArray(st) ? st : [st]).flatMap((s) => Object.values((s as { Condition?: Record<string, Record<string, unknown>> })?.Condition ?? {}));
    });
    for (const block of conditions.slice(0, 8)) {
      for (const [key, value] of Object.entries(block)) {
        // The principal's own keys are facts about alice, not something a request may choose.
        if (Object.keys(BASE_CONTEXT).some((k) => k.toLowerCase() === key.toLowerCase())) continue;
        const v = fill(String(Array.isArray(value) ? value[0] : value));
        contexts.push({ ...BASE_CONTEXT, [key]: /tagkeys|recipients|orgpaths/i.test(key) ? [v] : v });
      }
    }
    contexts.push({ ...BASE_CONTEXT, 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '10', 'aws:SecureTransport': 'true' });
  }
  const out: Array<{ resource: string; context: Record<string, string | string[]> }> = [];
  for (const type of types) {
    for (const region of regions) {
      const regional = (resource: string) => ({ resource, region });
      const resources = type === '*' ? [regional('*')] : [...names].map((name) => regional(`arn:aws:ses:${region}:${ACCOUNT}:${type}/${name}`));
      for (const r of resources) for (const context of contexts) out.push({ resource: r.resource, context: { ...context, 'aws:RequestedRegion': r.region } });
      if (type === '*') break; // one `*` request per context is enough
    }
  }
  return out;
}

/**
 * Where iam-simulate departs on purpose: a short ARN (`arn:aws:ses:*`) in NotResource. It pads short ARNs
 * like sesguard, but "expanded short ARN mismatches preserve existing conservative behavior and are not
 * inverted" (src/explain/statementExplain.ts, shortArnExpandedMismatch): such a NotResource never lets a
 * request through. sesguard reads the padded pattern as the complement it is, which for an Allow is the
 * conservative side for a guard.
 */
function oracleDivergence(documents: readonly unknown[]): string | undefined {
  for (const d of documents) {
    const st = (d as { Statement?: unknown }).Statement;
    for (const s of Array.isArray(st) ? st : [st]) {
      const nr = (s as { NotResource?: unknown })?.NotResource;
      const list = typeof nr === 'string' ? [nr] : Array.isArray(nr) ? nr : [];
      const short = list.find((r) => typeof r === 'string' && r.startsWith('arn:') && r.split(':').length < 6);
      if (short) return `NotResource ${short} is a short ARN, which iam-simulate does not invert`;
    }
  }
  return undefined;
}

export async function checkCase(c: DifferentialCase, breadth: 'broad' | 'narrow'): Promise<Outcome> {
  const outcome = await compare(c, breadth);
  if (outcome.kind !== 'disagreement') return outcome;
  const divergence = oracleDivergence(c.documents);
  return divergence ? { kind: 'oracle-divergence', simulations: outcome.simulations, result: outcome.result, detail: `${divergence}: ${outcome.detail}` } : outcome;
}

async function compare(c: DifferentialCase, breadth: 'broad' | 'narrow'): Promise<Outcome> {
  const result = findReachableGrant({
    policies: { identityPolicies: labelled(c.documents) },
    principal: { arn: PRINCIPAL },
    action: c.action,
    space: { service: 'ses', accounts: [ACCOUNT], partition: 'aws' },
  });
  if (result.reachable) {
    if (!result.certain) return { kind: 'uncertain', simulations: 0, result };
    if (result.typeSource === 'perimeter') return { kind: 'perimeter-witness', simulations: 0, result };
    const decision = await simulate(c.documents, c.action, result.resource, result.context);
    if (decision === 'Allowed') return { kind: 'confirmed-witness', simulations: 1, result };
    return { kind: 'disagreement', simulations: 1, result, detail: `reachable, but iam-simulate says ${decision} for the witness ${result.resource} ${JSON.stringify(result.context)}` };
  }
  const requests = sampleRequests(c.documents, c.action, breadth);
  for (const r of requests) {
    const decision = await simulate(c.documents, c.action, r.resource, r.context);
    if (decision === 'Allowed') {
      return { kind: 'disagreement', simulations: requests.length, result, detail: `unreachable (${result.why}), but iam-simulate allows ${r.resource} ${JSON.stringify(r.context)}` };
    }
  }
  return { kind: 'unreachable-confirmed', simulations: requests.length, result };
}

// ---- generated policies --------------------------------------------------------------------------

const ACTIONS = ['ses:*', '*', 'ses:Put*', 'ses:*Policy', 'ses:Create*', 'ses:Update*', 'ses:Send*', 'ses:Delete*', 'ses:Get*', 's3:*', ...PERIMETER_ACTIONS];
const RESOURCES = [
  '*', 'arn:aws:ses:*:*:*', 'arn:aws:ses:*', 'arn:aws:ses:us-east-1:*:*', 'arn:aws:ses:eu-*:*:*', 'arn:aws:ses:us-east-?:*:*',
  `arn:aws:ses:*:${ACCOUNT}:identity/*`, 'arn:aws:ses:*:*:identity/*', `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}`,
  `arn:aws:ses:*:${ACCOUNT}:identity/example.com`, `arn:aws:ses:*:${ACCOUNT}:configuration-set/*`, 'arn:aws:ses:*:*:custom-verification-email-template/*',
  `arn:aws:ses:*:${OTHER_ACCOUNT}:*`, 'arn:aws:ses:*:${aws:PrincipalAccount}:*', 'arn:aws:s3:::bucket/*', `arn:aws:ses:ap-*:${ACCOUNT}:*`,
];
const CONDITIONS: ReadonlyArray<Record<string, Record<string, string | string[]>>> = [
  { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '0' } },
  { StringLike: { 'aws:ResourceTag/team': 'mail*' } },
  { StringEquals: { 'aws:username': 'bob' } },
  { StringEquals: { 'aws:username': 'alice' } },
  { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } },
  { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { Null: { 'aws:TokenIssueTime': 'true' } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
  { StringEquals: { 'ses:FromAddress': 'a@example.com' } },
  { StringEquals: { 'ses:ApiVersion': '2' } },
];

const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  actionKind: fc.constantFrom('Action', 'Action', 'Action', 'NotAction'),
  actions: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
  resourceKind: fc.constantFrom('Resource', 'Resource', 'NotResource'),
  resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 }),
  conditions: fc.uniqueArray(fc.constantFrom(...CONDITIONS.keys()), { maxLength: 2 }),
});

/** One identity policy of 1-4 statements over the SES vocabulary above. */
export const generatedPolicy = fc.array(statement, { minLength: 1, maxLength: 4 }).map((statements) => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => {
    const condition: Record<string, Record<string, string | string[]>> = {};
    for (const i of s.conditions) {
      for (const [op, block] of Object.entries(CONDITIONS[i]!)) condition[op] = { ...(condition[op] ?? {}), ...block };
    }
    return {
      Effect: s.Effect,
      [s.actionKind]: s.actions,
      [s.resourceKind]: s.resources,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
  }),
}));

export const generatedCase = fc.record({
  documents: fc.array(generatedPolicy, { minLength: 1, maxLength: 2 }),
  action: fc.constantFrom(...PERIMETER_ACTIONS),
});
