import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { currentManagedPolicies } from './__fixtures__/managed-policy-corpus.ts';
import { ACCOUNT, checkCase, generatedCase, labelled, OTHER_ACCOUNT, PERIMETER_ACTIONS, PRINCIPAL, type Outcome } from './__fixtures__/reach-differential.ts';
import { compilePolicy } from './evaluate.ts';
import { findReachableGrant, type ReachInput, type ReachResult } from './reach.ts';

const USER = PRINCIPAL;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mailer`;

function reach(statements: object[][], action: string, principal = USER, extra: Partial<ReachInput> = {}): ReachResult {
  return findReachableGrant({
    policies: { identityPolicies: labelled(statements.map((Statement) => ({ Version: '2012-10-17', Statement }))) },
    principal: { arn: principal },
    action,
    space: { service: 'ses', accounts: [ACCOUNT], partition: 'aws' },
    ...extra,
  });
}

const allowAll = { Effect: 'Allow', Action: 'ses:*', Resource: '*' };

describe('findReachableGrant: grants the one-probe check missed (IAM-SES-001)', () => {
  it.each([
    ['an account wildcard: Resource arn:aws:ses:*:*:identity/*', [[{ Effect: 'Allow', Action: 'ses:*Policy', Resource: 'arn:aws:ses:*:*:identity/*' }]], 'ses:CreateEmailIdentityPolicy', { resourceType: 'identity', region: 'us-east-1' }],
    ['ses:* on arn:aws:ses:*:*:*', [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:*:*:*' }]], 'ses:CreateConfigurationSetEventDestination', { resourceType: 'configuration-set' }],
    ['NotResource us-east-1: every other region', [[{ Effect: 'Allow', Action: 'ses:*', NotResource: 'arn:aws:ses:us-east-1:*:*' }]], 'ses:UpdateEmailIdentityPolicy', { region: 'us-east-2' }],
    ['Allow ses:* with a Deny on us-east-1 only: the one region IAM events come from is the one excluded', [[allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: 'arn:aws:ses:us-east-1:*:*' }]], 'ses:CreateEmailIdentityPolicy', { region: 'us-east-2' }],
    ['a Resource with ${aws:username}: the user named like an identity', [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}` }]], 'ses:UpdateEmailIdentityPolicy', { resource: `arn:aws:ses:us-east-1:${ACCOUNT}:identity/alice` }],
    ['a short ARN arn:aws:ses:*', [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:*' }]], 'ses:UpdateCustomVerificationEmailTemplate', { resourceType: 'custom-verification-email-template' }],
    ['a Deny that names only the resources the Allow does not need', [[allowAll, { Effect: 'Deny', Action: 'ses:*', NotResource: 'arn:aws:ses:eu-*:*:*' }]], 'ses:CreateEmailIdentityPolicy', { region: 'eu-west-1' }],
    ['a wildcard-only action granted on *', [[{ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*' }]], 'ses:PutIdentityPolicy', { resource: '*', resourceType: '*' }],
  ] as const)('%s', (_name, statements, action, expected) => {
    const r = reach(statements.map((s) => [...s]), action);
    expect(r).toMatchObject({ reachable: true, certain: true, ...expected });
  });

  it('a region named by a conditional Deny on aws:RequestedRegion is tried first', () => {
    const r = reach([[allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-central-1' } } }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true, certain: true, region: 'eu-central-1', context: { 'aws:RequestedRegion': 'eu-central-1' } });
  });

  it('a conditional Deny does not hide the grant: the witness context escapes it', () => {
    const r = reach([[allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true, certain: true, context: { 'aws:MultiFactorAuthPresent': 'true' } });
  });

  it('an Allow with satisfiable conditions counts, and the witness satisfies them', () => {
    const r = reach([[{ ...allowAll, Condition: { StringLike: { 'aws:ResourceTag/team': 'mail*' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true, certain: true });
    if (r.reachable) expect(r.context).toMatchObject({ 'aws:ResourceTag/team': expect.stringMatching(/^mail/) });
  });

  it('a role has no aws:username: an unknown variable in an Allow may take any value (reachable)', () => {
    const r = reach([[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}` }]], 'ses:CreateEmailIdentityPolicy', ROLE);
    expect(r.reachable).toBe(true);
  });

  it('an unknown variable in a Deny may fail to match: it removes nothing', () => {
    const r = reach([[allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: `arn:aws:ses:*:*:identity/\${aws:PrincipalTag/team}` }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true });
  });

  it('the same unknown variable in the Allow and the Deny: reachable on that assumption, said so', () => {
    const r = reach([[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:*:identity/\${aws:PrincipalTag/team}` }, { Effect: 'Deny', Action: 'ses:*', Resource: `arn:aws:ses:*:*:identity/\${aws:PrincipalTag/team}` }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true, certain: false });
    if (r.reachable) expect(r.assumptions.join(' ')).toMatch(/unknown policy variable/);
  });

  it('a condition on a key the action never carries is reported as an assumption, not dropped', () => {
    const r = reach([[{ ...allowAll, Condition: { StringEquals: { 'ses:FromAddress': 'noreply@example.com' } } }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true, certain: false });
    if (r.reachable) expect(r.assumptions.join(' ')).toMatch(/ses:FromAddress, which the action catalogue says ses:CreateEmailIdentityPolicy requests never carry/);
  });

  it('another trusted account\'s resources: reachable if that resource\'s policy lets the principal in (not certain)', () => {
    const r = reach([[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${OTHER_ACCOUNT}:identity/*` }]], 'ses:CreateEmailIdentityPolicy', USER, {
      space: { service: 'ses', accounts: [ACCOUNT, OTHER_ACCOUNT], partition: 'aws' },
    });
    expect(r).toMatchObject({ reachable: true, certain: false, resource: expect.stringContaining(`:${OTHER_ACCOUNT}:identity/`) });
  });

  it('cites the statements that allow the witness', () => {
    const r = reach([[{ Sid: 'Mine', ...allowAll }], [{ Effect: 'Allow', Action: 'ses:CreateEmailIdentityPolicy', Resource: '*' }]], 'ses:CreateEmailIdentityPolicy');
    expect(r).toMatchObject({ reachable: true, statements: [{ policy: 'p0', index: 0, sid: 'Mine', effect: 'Allow' }, { policy: 'p1', index: 0, effect: 'Allow' }] });
  });
});

describe('findReachableGrant: what is not reachable', () => {
  it.each([
    ['no statement names the action', [[{ Effect: 'Allow', Action: 'ses:Send*', Resource: '*' }]], 'ses:CreateEmailIdentityPolicy', /no Allow statement names/],
    ['an unconditional Deny on every resource', [[allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: '*' }]], 'ses:CreateEmailIdentityPolicy', /denied unconditionally by p0 statement 1/],
    ['an unconditional Deny whose NotResource spares only other services', [[allowAll, { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::*' }]], 'ses:CreateEmailIdentityPolicy', /denied unconditionally/],
    ['only an untrusted account\'s resources', [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${OTHER_ACCOUNT}:*` }]], 'ses:CreateEmailIdentityPolicy', /outside their Resource/],
    ['an Allow whose conditions are never true', [[{ ...allowAll, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '0' } } }]], 'ses:CreateEmailIdentityPolicy', /never negative/],
    ['an Allow on a principal key that is false for this principal', [[{ ...allowAll, Condition: { StringEquals: { 'aws:username': 'bob' } } }]], 'ses:CreateEmailIdentityPolicy', /false for this principal/],
    ['a Deny on a principal key that holds for this principal is unconditional for it', [[allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }]], 'ses:CreateEmailIdentityPolicy', /denied unconditionally/],
    ['a wildcard-only action granted only on ARNs of other types', [[{ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: `arn:aws:ses:*:${ACCOUNT}:template/*` }]], 'ses:PutIdentityPolicy', /outside their Resource/],
    ['a whitespace action grants nothing', [[{ Effect: 'Allow', Action: 'ses:CreateEmailIdentityPolicy ', Resource: '*' }]], 'ses:CreateEmailIdentityPolicy', /no Allow statement names/],
  ] as const)('%s', (_name, statements, action, why) => {
    const r = reach(statements.map((s) => [...s]), action);
    expect(r.reachable).toBe(false);
    if (!r.reachable) expect(r.why).toMatch(why);
  });

  it('a principal from another account: reachable only if the resource\'s own policy lets it in (not certain)', () => {
    const r = reach([[allowAll]], 'ses:CreateEmailIdentityPolicy', `arn:aws:iam::${OTHER_ACCOUNT}:user/bob`);
    expect(r).toMatchObject({ reachable: true, certain: false });
    if (r.reachable) expect(r.assumptions.join(' ')).toMatch(/resource's own policy there must let/);
  });
});

/** Outcomes that are not a disagreement with iam-simulate. */
function failures(outcomes: Array<{ name: string; outcome: Outcome }>): string[] {
  return outcomes.filter(({ outcome }) => outcome.kind === 'disagreement').map(({ name, outcome }) => `${name}: ${outcome.kind === 'disagreement' ? outcome.detail : ''}`);
}

describe('findReachableGrant agrees with iam-simulate (bounded slice; bench/reach-differential.ts runs it all)', () => {
  it('on the current version of every AWS managed policy, for each SES perimeter action', async () => {
    const outcomes: Array<{ name: string; outcome: Outcome }> = [];
    let index = 0;
    for (const p of currentManagedPolicies()) {
      const [policy] = labelled([p.document]);
      for (const action of PERIMETER_ACTIONS) {
        const names = compilePolicy(policy!.policy).statements.some((s) => s.action(action.toLowerCase()));
        // Every answer is computed; the oracle confirms every witness, samples broadly wherever a statement
        // names the action, and narrowly for one pair in 25 of the rest (the bench samples all of them).
        if (!names && index++ % 25 !== 0) {
          const r = findReachableGrant({ policies: { identityPolicies: [policy!] }, principal: { arn: PRINCIPAL }, action, space: { service: 'ses', accounts: [ACCOUNT], partition: 'aws' } });
          expect(r.reachable, `${p.name} ${action}`).toBe(false);
          continue;
        }
        outcomes.push({ name: `${p.name} ${action}`, outcome: await checkCase({ name: p.name, documents: [p.document], action }, names ? 'broad' : 'narrow') });
      }
    }
    expect(failures(outcomes)).toEqual([]);
    // The slice must include real grants confirmed by the oracle (AdministratorAccess, AmazonSESFullAccess, ...).
    expect(outcomes.filter((o) => o.outcome.kind === 'confirmed-witness').length).toBeGreaterThanOrEqual(50);
  }, 120_000);

  it('on fast-check-generated SES policies', async () => {
    const cases = fc.sample(generatedCase, { numRuns: 150, seed: 20260601 });
    const outcomes: Array<{ name: string; outcome: Outcome }> = [];
    for (const [i, c] of cases.entries()) outcomes.push({ name: `generated#${i} ${c.action} ${JSON.stringify(c.documents)}`, outcome: await checkCase({ name: `generated#${i}`, ...c }, 'broad') });
    expect(failures(outcomes)).toEqual([]);
    const kinds = new Set(outcomes.map((o) => o.outcome.kind));
    expect(kinds).toContain('confirmed-witness');
    expect(kinds).toContain('unreachable-confirmed');
  }, 120_000);
});
