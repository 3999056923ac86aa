import { describe, expect, it } from 'vitest';
import { AttachRolePolicyCommand, AttachUserPolicyCommand } from '@aws-sdk/client-iam';
import { perimeterDenyDocument } from '../../lib/families/iam-grant/perimeter-deny.ts';
import { ACCOUNT, enforceConfig, sample, useGuardHarness, type SampleEnvelope } from './harness.ts';

/**
 * Issue 11, end to end through the real handlers: the attacks that walked around the guard. Each of these
 * was reproduced against the previous code: the look-alike role's own calls were skipped as "the guard's"
 * (role/sesguard-prod-* matched it) and its grant reached only guard-integrity, which does not repair.
 */
const h = useGuardHarness({ region: 'us-east-1' });

const BACKDOOR = 'sesguard-prod-backdoor';
const SES_EVERYTHING = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }] });

/** The look-alike role granting itself ses:* with its own session. */
function selfGrant(): SampleEnvelope {
  return sample('iam-grant/put-role-policy-ses-wildcard', (e) => {
    e.detail.requestParameters = { roleName: BACKDOOR, policyName: 'ses-everything', policyDocument: SES_EVERYTHING };
    e.detail.userIdentity = {
      type: 'AssumedRole',
      principalId: 'AROARJ4XQ7EXAMPLEBKD:x',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${BACKDOOR}/x`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${BACKDOOR}`, accountId: ACCOUNT, userName: BACKDOOR }, attributes: { creationDate: '2026-11-24T09:00:00Z' } },
    };
  });
}

describe('a role merely named like the guard is judged and repaired, and reported as posing as the guard', () => {
  // The repair is perimeter-deny on the role now (issue 11: the guard writes no inline policy); it used to delete the inline policy.
  it('iam-grant: its ses:* grant to itself is repaired (perimeter-deny attached to it), not skipped as the guard\'s own', async () => {
    const PERIMETER_DENY = `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny`;
    const account = {
      accountId: ACCOUNT,
      roles: { [BACKDOOR]: { inline: { 'ses-everything': SES_EVERYTHING } as Record<string, string>, attached: [] as string[] } },
      policies: { [PERIMETER_DENY]: { defaultVersion: 'v1', versions: { v1: { document: JSON.stringify(perimeterDenyDocument(PERIMETER_DENY)) } } } },
    };
    const iam = h.useFakeIam(account);
    iam.on(AttachRolePolicyCommand).callsFake(async (input: { RoleName: string; PolicyArn: string }) => {
      account.roles[BACKDOOR].attached.push(input.PolicyArn);
      return {};
    });
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    const summary = await invoke(selfGrant());

    expect(summary).toMatchObject({ verdict: 'noncompliant', findings: expect.arrayContaining(['IAM-SES-001[0]']), steps: ['iam.attach-perimeter-deny:done'] });
    expect(iam.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: BACKDOOR, PolicyArn: PERIMETER_DENY }]);
    expect(h.publishedAlerts().map((p) => p.alert.outcome)).toEqual(['repaired']);
  });

  it('guard-integrity: the same event is a critical GUARD-001 alert, whoever made it', async () => {
    const invoke = await h.coldStart('guard-integrity', enforceConfig());

    const summary = await invoke(selfGrant());

    expect(summary).toMatchObject({ verdict: 'noncompliant', findings: ['GUARD-001'], steps: [] });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'guard-integrity', severity: 'critical' });
    expect(published?.alert.findings[0]?.reason).toMatch(/sesguard-prod-backdoor, which is named like the guard's roles but is not one of them/);
  });
});

describe('undoing a quarantine undoes a repair', () => {
  it('a quarantine policy detached by a non-administrator is attached again', async () => {
    h.iam.on(AttachUserPolicyCommand).resolves({});
    const invoke = await h.coldStart('guard-integrity', enforceConfig());

    const summary = await invoke(sample('guard-integrity/iam-detach-user-policy-quarantine'));

    expect(summary).toMatchObject({ findings: ['GUARD-001'], steps: ['iam.attach-quarantine-policy:done'] });
    expect(h.iam.commandCalls(AttachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'ci-legacy', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine` }]);
  });

  it('an administrator lifting it is reported, not fought', async () => {
    const invoke = await h.coldStart('guard-integrity', enforceConfig({ adminPrincipals: [`arn:aws:iam::${ACCOUNT}:user/ci-legacy`] }));

    const summary = await invoke(sample('guard-integrity/iam-detach-user-policy-quarantine'));

    expect(summary).toMatchObject({ findings: ['GUARD-001'], steps: [], alerted: true });
    expect(h.awsWrites()).toEqual([]);
  });
});
