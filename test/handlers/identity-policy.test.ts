import { describe, it, expect } from 'vitest';
import {
  DeleteEmailIdentityPolicyCommand,
  GetEmailIdentityPoliciesCommand,
  UpdateEmailIdentityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import { ACCOUNT, enforceConfig, fakeIdentityPolicies, policyDocument, sample, TOPIC_ARN, useGuardHarness } from './harness.ts';

/**
 * The identity-policy function end to end: SES identity (sending-authorization) policies, DESIGN §3
 * SES-IDP-*, §4 revert/strip/delete, and the re-read after writing that decides "repaired".
 */

const h = useGuardHarness({ region: 'eu-west-1' });

const IDENTITY_ARN = `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/example.com`;
const PUBLIC_SAMPLE = 'identity-policy/v2-create-policy-public-principal';

const anyoneMaySend = { Sid: 'AnyoneMaySend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY_ARN };
const mailerSendsNewsletter = {
  Sid: 'MarketingMailerSendsNewsletter',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/marketing-mailer` },
  Action: ['ses:SendEmail', 'ses:SendRawEmail'],
  Resource: IDENTITY_ARN,
  Condition: { StringLike: { 'ses:FromAddress': 'newsletter@example.com' } },
};
const agencySends = { Sid: 'AgencySends', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'ses:SendRawEmail', Resource: IDENTITY_ARN };

describe('identity-policy function, enforce mode: SES-IDP-001 (Allow to Principal "*") is repaired', () => {
  it.each([
    {
      name: 'the only statement is public, so nothing compliant is left and the policy is deleted',
      stored: policyDocument(anyoneMaySend),
      urlEncoded: false,
      write: { command: DeleteEmailIdentityPolicyCommand, input: { EmailIdentity: 'example.com', PolicyName: 'allow-all' } },
      strategy: 'delete',
      left: undefined,
      findings: ['SES-IDP-001[0]', 'SES-IDP-005[0]'],
    },
    {
      name: 'the public statement is stripped and exactly the remaining document is written back (SES answered URL-encoded)',
      stored: policyDocument(mailerSendsNewsletter, anyoneMaySend),
      urlEncoded: true,
      write: { command: UpdateEmailIdentityPolicyCommand, input: { EmailIdentity: 'example.com', PolicyName: 'allow-all', Policy: policyDocument(mailerSendsNewsletter) } },
      strategy: 'strip',
      left: policyDocument(mailerSendsNewsletter),
      findings: ['SES-IDP-001[1]', 'SES-IDP-005[1]'],
    },
  ])('$name', async ({ stored, urlEncoded, write, strategy, left, findings }) => {
    const ses = fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': stored } }, { urlEncoded });
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const event = sample(PUBLIC_SAMPLE);

    const summary = await invoke(event);

    // The read (it is the read before writing: nothing but judging comes between), one write, the read after.
    expect(h.awsCommands()).toEqual(['GetEmailIdentityPoliciesCommand', write.command.name, 'GetEmailIdentityPoliciesCommand']);
    expect(h.sesv2.commandCalls(GetEmailIdentityPoliciesCommand).map((c) => c.args[0].input)).toEqual(Array(2).fill({ EmailIdentity: 'example.com' }));
    expect(h.awsWriteCalls()).toEqual([{ command: write.command.name, input: write.input }]);
    expect(ses.policies['example.com']?.['allow-all']).toBe(left);
    expect(summary).toEqual({
      eventId: event.detail.eventID,
      eventName: 'CreateEmailIdentityPolicy',
      verdict: 'noncompliant',
      // SES-IDP-005 (no ses:FromAddress) is alert-only by default: reported, its statement repaired anyway.
      findings,
      steps: [`${strategy === 'delete' ? 'ses.delete-identity-policy' : 'ses.put-identity-policy'}:done`],
      alerted: true,
    });

    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.TopicArn).toBe(TOPIC_ARN);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      outcome: { DataType: 'String', StringValue: 'repaired' },
      rules: { DataType: 'String.Array', StringValue: '["SES-IDP-001","SES-IDP-005"]' },
    });
    expect(published?.alert).toMatchObject({
      outcome: 'repaired',
      severity: 'critical',
      verdict: 'noncompliant',
      dryRun: false,
      rules: ['SES-IDP-001', 'SES-IDP-005'],
      resource: { arn: IDENTITY_ARN, family: 'identity-policy' },
      actor: { arn: `arn:aws:iam::${ACCOUNT}:user/ci-legacy`, type: 'IAMUser' },
      event: { id: event.detail.eventID, name: 'CreateEmailIdentityPolicy' },
      errors: [],
      // The alert shows the decoded document, whatever encoding SES answered with.
      document: { before: stored, after: left ?? null },
    });
    expect(published?.alert.remediation?.strategy).toBe(strategy);
    expect(published?.alert.remediation?.steps).toEqual([
      expect.objectContaining({ id: 's1', ruleIds: ['SES-IDP-001'], outcome: 'done', detail: null }),
    ]);
  });
});

describe('identity-policy function: revert to the baseline recorded in DynamoDB (DESIGN §4 revert)', () => {
  it('records a compliant policy as last-known-good, then writes exactly that document back over a noncompliant change', async () => {
    const compliant = policyDocument(mailerSendsNewsletter);
    const ses = fakeIdentityPolicies(h.sesv2, { 'example.com': { 'marketing-mailer-send': compliant } });
    const invoke = await h.coldStart('identity-policy', enforceConfig());

    const first = sample('identity-policy/v1-put-policy-trusted-role-from-address');
    expect(await invoke(first)).toMatchObject({ verdict: 'compliant', steps: [], alerted: false });
    const resourceId = `${IDENTITY_ARN}#policy/marketing-mailer-send`;
    expect(await h.baselineItem(resourceId)).toMatchObject({ resourceId, document: compliant, eventId: first.detail.eventID });
    expect(h.awsWrites()).toEqual([]);
    expect(h.publishedAlerts()).toEqual([]);

    // Someone adds an outside account (SES-IDP-002). Stripping would also be compliant; revert comes first.
    ses.policies['example.com'] = { 'marketing-mailer-send': policyDocument(mailerSendsNewsletter, agencySends) };
    const second = sample('identity-policy/v2-update-policy-outside-account');
    const summary = await invoke(second);

    expect(h.sesv2.commandCalls(UpdateEmailIdentityPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { EmailIdentity: 'example.com', PolicyName: 'marketing-mailer-send', Policy: compliant },
    ]);
    expect(h.awsWrites()).toEqual(['UpdateEmailIdentityPolicyCommand']);
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['ses.put-identity-policy:done'], alerted: true });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', severity: 'high', rules: ['SES-IDP-002', 'SES-IDP-005'], event: { id: second.detail.eventID } });
    expect(published?.alert.remediation).toMatchObject({ strategy: 'revert', steps: [{ id: 's1', outcome: 'done', ruleIds: ['SES-IDP-002'] }] });
    expect(published?.alert.remediation?.explanation).toContain(`(event ${first.detail.eventID})`);
    // The baseline is not overwritten by the noncompliant reading.
    expect(await h.baselineItem(resourceId)).toMatchObject({ document: compliant, eventId: first.detail.eventID });
  });
});

describe('identity-policy function: the read the repair is planned from is the read before writing; the re-read after it decides', () => {
  it('sends no second read before writing, and does not call it repaired when the re-read after the write still shows a noncompliant policy', async () => {
    // Someone puts an outside account on the policy right after the guard read the public one.
    h.sesv2
      .on(GetEmailIdentityPoliciesCommand, { EmailIdentity: 'example.com' })
      .resolvesOnce({ Policies: { 'allow-all': policyDocument(anyoneMaySend) } })
      .resolves({ Policies: { 'allow-all': policyDocument(agencySends) } });
    h.sesv2.on(DeleteEmailIdentityPolicyCommand).resolves({});
    const invoke = await h.coldStart('identity-policy', enforceConfig());

    const summary = await invoke(sample(PUBLIC_SAMPLE));

    const commands = h.awsCommands();
    expect(commands.slice(0, 3)).toEqual(['GetEmailIdentityPoliciesCommand', 'DeleteEmailIdentityPolicyCommand', 'GetEmailIdentityPoliciesCommand']);
    // The re-reads after the write (tried again in case the write was still propagating) are all that follows.
    expect(new Set(commands.slice(2))).toEqual(new Set(['GetEmailIdentityPoliciesCommand']));
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'], alerted: true });
    const [published] = h.publishedAlerts();
    expect(published?.alert.outcome).not.toBe('repaired');
    expect(published?.alert.errors.join('\n')).toContain('after the repair the state re-read is still noncompliant');
  });
});

describe('identity-policy function, dry-run mode: nothing but reads (DESIGN §4: mode dry-run turns every action into alert)', () => {
  it('sends only the read and publishes would-repair with the step enforce mode would take', async () => {
    const ses = fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': policyDocument(anyoneMaySend) } });
    const invoke = await h.coldStart('identity-policy', { mode: 'dry-run' });

    const summary = await invoke(sample(PUBLIC_SAMPLE));

    expect(h.awsCommands()).toEqual(['GetEmailIdentityPoliciesCommand']);
    expect(h.iam.calls()).toEqual([]);
    expect(ses.policies['example.com']?.['allow-all']).toBe(policyDocument(anyoneMaySend));
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['ses.delete-identity-policy:would-do'], alerted: true });
    const [published] = h.publishedAlerts();
    expect(published?.input.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'would-repair' });
    expect(published?.alert).toMatchObject({ outcome: 'would-repair', severity: 'critical', dryRun: true, rules: ['SES-IDP-001', 'SES-IDP-005'] });
    expect(published?.alert.remediation).toMatchObject({
      strategy: 'delete',
      steps: [{ id: 's1', action: 'ses.delete-identity-policy', target: expect.stringContaining('example.com'), outcome: 'would-do', detail: 'dry-run: not sent' }],
    });
  });
});
