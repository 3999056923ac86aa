import { describe, it, expect, vi } from 'vitest';
import { AttachRolePolicyCommand, AttachUserPolicyCommand, CreatePolicyVersionCommand, ListPolicyVersionsCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  DeleteCustomVerificationEmailTemplateCommand,
  GetCustomVerificationEmailTemplateCommand,
  NotFoundException,
  UpdateCustomVerificationEmailTemplateCommand,
  type GetCustomVerificationEmailTemplateCommandOutput,
} from '@aws-sdk/client-sesv2';
import { ACCOUNT, assumedRoleIdentity, enforceConfig, sample, useGuardHarness, type GuardHarness } from './harness.ts';

/**
 * functions/custom-verification.ts end to end. SES-CVE-001: sending a custom verification email is an
 * action, not a state, so the actor is judged and quarantined (DESIGN §4 quarantine). SES-CVE-002: a
 * template sending victims outside trusted domains is reverted or deleted.
 */

const h = useGuardHarness({ region: 'eu-west-1' });

const NON_ADMIN_SEND = 'custom-verification/send-by-non-admin-user';
const TRUSTED_DOMAINS = ['example.com', '*.example.com'];

describe('custom-verification function: a send by a non-administrator quarantines the sender (SES-CVE-001)', () => {
  it('an IAM user: AttachUserPolicy with the configured quarantine policy, and nothing read from SES', async () => {
    h.iam.on(AttachUserPolicyCommand).resolves({});
    const invoke = await h.coldStart('custom-verification', enforceConfig({ quarantinePolicyName: 'mail-quarantine' }));
    const event = sample(NON_ADMIN_SEND);

    const summary = await invoke(event);

    expect(h.awsCommands()).toEqual(['AttachUserPolicyCommand']);
    // The event was looked up in CloudTrail, by its id, before anyone was quarantined on its word.
    expect(h.cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input)).toEqual([
      { LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: event.detail.eventID }], MaxResults: 1 },
    ]);
    expect(h.iam.commandCalls(AttachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'dev-bob', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/mail-quarantine` },
    ]);
    expect(summary).toEqual({
      eventId: event.detail.eventID,
      eventName: 'SendCustomVerificationEmail',
      verdict: 'noncompliant',
      findings: ['SES-CVE-001'],
      steps: ['cloudtrail.verify-event:done', 'iam.attach-quarantine-policy:done'],
      alerted: true,
    });
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      outcome: { DataType: 'String', StringValue: 'repaired' },
      rules: { DataType: 'String.Array', StringValue: '["SES-CVE-001"]' },
    });
    expect(published?.alert).toMatchObject({ outcome: 'repaired', rules: ['SES-CVE-001'], actor: { arn: `arn:aws:iam::${ACCOUNT}:user/dev-bob`, type: 'IAMUser' } });
    expect(published?.alert.remediation).toMatchObject({
      strategy: 'quarantine',
      steps: [
        { id: 's1', action: 'cloudtrail.verify-event', outcome: 'done' },
        { id: 's2', action: 'iam.attach-quarantine-policy', outcome: 'done' },
      ],
    });
  });

  // Issue 11: anyone with lambda:InvokeFunction could hand the function a SendCustomVerificationEmail
  // naming any principal, and the guard quarantined it on the event's word alone.
  it('a forged event (handed to the function, never recorded by CloudTrail) quarantines no one: an alert says why', async () => {
    const invoke = await h.coldStart('custom-verification', enforceConfig());
    const event = sample('custom-verification/send-forged-by-lambda-invoke');
    h.notInCloudTrail(event.detail.eventID);

    const summary = await invoke(event);

    expect(h.awsWrites()).toEqual([]);
    expect(h.cloudtrail.commandCalls(LookupEventsCommand).length).toBeGreaterThan(0);
    expect(summary.steps).toEqual(['cloudtrail.verify-event:failed', 'iam.attach-quarantine-policy:skipped']);
    const [published] = h.publishedAlerts();
    expect(published?.alert.outcome).toBe('repair-failed');
    expect(published?.alert.errors.join('\n')).toMatch(/not in CloudTrail's event history of eu-west-1 .*nothing is quarantined on its word/);
  });

  it('an event whose actor differs from what CloudTrail recorded quarantines no one (a recorded event id re-used)', async () => {
    const invoke = await h.coldStart('custom-verification', enforceConfig());
    const event = sample(NON_ADMIN_SEND);
    h.cloudtrail.on(LookupEventsCommand).resolves({
      Events: [{ EventId: event.detail.eventID, CloudTrailEvent: JSON.stringify({ ...event.detail, userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice` } }) }],
    });

    const summary = await invoke(event);

    expect(h.awsWrites()).toEqual([]);
    expect(summary.steps).toEqual(['cloudtrail.verify-event:failed', 'iam.attach-quarantine-policy:skipped']);
    expect(h.publishedAlerts()[0]?.alert.errors.join('\n')).toMatch(/userIdentity\.arn: recorded arn:aws:iam::111122223333:user\/alice, delivered arn:aws:iam::111122223333:user\/dev-bob/);
  });

  it("an assumed role: AttachRolePolicy on the role, and its older sessions revoked through the guard's own managed policy (no inline policy)", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-24T09:00:00.000Z'));
    try {
      h.iam.on(AttachRolePolicyCommand).resolves({});
      h.iam.on(ListPolicyVersionsCommand).resolves({ Versions: [{ VersionId: 'v1', IsDefaultVersion: true, CreateDate: new Date('2026-01-01T00:00:00Z') }] });
      h.iam.on(CreatePolicyVersionCommand).resolves({ PolicyVersion: { VersionId: 'v2', IsDefaultVersion: true } });
      const invoke = await h.coldStart('custom-verification', enforceConfig());
      const event = sample(NON_ADMIN_SEND, (e) => void (e.detail.userIdentity = assumedRoleIdentity('mail-platform-deployer', 'GitHubActions')));

      const summary = await invoke(event);

      const revokeArn = `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-revoke-sessions`;
      expect(h.awsCommands()).toEqual(['AttachRolePolicyCommand', 'ListPolicyVersionsCommand', 'CreatePolicyVersionCommand', 'AttachRolePolicyCommand']);
      expect(h.iam.commandCalls(PutRolePolicyCommand)).toEqual([]);
      expect(h.iam.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
        { RoleName: 'mail-platform-deployer', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine` },
        { RoleName: 'mail-platform-deployer', PolicyArn: revokeArn },
      ]);
      // What the IAM console's "Revoke active sessions" writes, as the new default version of the guard's own policy.
      expect(h.iam.commandCalls(CreatePolicyVersionCommand).map((c) => c.args[0].input)).toEqual([
        {
          PolicyArn: revokeArn,
          SetAsDefault: true,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'RevokeOlderSessions', Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-24T09:00:00.000Z' } } }],
          }),
        },
      ]);
      expect(summary.steps).toEqual(['cloudtrail.verify-event:done', 'iam.attach-quarantine-policy:done', 'iam.revoke-role-sessions:done']);
      expect(h.publishedAlerts().map((p) => p.alert.outcome)).toEqual(['repaired']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an administrator (adminPrincipals) sending is compliant: nothing written, nothing alerted', async () => {
    const invoke = await h.coldStart(
      'custom-verification',
      enforceConfig({ adminPrincipals: [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*`] }),
    );

    expect(await invoke(sample('custom-verification/send-by-administrator'))).toMatchObject({ verdict: 'compliant', findings: [], steps: [], alerted: false });
    expect(h.awsCommands()).toEqual([]);
    expect(h.sns.calls()).toEqual([]);
  });
});

type Template = Omit<GetCustomVerificationEmailTemplateCommandOutput, '$metadata'>;

/** One custom verification template that behaves like SES: Get sees what Update/Delete left. */
function fakeTemplate(harness: GuardHarness, initial: Template): { template: Template | undefined } {
  const state: { template: Template | undefined } = { template: { ...initial } };
  harness.sesv2.on(GetCustomVerificationEmailTemplateCommand).callsFake(async (input: { TemplateName?: string }) => {
    if (state.template?.TemplateName !== input.TemplateName) {
      throw new NotFoundException({ message: `Template ${input.TemplateName} does not exist.`, $metadata: { httpStatusCode: 404 } });
    }
    return { ...state.template };
  });
  harness.sesv2.on(UpdateCustomVerificationEmailTemplateCommand).callsFake(async (input: Template) => {
    state.template = { ...input };
    return {};
  });
  harness.sesv2.on(DeleteCustomVerificationEmailTemplateCommand).callsFake(async () => {
    state.template = undefined;
    return {};
  });
  return state;
}

const trustedTemplate = (name: string): Template => ({
  TemplateName: name,
  FromEmailAddress: 'no-reply@example.com',
  TemplateSubject: 'Confirm your address for Example mail',
  TemplateContent: '<html><body><p>Please confirm that this address may send mail for Example.</p></body></html>',
  SuccessRedirectionURL: 'https://app.example.com/email/verified',
  FailureRedirectionURL: 'https://app.example.com/email/verification-failed',
});
const lookAlikeRedirect = (name: string): Template => ({ ...trustedTemplate(name), SuccessRedirectionURL: 'https://example-com.login-verify.net/session' });

describe('custom-verification function: a template redirecting outside trusted domains is repaired (SES-CVE-002)', () => {
  it('without a baseline the template is deleted', async () => {
    const ses = fakeTemplate(h, lookAlikeRedirect('example-verify'));
    const invoke = await h.coldStart('custom-verification', enforceConfig({ trustedDomains: TRUSTED_DOMAINS }));

    const summary = await invoke(sample('custom-verification/v2-update-template-untrusted-redirect'));

    expect(h.awsWrites()).toEqual(['DeleteCustomVerificationEmailTemplateCommand']);
    expect(h.sesv2.commandCalls(DeleteCustomVerificationEmailTemplateCommand).map((c) => c.args[0].input)).toEqual([{ TemplateName: 'example-verify' }]);
    expect(ses.template).toBeUndefined();
    expect(summary).toMatchObject({ verdict: 'noncompliant', findings: ['SES-CVE-002'], steps: ['ses.delete-verification-template:done'] });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', severity: 'high', rules: ['SES-CVE-002'], remediation: { strategy: 'delete' } });
  });

  it('with a compliant baseline recorded in DynamoDB the template is updated back to exactly it', async () => {
    // Its own template name, so this baseline cannot meet the other test's template.
    const rename = (e: { detail: { requestParameters: Record<string, unknown> | null } }) => void ((e.detail.requestParameters ?? {})['templateName'] = 'welcome-verify');
    const ses = fakeTemplate(h, trustedTemplate('welcome-verify'));
    const invoke = await h.coldStart('custom-verification', enforceConfig({ trustedDomains: TRUSTED_DOMAINS }));
    const created = sample('custom-verification/v1-create-template-trusted-domain', rename);
    expect(await invoke(created)).toMatchObject({ verdict: 'compliant', alerted: false });
    expect(await h.baselineItem(`arn:aws:ses:eu-west-1:${ACCOUNT}:custom-verification-email-template/welcome-verify`)).toMatchObject({ eventId: created.detail.eventID });

    ses.template = lookAlikeRedirect('welcome-verify');
    const summary = await invoke(sample('custom-verification/v2-update-template-untrusted-redirect', rename));

    expect(h.awsWrites()).toEqual(['UpdateCustomVerificationEmailTemplateCommand']);
    expect(h.sesv2.commandCalls(UpdateCustomVerificationEmailTemplateCommand).map((c) => c.args[0].input)).toEqual([trustedTemplate('welcome-verify')]);
    expect(ses.template).toEqual(trustedTemplate('welcome-verify'));
    expect(summary.steps).toEqual(['ses.update-verification-template:done']);
    expect(h.publishedAlerts().map((p) => [p.alert.outcome, p.alert.remediation?.strategy])).toEqual([['repaired', 'revert-template']]);
  });
});
