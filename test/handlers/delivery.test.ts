import { describe, it, expect } from 'vitest';
import { AttachUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  DeleteEmailIdentityPolicyCommand,
  GetEmailIdentityPoliciesCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { AuthorizationErrorException, PublishCommand } from '@aws-sdk/client-sns';
import { ACCOUNT, enforceConfig, fakeIdentityPolicies, policyDocument, sample, TOPIC_ARN, useGuardHarness } from './harness.ts';

/**
 * Cross-cutting behaviour of every guard function, shown through the identity-policy function: at-least-once
 * delivery (idempotency on detail.eventID in the real DynamoDB), failed repair steps, skips, loud failures
 * (DESIGN §4: "a failed repair is an alert of its own, never a silent log line") and config validation.
 */

const h = useGuardHarness({ region: 'eu-west-1' });

const IDENTITY_ARN = `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/example.com`;
const PUBLIC_SAMPLE = 'identity-policy/v2-create-policy-public-principal';
const publicDocument = policyDocument({ Sid: 'AnyoneMaySend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY_ARN });

describe('duplicate delivery (EventBridge delivers at least once; idempotency on detail.eventID)', () => {
  it('repairs and alerts once when the same event arrives twice, and answers the duplicate with the same summary', async () => {
    fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': publicDocument } });
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const event = sample(PUBLIC_SAMPLE);

    const first = await invoke(event);
    const commandsAfterFirst = h.awsCommands();
    // A redelivery is a new EventBridge envelope carrying the same CloudTrail record.
    const second = await invoke({ ...event, id: 'redelivered-envelope-id' });

    expect(h.sesv2.commandCalls(DeleteEmailIdentityPolicyCommand).map((c) => c.args[0].input)).toEqual([{ EmailIdentity: 'example.com', PolicyName: 'allow-all' }]);
    // The redelivery's state read starts beside its idempotency lock (functions/runtime/guard-handler.ts)
    // and is wasted on a duplicate: one read more, nothing written.
    expect(h.awsCommands()).toEqual([...commandsAfterFirst, 'GetEmailIdentityPoliciesCommand']);
    // The same decision, but this invocation alerted nobody: the stored record answered.
    expect(second).toEqual({ ...first, alerted: false, duplicate: true });
    expect(first).toMatchObject({ eventId: event.detail.eventID, verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'], alerted: true });
    expect(h.publishedAlerts().map((p) => p.alert.outcome)).toEqual(['repaired']);
  });

  it('rejects a duplicate that arrives while the first is still deciding (Lambda retries it later), without a guard-error alert', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    h.sesv2.on(GetEmailIdentityPoliciesCommand).callsFake(async () => {
      reads++;
      if (reads === 1) await gate;
      // The first delivery's read, the duplicate's (started beside its lock), then (after the delete) gone.
      return { Policies: reads <= 2 ? { 'allow-all': publicDocument } : {} };
    });
    h.sesv2.on(DeleteEmailIdentityPolicyCommand).resolves({});
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const { IdempotencyAlreadyInProgressError } = await import('../../lib/guard/idempotency.ts');
    const event = sample(PUBLIC_SAMPLE);

    const first = invoke(event);
    // The first delivery has stored its INPROGRESS record once it reads the state.
    await expect.poll(() => reads).toBe(1);
    await expect(invoke(event)).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();

    expect(await first).toMatchObject({ verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'] });
    expect(h.awsWrites()).toEqual(['DeleteEmailIdentityPolicyCommand']);
    expect(h.publishedAlerts().map((p) => p.alert.outcome)).toEqual(['repaired']);
  });

  it('decides the duplicate from the stored record after a cold start too (another execution environment)', async () => {
    fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': publicDocument } });
    const event = sample(PUBLIC_SAMPLE);
    const first = await (await h.coldStart('identity-policy', enforceConfig()))(event);
    const second = await (await h.coldStart('identity-policy', enforceConfig()))(event);

    expect(second).toEqual({ ...first, alerted: false, duplicate: true });
    expect(h.awsWrites()).toEqual(['DeleteEmailIdentityPolicyCommand']);
    expect(h.sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('a failed repair step (DESIGN §4: every step outcome goes into the alert; a failed repair is an alert of its own)', () => {
  it('still attempts the other steps and publishes repair-failed with the AWS error', async () => {
    // SES-IDP-001 configured to quarantine the actor; SES-IDP-004 (a non-sending action) reverts the policy.
    const document = policyDocument({ Sid: 'AnyoneMayManage', Effect: 'Allow', Principal: '*', Action: ['ses:SendEmail', 'ses:PutIdentityPolicy'], Resource: IDENTITY_ARN });
    fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': document } });
    const denied = Object.assign(new Error('User: arn:aws:sts::111122223333:assumed-role/sesguard-prod-identity-policy/x is not authorized to perform: ses:DeleteEmailIdentityPolicy'), {
      name: 'AccessDeniedException',
    });
    h.sesv2.on(DeleteEmailIdentityPolicyCommand).rejects(denied);
    h.iam.on(AttachUserPolicyCommand).resolves({});
    const invoke = await h.coldStart('identity-policy', enforceConfig({ rules: { 'SES-IDP-001': { action: 'quarantine' } } }));

    const summary = await invoke(sample(PUBLIC_SAMPLE));

    expect(h.sesv2.commandCalls(DeleteEmailIdentityPolicyCommand).map((c) => c.args[0].input)).toEqual([{ EmailIdentity: 'example.com', PolicyName: 'allow-all' }]);
    expect(h.iam.commandCalls(AttachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'ci-legacy', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine` },
    ]);
    expect(summary.steps).toEqual(['ses.delete-identity-policy:failed', 'cloudtrail.verify-event:done', 'iam.attach-quarantine-policy:done']);
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'repair-failed' });
    expect(published?.alert).toMatchObject({ outcome: 'repair-failed', severity: 'critical', rules: ['SES-IDP-001', 'SES-IDP-004', 'SES-IDP-005'] });
    expect(published?.alert.remediation?.steps).toEqual([
      expect.objectContaining({ id: 's1', action: 'ses.delete-identity-policy', ruleIds: ['SES-IDP-004'], outcome: 'failed', detail: `AccessDeniedException: ${denied.message}` }),
      expect.objectContaining({ id: 's2', action: 'cloudtrail.verify-event', ruleIds: ['SES-IDP-001'], outcome: 'done' }),
      expect.objectContaining({ id: 's3', action: 'iam.attach-quarantine-policy', ruleIds: ['SES-IDP-001'], outcome: 'done' }),
    ]);
    expect(published?.alert.errors).toEqual([
      `step s1 (ses.delete-identity-policy) failed: AccessDeniedException: ${denied.message}`,
      expect.stringMatching(/^after the repair the state re-read is still noncompliant: SES-IDP-004: /),
    ]);
    expect(published?.alert.verification).toMatchObject({ status: 'open', open: [{ ruleId: 'SES-IDP-004' }] });
    // A refusal is answered at once: the invocation succeeds (nothing to retry) and the delete was sent once.
    expect(published?.alert.retry).toBeNull();
  });
});

describe('a transient repair failure (DESIGN §4: retried, then the invocation fails so EventBridge/Lambda retry it)', () => {
  it('a delete throttled on every try rejects the invocation with the repair-failed alert; no stored decision answers the retry, which repairs', async () => {
    const { policies } = fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': publicDocument } });
    const throttled = new TooManyRequestsException({ message: 'Too many requests.', $metadata: { httpStatusCode: 429 } });
    h.sesv2.on(DeleteEmailIdentityPolicyCommand).rejects(throttled);
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const { UndecidedEventError } = await import('../../lib/guard/event-handling.ts');
    const event = sample(PUBLIC_SAMPLE);

    await expect(invoke(event)).rejects.toBeInstanceOf(UndecidedEventError);
    const { STEP_RETRY } = await import('../../lib/aws/retry.ts');
    expect(h.sesv2.commandCalls(DeleteEmailIdentityPolicyCommand)).toHaveLength(STEP_RETRY.attempts);
    const [failed, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(failed?.alert).toMatchObject({ outcome: 'repair-failed', retry: expect.stringContaining('TooManyRequestsException') });
    expect(failed?.alert.summary).toContain('Lambda retries the event');

    // Lambda's retry: SES answers now, and the event is decided afresh (nothing stored stands in the way).
    h.sesv2.on(DeleteEmailIdentityPolicyCommand).callsFake(async (input: { EmailIdentity?: string; PolicyName?: string }) => {
      delete policies[input.EmailIdentity ?? '']?.[input.PolicyName ?? ''];
      return {};
    });
    expect(await invoke(event)).toMatchObject({ verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'], alerted: true });
    expect(h.publishedAlerts().map((p) => p.alert.outcome)).toEqual(['repair-failed', 'repaired']);
  });
});

describe('skipped events: nothing read, nothing written, nothing alerted (DESIGN §2)', () => {
  it.each([
    { name: 'a failed call (detail.errorCode AccessDenied) changed nothing', file: 'skipped/failed-call-access-denied', eventName: 'PutIdentityPolicy' },
    { name: "the guard's own role (sesguard-prod-*) made its own repair: no self-fight", file: 'skipped/own-role-guard-repair', eventName: 'UpdateEmailIdentityPolicy' },
  ])('$name', async ({ file, eventName }) => {
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const event = sample(file);

    expect(await invoke(event)).toEqual({ eventId: event.detail.eventID, eventName, verdict: 'ignored', findings: [], steps: [], alerted: false });
    expect(h.awsCommands()).toEqual([]);
    expect(h.sns.calls()).toEqual([]);
  });

  it('a malformed envelope is not skipped silently: it is published as invalid-event naming the field', async () => {
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const event = sample(PUBLIC_SAMPLE, (e) => {
      delete e.detail.requestParameters?.['policyName'];
    });

    expect(await invoke(event)).toMatchObject({ eventId: event.detail.eventID, verdict: 'invalid', alerted: true });
    expect(h.awsCommands()).toEqual([]);
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'medium' },
      outcome: { DataType: 'String', StringValue: 'invalid-event' },
    });
    expect(published?.alert).toMatchObject({ outcome: 'invalid-event', verdict: 'invalid', skip: { reason: 'malformed' }, event: { id: event.detail.eventID } });
    expect(published?.alert.skip?.detail).toContain('requestParameters.policyName');
  });
});

describe('loud failures', () => {
  it('a throttled state read rejects the invocation with a guard-error alert, keeps no decision, and the retry reads again and repairs', async () => {
    const throttled = new TooManyRequestsException({ message: 'Too many requests.', $metadata: { httpStatusCode: 429 } });
    h.sesv2.on(GetEmailIdentityPoliciesCommand).rejects(throttled);
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    const { UndecidedEventError } = await import('../../lib/guard/event-handling.ts');
    const event = sample(PUBLIC_SAMPLE);

    // Rejecting is what makes Lambda retry the asynchronous invocation (and, in the end, the DLQ keep it).
    await expect(invoke(event)).rejects.toBeInstanceOf(UndecidedEventError);
    expect(h.awsWrites()).toEqual([]);
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes?.severity).toEqual({ DataType: 'String', StringValue: 'high' });
    expect(published?.alert).toMatchObject({ outcome: 'guard-error', severity: 'high', verdict: 'error', resource: { arn: IDENTITY_ARN }, event: { id: event.detail.eventID } });
    expect(published?.alert.errors).toEqual([`could not read the current state of ${IDENTITY_ARN}: TooManyRequestsException: Too many requests.`]);

    // The retry: SES answers again. No stored "error" decision stands in the way.
    fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': publicDocument } });
    expect(await invoke(event)).toMatchObject({ verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'], alerted: true });
    expect(h.awsWrites()).toEqual(['DeleteEmailIdentityPolicyCommand']);
    expect(h.publishedAlerts().map((p) => p.alert.outcome)).toEqual(['guard-error', 'repaired']);
  });

  it('a refused SNS Publish rejects the invocation (EventBridge retries, then the DLQ), and the retry publishes the stored decision without repairing twice', async () => {
    fakeIdentityPolicies(h.sesv2, { 'example.com': { 'allow-all': publicDocument } });
    const refused = new AuthorizationErrorException({ message: 'User is not authorized to perform: SNS:Publish', $metadata: { httpStatusCode: 403 } });
    h.sns.on(PublishCommand).rejects(refused);
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    // The handler's module graph, as loaded by this cold start: its error classes are these.
    const { AlertPublishError } = await import('../../lib/alert/publish.ts');
    const event = sample(PUBLIC_SAMPLE);

    const failed = invoke(event);
    await expect(failed).rejects.toBeInstanceOf(AlertPublishError);
    await expect(failed).rejects.toThrow(`to ${TOPIC_ARN}: AuthorizationErrorException: User is not authorized to perform: SNS:Publish`);
    expect(h.awsWrites()).toEqual(['DeleteEmailIdentityPolicyCommand']);
    const commandsBeforeRetry = h.awsCommands();

    h.sns.on(PublishCommand).resolves({ MessageId: 'retried' });
    const retried = await invoke(event);

    // Only the read started beside the idempotency lock: the stored decision answers, nothing is repaired twice.
    expect(h.awsCommands()).toEqual([...commandsBeforeRetry, 'GetEmailIdentityPoliciesCommand']);
    expect(retried).toMatchObject({ eventId: event.detail.eventID, verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'], alerted: true });
    // The refused repair alert, the refused guard-error alert about it, then the repair alert again.
    const alerts = h.publishedAlerts().map((p) => p.alert);
    expect(alerts.map((a) => a.outcome)).toEqual(['repaired', 'guard-error', 'repaired']);
    expect(alerts[2]?.alertId).toBe(alerts[0]?.alertId);
    expect(alerts[1]?.errors[0]).toContain('AlertPublishError');
  });
});

describe('config validated at cold start (DESIGN §5: a bad config stops the guard, naming the field)', () => {
  it.each([
    { name: 'a trusted account that is not 12 digits', config: { mode: 'enforce', trustedAccounts: ['12345'] }, issue: 'trustedAccounts.0: must be a 12-digit AWS account id' },
    { name: 'an unknown mode', config: { mode: 'enforcing' }, issue: 'mode: ' },
    { name: 'an unknown field (a typo must not silently fall back to a default)', config: { mode: 'enforce', quarantinePolicy: 'x' }, issue: 'quarantinePolicy' },
  ])('$name -> InvalidConfigError, nothing read, nothing published', async ({ config, issue }) => {
    const invoke = await h.coldStart('identity-policy', config);
    const { InvalidConfigError } = await import('../../lib/config/validate.ts');

    const failed = invoke(sample(PUBLIC_SAMPLE));

    await expect(failed).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(failed).rejects.toSatisfy((error: InstanceType<typeof InvalidConfigError>) => error.issues.some((i) => i.includes(issue)));
    expect(h.awsCommands()).toEqual([]);
    expect(h.sns.calls()).toEqual([]);
  });
});
