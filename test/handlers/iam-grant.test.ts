import { describe, it, expect } from 'vitest';
import { DetachUserPolicyCommand, GetPolicyVersionCommand, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
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
