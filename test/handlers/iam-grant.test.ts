import { describe, it, expect } from 'vitest';
import { DeletePolicyVersionCommand, DetachUserPolicyCommand, GetPolicyVersionCommand, ListAttachedUserPoliciesCommand, SetDefaultPolicyVersionCommand } from '@aws-sdk/client-iam';
import type { FakeIamAccount } from '../support/fake-iam.ts';
import { ACCOUNT, enforceConfig, sample, useGuardHarness } from './harness.ts';

/**
 * functions/iam-grant.ts end to end: IAM-SES-001, a non-administrator gaining SES perimeter actions
 * (DESIGN §3), is reverted by undoing exactly the grant (§4: an attachment is detached). IAM is global:
 * its events reach EventBridge in us-east-1, where this function runs.
 */

const h = useGuardHarness({ region: 'us-east-1' });

const SAMPLE = 'iam-grant/attach-user-policy-ses-full-access-non-admin';
const SES_FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonSESFullAccess';
const DEV_BOB = `arn:aws:iam::${ACCOUNT}:user/dev-bob`;

/** dev-bob holding AmazonSESFullAccess (ses:* on *), as IAM answers after the AttachUserPolicy call. */
function accountWithGrant(): FakeIamAccount & { users: NonNullable<FakeIamAccount['users']> } {
  return {
    accountId: ACCOUNT,
    users: { 'dev-bob': { attached: [SES_FULL_ACCESS] } },
    policies: { [SES_FULL_ACCESS]: { defaultVersion: 'v1', versions: { v1: { document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ses:*'], Resource: '*' }] }) } } } },
  };
}

describe('iam-grant function: AttachUserPolicy AmazonSESFullAccess (IAM-SES-001)', () => {
  it('to a non-administrator: DetachUserPolicy undoes exactly that attachment', async () => {
    const account = accountWithGrant();
    const iam = h.useFakeIam(account);
    iam.on(DetachUserPolicyCommand).callsFake(async (input: { UserName: string; PolicyArn: string }) => {
      const user = account.users[input.UserName];
      if (user) user.attached = (user.attached ?? []).filter((arn) => arn !== input.PolicyArn);
      return {};
    });
    const invoke = await h.coldStart('iam-grant', enforceConfig());
    const event = sample(SAMPLE);

    const summary = await invoke(event);

    expect(h.awsWrites()).toEqual(['DetachUserPolicyCommand']);
    expect(iam.commandCalls(DetachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'dev-bob', PolicyArn: SES_FULL_ACCESS }]);
    // The current state was read from IAM, not taken from the event: the user's attachments and the policy's default version.
    expect(iam.commandCalls(ListAttachedUserPoliciesCommand).map((c) => c.args[0].input)).toContainEqual(expect.objectContaining({ UserName: 'dev-bob' }));
    expect(iam.commandCalls(GetPolicyVersionCommand).map((c) => c.args[0].input)).toContainEqual({ PolicyArn: SES_FULL_ACCESS, VersionId: 'v1' });
    expect(account.users['dev-bob']?.attached).toEqual([]);
    // IAM-SES-002 (sending on * without ses:FromAddress/ses:Recipients) is alert-only: reported beside the revert.
    expect(summary).toEqual({
      eventId: event.detail.eventID,
      eventName: 'AttachUserPolicy',
      verdict: 'noncompliant',
      findings: ['IAM-SES-001[0]', 'IAM-SES-002[0]'],
      steps: ['iam.detach-policy:done'],
      alerted: true,
    });
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      outcome: { DataType: 'String', StringValue: 'repaired' },
      rules: { DataType: 'String.Array', StringValue: '["IAM-SES-001","IAM-SES-002"]' },
    });
    expect(published?.alert).toMatchObject({ outcome: 'repaired', severity: 'high', rules: ['IAM-SES-001', 'IAM-SES-002'], resource: { arn: DEV_BOB, family: 'iam-grant' }, errors: [] });
    expect(published?.alert.remediation).toMatchObject({
      strategy: 'revert-grant',
      steps: [{ id: 's1', action: 'iam.detach-policy', target: `user dev-bob policy ${SES_FULL_ACCESS}`, ruleIds: ['IAM-SES-001'], outcome: 'done' }],
    });
    // The re-read after the detach shows the attachment gone: that is what makes it "repaired".
    expect(published?.alert.verification).toEqual({ status: 'compliant', open: [], why: null });
    // The alert shows the attachment change itself (the policy document did not change; the attachment did).
    expect(published?.alert.document.diff).toEqual({
      kind: 'keys',
      changed: true,
      lines: ['- attached: true', '+ attached: false', `  policy: "${SES_FULL_ACCESS}"`, `  principal: "${DEV_BOB}"`],
    });
    expect(published?.alert.title).toBe('Repaired IAM-SES-001 on user/dev-bob; not repaired: IAM-SES-002');
  });

  it('delivered after dev-bob was already detached (a late or duplicate event): compliant, nothing written, and the alert says why', async () => {
    const account = accountWithGrant();
    account.users['dev-bob'] = { attached: [] };
    h.useFakeIam(account);
    const invoke = await h.coldStart('iam-grant', enforceConfig({ alerts: { notifyCompliant: true } }));

    const summary = await invoke(sample(SAMPLE));

    expect(summary).toMatchObject({ verdict: 'compliant', findings: [], steps: [], alerted: true });
    expect(h.awsWrites()).toEqual([]);
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'compliant', notes: [`The grant this event made is no longer in effect: ${SES_FULL_ACCESS} is no longer attached to user dev-bob (IAM no longer lists the attachment the event made).`] });
    expect(published?.alert.summary).toContain('is no longer attached to user dev-bob');
    expect(published?.alert.document.diff.lines).toContain('  attached: false');
  });

  it('to an administrator (adminPrincipals): no write, no alert', async () => {
    h.useFakeIam(accountWithGrant());
    const invoke = await h.coldStart('iam-grant', enforceConfig({ adminPrincipals: [DEV_BOB] }));

    expect(await invoke(sample(SAMPLE))).toMatchObject({ verdict: 'compliant', findings: [], steps: [], alerted: false });
    expect(h.awsCommands().length).toBeGreaterThan(0);
    expect(h.awsWrites()).toEqual([]);
    expect(h.sns.calls()).toEqual([]);
  });
});

describe('iam-grant function: CreatePolicyVersion (the version rollback judges what it restores)', () => {
  const MAIL_TEAM = `arn:aws:iam::${ACCOUNT}:policy/mail-team`;
  const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['ses:Get*', 'ses:List*'], Resource: '*' }] });
  const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ManagePolicies', Effect: 'Allow', Action: ['ses:PutIdentityPolicy'], Resource: '*' }] });

  it('v1 good, v2 bad (created non-default), v3 bad (created default): v1 is restored, v3 deleted, and the re-read confirms it', async () => {
    const account: FakeIamAccount = {
      accountId: ACCOUNT,
      users: { carol: { attached: [MAIL_TEAM] } },
      policies: {
        [MAIL_TEAM]: {
          defaultVersion: 'v3',
          versions: {
            v1: { document: good, createDate: new Date('2026-10-01T00:00:00Z') },
            v2: { document: bad, createDate: new Date('2026-11-01T00:00:00Z') },
            v3: { document: bad, createDate: new Date('2026-11-20T14:26:38Z') },
          },
        },
      },
    };
    const policy = account.policies?.[MAIL_TEAM];
    const iam = h.useFakeIam(account);
    iam.on(SetDefaultPolicyVersionCommand).callsFake(async (input: { VersionId: string }) => {
      if (policy) policy.defaultVersion = input.VersionId;
      return {};
    });
    iam.on(DeletePolicyVersionCommand).callsFake(async (input: { VersionId: string }) => {
      if (policy) delete policy.versions[input.VersionId];
      return {};
    });
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    const summary = await invoke(sample('iam-grant/create-policy-version-adds-put-identity-policy'));

    expect(h.awsWriteCalls()).toEqual([
      { command: 'SetDefaultPolicyVersionCommand', input: { PolicyArn: MAIL_TEAM, VersionId: 'v1' } },
      { command: 'DeletePolicyVersionCommand', input: { PolicyArn: MAIL_TEAM, VersionId: 'v3' } },
    ]);
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['iam.set-default-policy-version:done', 'iam.delete-policy-version:done'] });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', verification: { status: 'compliant' } });
    expect(published?.alert.remediation?.explanation).toMatch(/Not restored: v2 is not compliant under today's rules \(IAM-SES-001\)/);
  });
});
