import { describe, it, expect } from 'vitest';
import { enforceConfig, sample, TOPIC_ARN, useGuardHarness } from './harness.ts';

/**
 * functions/guard-integrity.ts end to end: GUARD-001 (DESIGN §3). Blinding the guard is an attacker's
 * first move, so it is always a critical alert; the guard never "repairs" its own resources (a person
 * does), so nothing is read and nothing is written.
 */

const h = useGuardHarness({ region: 'eu-west-1' });

describe('guard-integrity function: changes that blind the guard are critical alerts and nothing else', () => {
  it.each([
    { name: 'CloudTrail StopLogging on the management trail', file: 'guard-integrity/cloudtrail-stop-logging', eventName: 'StopLogging' },
    { name: 'EventBridge DisableRule on a guard rule', file: 'guard-integrity/events-disable-rule', eventName: 'DisableRule' },
    { name: 'SNS DeleteTopic on the alert topic', file: 'guard-integrity/sns-delete-topic', eventName: 'DeleteTopic' },
  ])('$name', async ({ file, eventName }) => {
    const invoke = await h.coldStart('guard-integrity', enforceConfig());
    const event = sample(file);

    const summary = await invoke(event);

    expect(h.awsCommands()).toEqual([]);
    expect(summary).toEqual({ eventId: event.detail.eventID, eventName, verdict: 'noncompliant', findings: ['GUARD-001'], steps: [], alerted: true });
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.TopicArn).toBe(TOPIC_ARN);
    expect(published?.input.Subject).toMatch(/^\[CRITICAL\] sesguard: GUARD TAMPERING: /);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      outcome: { DataType: 'String', StringValue: 'guard-integrity' },
      rules: { DataType: 'String.Array', StringValue: '["GUARD-001"]' },
    });
    expect(published?.alert).toMatchObject({ outcome: 'guard-integrity', severity: 'critical', rules: ['GUARD-001'], errors: [], event: { id: event.detail.eventID, name: eventName } });
    expect(published?.alert.remediation).toMatchObject({ strategy: 'alert-only', steps: [], notRepaired: [{ ruleId: 'GUARD-001' }] });
  });
});
