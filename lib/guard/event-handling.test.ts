import { describe, expect, it } from 'vitest';
import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import { decisions } from '../alert/test-fixtures.ts';
import type { Decision } from './decision.ts';
import { handleGuardEvent, type DecisionLog, type EventHandlingDeps } from './event-handling.ts';

/**
 * One event through a guard function, as a plain function. A duplicate delivery is answered from the
 * idempotency record: it must not count the decision twice in the metrics (dashboards and alarms count
 * repairs from them), and its summary must not claim an alert was sent when the stored record answered.
 */
const EVENT = { detail: { eventID: 'c0ffee00-1234-4abc-9def-0123456789ab', eventSource: 'ses.amazonaws.com', eventName: 'UpdateEmailIdentityPolicy' } };

function harness(decision: Decision, stored: { decided: boolean; published: boolean }) {
  const metrics: Array<[string, number]> = [];
  const logged: Array<[string, Record<string, unknown>]> = [];
  const log: DecisionLog = {
    info: (message, fields) => void logged.push([message, fields]),
    warn: (message, fields) => void logged.push([message, fields]),
    error: (message, fields) => void logged.push([message, fields]),
  };
  const deps: EventHandlingDeps = {
    family: { id: 'identity-policy', events: [{ eventSource: 'ses.amazonaws.com', eventName: 'UpdateEmailIdentityPolicy', family: 'identity-policy', parse: () => ({ skip: true, reason: 'malformed', detail: '' }) }] },
    decide: async () => ({ result: decision, duplicate: stored.decided }),
    publish: async () => ({ result: { published: true }, duplicate: stored.published }),
    log,
    metrics: { addMetric: (name: string, _unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => void metrics.push([name, value]) },
  };
  return { deps, metrics, logged };
}

describe('handleGuardEvent: a duplicate delivery', () => {
  it('a first delivery counts its verdict and repair steps, and says it alerted', async () => {
    const { deps, metrics } = harness(decisions.repaired, { decided: false, published: false });
    const summary = await handleGuardEvent(EVENT, deps);
    expect(summary).toMatchObject({ verdict: 'noncompliant', alerted: true });
    expect(summary.duplicate).toBeUndefined();
    expect(metrics.map(([name]) => name)).toEqual(['DecisionNoncompliant', 'RepairStepsDone', 'RepairStepsFailed', 'RepairStepsSkipped', 'EventToDecision']);
  });

  it('answered from the idempotency record: no verdict or repair metric again (only DuplicateDelivery), and alerted: false', async () => {
    const { deps, metrics, logged } = harness(decisions.repaired, { decided: true, published: true });
    const summary = await handleGuardEvent(EVENT, deps);
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['ses.put-identity-policy:done'], alerted: false, duplicate: true });
    expect(metrics).toEqual([['DuplicateDelivery', 1]]);
    expect(logged.map(([message, fields]) => [message, fields['duplicate']])).toEqual([['duplicate delivery answered from the stored decision', true]]);
  });

  it('a stored decision whose alert was never published (SNS refused it before) is published now: alerted: true', async () => {
    const { deps } = harness(decisions.repaired, { decided: true, published: false });
    expect(await handleGuardEvent(EVENT, deps)).toMatchObject({ alerted: true, duplicate: true });
  });
});

describe('handleGuardEvent: a fresh decision is published beside the writing of its idempotency record', () => {
  it('publishes once, as soon as the decision is made, before the decide call has returned', async () => {
    const { deps } = harness(decisions.repaired, { decided: false, published: false });
    const order: string[] = [];
    deps.decide = async (_key, _event, onDecided) => {
      onDecided?.(decisions.repaired);
      order.push('decided');
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('record written');
      return { result: decisions.repaired, duplicate: false };
    };
    deps.publish = async () => {
      order.push('publish');
      return { result: { published: true }, duplicate: false };
    };
    expect(await handleGuardEvent(EVENT, deps)).toMatchObject({ alerted: true });
    expect(order).toEqual(['publish', 'decided', 'record written']);
  });

  it('when the decision record then fails, the invocation fails with that error once the publish has settled', async () => {
    const { deps } = harness(decisions.repaired, { decided: false, published: false });
    let settled = false;
    deps.decide = async (_key, _event, onDecided) => {
      onDecided?.(decisions.repaired);
      throw new Error('could not write the decision record');
    };
    deps.publish = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      settled = true;
      throw new Error('SNS refused');
    };
    await expect(handleGuardEvent(EVENT, deps)).rejects.toThrow('could not write the decision record');
    expect(settled).toBe(true);
  });
});
