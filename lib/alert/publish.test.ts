import { describe, it, expect, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Decision } from '../guard/decision.ts';
import { buildAlert } from './alert-message.ts';
import { encodeAlertNotification, parseAlertNotification } from './chatbot.ts';
import { AlertPublishError, createSnsAlertPublisher } from './publish.ts';
import { alertSubject, SUBJECT_MAX } from './sns-message.ts';
import { madeClient } from '../aws/lazy-client.ts';
import { ACCOUNT, REGION, decisions } from './test-fixtures.ts';

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:sesguard-alerts`;
const sns = mockClient(SNSClient);

function publisher(notifyCompliant = false) {
  return createSnsAlertPublisher({ sns: madeClient(new SNSClient({ region: REGION })), topicArn: TOPIC, config: { alerts: { notifyCompliant } }, accountId: ACCOUNT, region: REGION });
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('createSnsAlertPublisher', () => {
  it('publishes exactly one PublishCommand per alerted Decision, with subject, Chatbot body and filter attributes', async () => {
    const result = await publisher().publish(decisions.repaired);
    expect(result).toEqual({ published: true, messageId: 'msg-1', reason: 'noncompliant' });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const alert = buildAlert(decisions.repaired, { accountId: ACCOUNT, region: REGION });
    expect(calls[0]!.args[0].input).toEqual({
      TopicArn: TOPIC,
      Subject: '[CRITICAL] sesguard: Repaired SES-IDP-001 on identity/example.com; not repaired: SES-IDP-005',
      Message: encodeAlertNotification(alert),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        outcome: { DataType: 'String', StringValue: 'repaired' },
        rules: { DataType: 'String.Array', StringValue: '["SES-IDP-001","SES-IDP-005"]' },
      },
    });
  });

  const alerted: Array<{ name: string; decision: Decision; severity: string; outcome: string; rules: string[] }> = [
    { name: 'would-repair (dry-run)', decision: decisions.wouldRepair, severity: 'critical', outcome: 'would-repair', rules: ['SES-IDP-001'] },
    { name: 'repair-failed', decision: decisions.repairFailed, severity: 'high', outcome: 'repair-failed', rules: ['SES-IDP-001'] },
    { name: 'exempt', decision: decisions.exempt, severity: 'low', outcome: 'exempt', rules: ['SES-IDP-001'] },
    { name: 'alert-only', decision: decisions.alertOnly, severity: 'medium', outcome: 'alert-only', rules: ['SES-IDP-005'] },
    { name: 'invalid event', decision: decisions.invalidEvent, severity: 'medium', outcome: 'invalid-event', rules: [] },
    { name: 'guard error', decision: decisions.guardError, severity: 'high', outcome: 'guard-error', rules: [] },
    { name: 'guard integrity', decision: decisions.guardIntegrity, severity: 'critical', outcome: 'guard-integrity', rules: ['GUARD-001'] },
  ];
  it.each(alerted)('$name: attributes match the alert, subject is short ASCII, body parses', async ({ decision, severity, outcome, rules }) => {
    await publisher().publish(decision);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: severity },
      outcome: { DataType: 'String', StringValue: outcome },
      ...(rules.length > 0 && { rules: { DataType: 'String.Array', StringValue: JSON.stringify(rules) } }),
    });
    if (rules.length === 0) expect(input.MessageAttributes).not.toHaveProperty('rules');
    expect(input.Subject!.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(input.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(parseAlertNotification(input.Message!).outcome).toBe(outcome);
  });

  it('does not publish a compliant decision unless alerts.notifyCompliant is set', async () => {
    expect(await publisher(false).publish(decisions.compliant)).toEqual({ published: false, reason: expect.stringContaining('compliant') });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(await publisher(true).publish(decisions.compliant)).toMatchObject({ published: true });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes?.['severity']).toEqual({ DataType: 'String', StringValue: 'info' });
  });

  it("does not publish the guard's own repairs", async () => {
    expect((await publisher(true).publish(decisions.ignoredOwnRole)).published).toBe(false);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('throws a named AlertPublishError when SNS refuses, so the handler fails loudly and EventBridge retries', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('User is not authorized to perform SNS:Publish'), { name: 'AuthorizationErrorException' }));
    const error = await publisher().publish(decisions.repaired).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertPublishError);
    expect((error as AlertPublishError).message).toContain('AuthorizationErrorException');
    expect((error as AlertPublishError).alertId).toMatch(/^[0-9a-f]{32}$/);
  });

  // The SNS client and the sender are loaded on first use: a failure there is a failed publish, not a dropped alert.
  it('throws a named AlertPublishError when the SNS client cannot be made, and makes it only when there is something to send', async () => {
    let made = 0;
    const failing = createSnsAlertPublisher({
      sns: () => {
        made++;
        return Promise.reject(new Error('no region configured'));
      },
      topicArn: TOPIC,
      config: { alerts: { notifyCompliant: false } },
    });
    expect((await failing.publish(decisions.compliant)).published).toBe(false);
    expect(made).toBe(0);
    const error = await failing.publish(decisions.repaired).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertPublishError);
    expect((error as AlertPublishError).message).toMatch(/could not load the alert sender .*no region configured/);
    expect(made).toBe(1);
  });
});

describe('alertSubject', () => {
  it('is at most 100 ASCII characters without line breaks, even for long non-ASCII titles', () => {
    const long = { ...decisions.repaired, resource: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${'ü'.repeat(150)}.example.com\nX` };
    const subject = alertSubject(buildAlert(long));
    expect(subject.length).toBe(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('...')).toBe(true);
  });
});
