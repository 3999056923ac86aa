import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Decision, Verdict } from './decision.ts';

/** The part of Powertools' Metrics this module uses. */
export interface MetricsSink {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
}

/** CloudWatch metric name per verdict: dashboards and alarms count what the guard decided, per family. */
export const VERDICT_METRICS: Readonly<Record<Verdict, string>> = {
  compliant: 'DecisionCompliant',
  noncompliant: 'DecisionNoncompliant',
  ignored: 'DecisionIgnored',
  invalid: 'DecisionInvalid',
  error: 'DecisionError',
};

/**
 * What one decision adds to the function's metrics (flushed as CloudWatch embedded metrics by the
 * logMetrics middleware). Repair steps are counted by outcome so a rising failure count shows before
 * anyone reads the alerts; EventToDecision is how long the perimeter stayed open.
 */
export function recordDecisionMetrics(metrics: MetricsSink, decision: Decision): void {
  metrics.addMetric(VERDICT_METRICS[decision.verdict], MetricUnit.Count, 1);
  const count = (outcome: string): number => decision.results.filter((r) => r.outcome === outcome).length;
  if (decision.results.length > 0) {
    metrics.addMetric('RepairStepsDone', MetricUnit.Count, count('done'));
    metrics.addMetric('RepairStepsFailed', MetricUnit.Count, count('failed'));
    metrics.addMetric('RepairStepsSkipped', MetricUnit.Count, count('skipped'));
  }
  if (decision.timings.eventToDecisionMs !== undefined) {
    metrics.addMetric('EventToDecision', MetricUnit.Milliseconds, decision.timings.eventToDecisionMs);
  }
}

/** A redelivered event answered from the idempotency record: counted apart, never as a second decision. */
export function recordDuplicateDelivery(metrics: MetricsSink): void {
  metrics.addMetric('DuplicateDelivery', MetricUnit.Count, 1);
}

/** A repair step kept failing transiently: the invocation fails on purpose so Lambda retries the event. */
export function recordRepairRetry(metrics: MetricsSink): void {
  metrics.addMetric('RepairRetried', MetricUnit.Count, 1);
}

/** The guard failed before or while deciding (its own bug, or AWS refused a read): count it apart. */
export function recordGuardFailure(metrics: MetricsSink): void {
  metrics.addMetric('GuardFailure', MetricUnit.Count, 1);
}
