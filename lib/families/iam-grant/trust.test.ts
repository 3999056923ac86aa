import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import type { ConfigInput } from '../../config/schema.ts';
import { MemoryBaselineStore } from '../../baseline/memory-store.ts';
import { executePlan } from '../../remediation/execute.ts';
import { decideEvent, type GuardDeps } from '../../guard/decide.ts';
import { SAMPLE_PARSE_OPTIONS } from '../../../test/support/sample-options.ts';
import type { Family } from '../family.ts';
import iamGrant from './index.ts';
import { trustBaselineKey } from './types.ts';
import { perimeterDenyDocument } from './perimeter-deny.ts';
import { readPolicyDocument } from '../policy-document.ts';
import type { IamGrantState } from './types.ts';

/**
 * IAM-SES-003 through the shared decision path, offline (the trust policy from the event, the role's
 * policies from the sidecar). Before this rule each of these was "compliant": UpdateAssumeRolePolicy was
 * not a grant at all, so a foreign account got the role's perimeter actions without any alert.
 */
type Envelope = Record<string, unknown> & { detail: Record<string, unknown> & { requestParameters: Record<string, unknown> } };
const file = (name: string) => new URL(`../../../events/iam-grant/${name}`, import.meta.url);
const load = (name: string): Envelope => JSON.parse(readFileSync(file(`${name}.json`), 'utf8')) as Envelope;
const sidecarOf = (name: string): unknown => JSON.parse(readFileSync(file(`${name}.state.json`), 'utf8'));

const OUTSIDE = 'update-assume-role-policy-mail-admin-outside-account';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/mail-admin';

function deps(sidecar: unknown, config: ConfigInput = {}, baseline = new MemoryBaselineStore()): GuardDeps {
  return {
    config: parseConfig({ mode: 'dry-run', trustedAccounts: ['111122223333'], ...config }),
    families: [iamGrant as Family],
    readState: async (change, family) => family.offlineState(change, sidecar),
    baseline,
    execute: (plan, context) => executePlan(plan, { senders: new Map(), ...context, now: () => new Date() }),
    parseOptions: SAMPLE_PARSE_OPTIONS,
    now: () => new Date('2026-11-24T10:00:00Z'),
  };
}

const trust = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const withTrust = (document: string): Envelope => {
  const event = load(OUTSIDE);
  event.detail.requestParameters['policyDocument'] = document;
  return event;
};

describe('IAM-SES-003: a role holding perimeter actions becomes assumable from outside the perimeter', () => {
  it.each([
    [OUTSIDE, /lets arn:aws:iam::444455556666:root \(account 444455556666, not trusted\) assume it/],
    ['update-assume-role-policy-mail-admin-anyone-source-ip', /lets any AWS principal \("\*"\) assume it/],
  ])('%s is critical, names the holding policy, and plans to revert the trust policy', async (name, reason) => {
    const decision = await decideEvent(load(name), deps(sidecarOf(name)));
    expect(decision.verdict).toBe('noncompliant');
    const findings = decision.findings.filter((f) => f.ruleId === 'IAM-SES-003');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'critical', action: 'revert', resource: ROLE_ARN });
    expect(findings[0]?.reason).toMatch(reason);
    expect(findings[0]?.reason).toContain('arn:aws:iam::111122223333:policy/mail-admin-ses');
  });

  it('a trust pinned to the own account (sts:ExternalId) and a service pinned by aws:SourceAccount is compliant', async () => {
    const name = 'update-assume-role-policy-mail-admin-compliant';
    expect((await decideEvent(load(name), deps(sidecarOf(name)))).verdict).toBe('compliant');
  });

  it('a role that holds no perimeter action may be trusted by anyone as far as SES is concerned', async () => {
    const name = 'create-role-untrusted-trust-no-permissions';
    expect((await decideEvent(load(name), deps(sidecarOf(name)))).verdict).toBe('compliant');
  });

  it('an administrator role is not exempt: who may assume it is the question, not who it is', async () => {
    const decision = await decideEvent(load(OUTSIDE), deps(sidecarOf(OUTSIDE), { adminPrincipals: [ROLE_ARN] }));
    expect(decision.findings.map((f) => f.ruleId)).toEqual(['IAM-SES-003']);
  });

  it.each([
    ['a GitHub OIDC trust without a :sub condition admits every repository', trust({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } } }), true],
    ['the same trust pinned to one repository', trust({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:example/mail:ref:refs/heads/main' } } }), false],
    ['"*" pinned by aws:PrincipalOrgID to a trusted organization', trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }), false],
    ['a foreign account behind a Deny-free sts:* action', trust({ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'sts:*' }), true],
    ['a foreign account allowed only to tag sessions (no assume action)', trust({ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'sts:TagSession' }), false],
  ])('%s', async (_name, document, noncompliant) => {
    const decision = await decideEvent(withTrust(document), deps(sidecarOf(OUTSIDE), { trustedOrgIds: ['o-a1b2c3d4e5'] }));
    expect(decision.findings.some((f) => f.ruleId === 'IAM-SES-003')).toBe(noncompliant);
  });

  it('an unreadable trust policy is invalid, never compliant', async () => {
    const decision = await decideEvent(withTrust('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}'), deps(sidecarOf(OUTSIDE)));
    expect(decision.verdict).toBe('invalid');
    expect(decision.errors.join(' ')).toContain('trust policy of arn:aws:iam::111122223333:role/mail-admin');
  });
});

/**
 * Issue 11: the guard never writes a trust policy (IAM cannot limit what an UpdateAssumeRolePolicy document
 * says, so a role allowed it could make any role assumable by any account). It attaches its perimeter-deny
 * policy to the role instead and asks a person to revert the trust policy, proposing the baseline. These
 * replaced the tests of the old UpdateAssumeRolePolicy revert.
 */
describe('IAM-SES-003 repair: perimeter-deny on the role, and the trust policy left for a person (baseline proposed)', () => {
  const good = trust({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'mail-ops' } } });
  const PERIMETER_DENY = 'arn:aws:iam::111122223333:policy/sesguard-quarantine-perimeter-deny';

  it('attaches perimeter-deny to the role (one AttachRolePolicy, dry-run here) and proposes the baseline trust policy, never sending it', async () => {
    const baseline = new MemoryBaselineStore();
    await baseline.put({ resourceId: trustBaselineKey(ROLE_ARN), document: good, eventId: 'e-0', recordedAt: '2026-11-01T00:00:00Z' });
    const decision = await decideEvent(load(OUTSIDE), deps(sidecarOf(OUTSIDE), {}, baseline));
    expect(decision.plan?.strategy).toBe('perimeter-deny');
    expect(decision.plan?.steps.map((s) => s.action)).toEqual([{ type: 'iam.attach-perimeter-deny', principalType: 'role', principalName: 'mail-admin', policyArn: PERIMETER_DENY }]);
    expect(decision.plan?.explanation).toContain('perimeter-deny attached; trust policy left in place');
    expect(decision.plan?.notRepaired).toEqual([{ ruleId: 'IAM-SES-003', reason: expect.stringContaining('revert it by hand') }]);
    expect(decision.plan?.notRepaired[0]?.reason).toContain(`Proposed fix: the last-known-good trust policy (recorded 2026-11-01T00:00:00.000Z): ${good}`);
  });

  it('a compliant trust policy becomes the baseline a person is later shown', async () => {
    const baseline = new MemoryBaselineStore();
    const name = 'update-assume-role-policy-mail-admin-compliant';
    await decideEvent(load(name), deps(sidecarOf(name), {}, baseline));
    expect((await baseline.get(trustBaselineKey(ROLE_ARN)))?.document).toContain('sts:ExternalId');
  });

  it('a role compliant only because perimeter-deny is attached does not make its trust policy a last-known-good one', async () => {
    const sidecar = sidecarOf(OUTSIDE) as { policies: Record<string, unknown>; principals: Array<{ policies: string[] }> };
    sidecar.policies[PERIMETER_DENY] = perimeterDenyDocument(PERIMETER_DENY);
    sidecar.principals[0]!.policies.push(PERIMETER_DENY);
    const baseline = new MemoryBaselineStore();
    const decision = await decideEvent(load(OUTSIDE), deps(sidecar, {}, baseline));
    expect(decision.verdict).toBe('compliant');
    expect(await baseline.get(trustBaselineKey(ROLE_ARN))).toBeUndefined();
  });

  it('without a baseline the role still gets perimeter-deny, and the alert says nobody recorded who may assume it', async () => {
    const decision = await decideEvent(load(OUTSIDE), deps(sidecarOf(OUTSIDE)));
    expect(decision.plan?.steps.map((s) => s.action.type)).toEqual(['iam.attach-perimeter-deny']);
    expect(decision.plan?.notRepaired).toEqual([{ ruleId: 'IAM-SES-003', reason: expect.stringContaining('No last-known-good trust policy') }]);
  });

  it('a baseline that today\'s rules reject is not proposed', async () => {
    const baseline = new MemoryBaselineStore();
    await baseline.put({ resourceId: trustBaselineKey(ROLE_ARN), document: trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }), eventId: 'e-0', recordedAt: '2026-11-01T00:00:00Z' });
    const decision = await decideEvent(load(OUTSIDE), deps(sidecarOf(OUTSIDE), {}, baseline));
    expect(decision.plan?.steps.map((s) => s.action.type)).toEqual(['iam.attach-perimeter-deny']);
    expect(decision.plan?.notRepaired[0]?.reason).toMatch(/not compliant under today's rules either, so none is proposed/);
  });

  it("a trust change on the guard's own role is GUARD-001's, never repaired by iam-grant", async () => {
    const event = load(OUTSIDE);
    event.detail.requestParameters['roleName'] = 'sesguard-prod-identity-policy-eu-west-1';
    const decision = await decideEvent(event, deps(sidecarOf(OUTSIDE)));
    expect(decision).toMatchObject({ verdict: 'ignored', skip: { reason: 'unsupported-event' } });
  });
});

/**
 * The order attack: make an administrator role assumable from outside while it holds nothing (IAM-SES-003 has
 * nothing to say), then give it perimeter actions (IAM-SES-001 exempts administrators). Each event alone was
 * compliant. The role's trust policy comes with GetRole, which reading the role already sends, so a policy
 * event on a role judges who may assume it too.
 */
describe('IAM-SES-003 on a policy event: a role assumable from outside that gains perimeter actions', () => {
  const PUT = JSON.parse(readFileSync(file('put-role-policy-ses-wildcard.json'), 'utf8')) as Envelope;
  const APP_ROLE = 'arn:aws:iam::111122223333:role/app-backend';
  const foreign = trust({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' });
  const own = trust({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
  const withRoleTrust = (document: string, config: ConfigInput): GuardDeps => ({
    ...deps(undefined, config),
    readState: async (change, family) => {
      const state = (await family.offlineState(change, undefined)) as IamGrantState;
      return { ...state, principals: state.principals.map((p) => (p.principal.type === 'role' ? { ...p, trust: { roleName: p.principal.name, roleArn: p.arn, ...readPolicyDocument(document) } } : p)) };
    },
  });

  it('an administrator role trusted by a foreign account that gains ses:* is critical, and perimeter-deny goes on the role', async () => {
    const decision = await decideEvent(PUT, withRoleTrust(foreign, { adminPrincipals: [APP_ROLE] }));
    expect(decision.findings.map((f) => f.ruleId)).toEqual(['IAM-SES-003']);
    expect(decision.findings[0]).toMatchObject({ severity: 'critical', resource: APP_ROLE });
    expect(decision.findings[0]?.reason).toMatch(/444455556666/);
    expect(decision.plan?.steps.map((s) => s.action)).toEqual([expect.objectContaining({ type: 'iam.attach-perimeter-deny', principalType: 'role', principalName: 'app-backend' })]);
  });

  it('the same administrator role trusted only by a service of its own is compliant', async () => {
    expect((await decideEvent(PUT, withRoleTrust(own, { adminPrincipals: [APP_ROLE] }))).verdict).toBe('compliant');
  });

  it('a non-administrator role gets one repair for both rules: perimeter-deny answers the grant and the trust alike', async () => {
    const decision = await decideEvent(PUT, withRoleTrust(foreign, {}));
    expect(decision.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['IAM-SES-001', 'IAM-SES-003']));
    expect(decision.plan?.steps.map((s) => s.action)).toEqual([expect.objectContaining({ type: 'iam.attach-perimeter-deny', principalType: 'role', principalName: 'app-backend' })]);
    expect(decision.plan?.steps[0]?.ruleIds).toEqual(expect.arrayContaining(['IAM-SES-001', 'IAM-SES-003']));
  });
});
