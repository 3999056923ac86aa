import * as z from '../zod.ts';
import type { Family } from '../families/family.ts';
import { cloudTrailEventIdOf, type IdempotencyKey, type IdempotentResult } from './idempotency.ts';
import type { Decision } from './decision.ts';
import { recordDecisionMetrics, recordDuplicateDelivery, type MetricsSink } from './decision-metrics.ts';
import { summarizeDecision, type HandlerSummary } from './summary.ts';

/**
 * One event through a guard function, as a plain function (the middy handler in functions/runtime only
 * wires it): decide (once per event id) -> flag an event this function was never meant to get -> log ->
 * metrics -> publish the alert (once per event id) -> a summary for the invocation result.
 */

export interface DecisionLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** The pipeline could not decide the event (verdict `error`): thrown so the invocation fails and is retried. */
export class UndecidedEventError extends Error {
  override readonly name = 'UndecidedEventError';
  constructor(readonly decision: Decision) {
    super(decision.retry ?? (decision.errors.join('; ') || 'the event could not be decided'));
  }
}

export interface EventHandlingDeps {
  /** The family this function guards: an event none of its parsers handles was routed here by mistake. */
  family: Pick<Family, 'id' | 'events'>;
  /**
   * Decide-and-repair; idempotent on the key when there is one. `onDecided` is called with a decision made
   * by this call (never a stored one) as soon as it is made, before its idempotency record is written.
   */
  decide(key: IdempotencyKey | undefined, event: unknown, onDecided?: (decision: Decision) => void): Promise<IdempotentResult<Decision>>;
  /** Publish the alert; idempotent on the key when there is one. */
  publish(key: IdempotencyKey | undefined, decision: Decision): Promise<IdempotentResult<{ published: boolean }>>;
  log: DecisionLog;
  metrics: MetricsSink;
}

/**
 * The state could not be read (throttled, denied): nothing was judged. Or a repair step failed
 * transiently even after the executor's retries (`decision.retry`). Stored, either would answer every
 * retry for 24 hours and the perimeter would stay open; thrown, no idempotency record is kept, the
 * invocation fails and Lambda retries it with a fresh read (then the dead-letter queue keeps it).
 */
export function throwIfUndecided(decision: Decision): Decision {
  if (decision.verdict === 'error' || decision.retry !== undefined) throw new UndecidedEventError(decision);
  return decision;
}

const RoutedEvent = z.object({ detail: z.object({ eventSource: z.string(), eventName: z.string() }) });

/**
 * EventBridge sent an event none of this function's parsers handles: the rule's pattern is wrong, and the
 * function that should judge it never sees it. Not an ignorable event: it is alerted.
 */
export function flagMisrouted(decision: Decision, event: unknown, family: EventHandlingDeps['family']): Decision {
  if (decision.skip?.reason !== 'unsupported-event') return decision;
  const routed = RoutedEvent.safeParse(event);
  if (!routed.success) return decision;
  const { eventSource, eventName } = routed.data.detail;
  if (family.events.some((e) => e.eventSource === eventSource && e.eventName === eventName)) return decision;
  return {
    ...decision,
    errors: [...decision.errors, `${eventSource} ${eventName} reached the ${family.id} function, which does not handle it: its EventBridge rule routes the wrong events`],
  };
}

export function logDecision(log: DecisionLog, decision: Decision): void {
  const fields = {
    eventId: decision.eventId,
    eventName: decision.eventName,
    verdict: decision.verdict,
    resource: decision.resource,
    findings: decision.findings.map((f) => ({ ruleId: f.ruleId, statement: f.statement, reason: f.reason })),
    steps: decision.results.map((r) => ({ step: r.stepId, action: r.action, outcome: r.outcome, detail: r.detail })),
    skip: decision.skip,
    errors: decision.errors,
    timings: decision.timings,
  };
  if (decision.errors.length > 0 || decision.verdict === 'invalid' || decision.verdict === 'error') log.error('decision', fields);
  else if (decision.verdict === 'noncompliant') log.warn('decision', fields);
  else log.info('decision', fields);
}

export async function handleGuardEvent(event: unknown, deps: EventHandlingDeps): Promise<HandlerSummary> {
  const eventId = cloudTrailEventIdOf(event);
  const key = eventId === undefined ? undefined : { eventId };
  // A fresh decision is published while its idempotency record is being written (one round trip less on the
  // way to the alert). Safe either way round: the alert is idempotent on its own record, so if the decision
  // record then fails and the event is retried, the retry's publish answers from the alert record.
  let early: Promise<IdempotentResult<{ published: boolean }>> | undefined;
  let decided: IdempotentResult<Decision>;
  try {
    decided = await deps.decide(key, event, (fresh) => {
      early = deps.publish(key, flagMisrouted(fresh, event, deps.family));
      // Awaited below; until then a rejection must not count as unhandled.
      early.catch(() => undefined);
    });
  } catch (error) {
    if (early) await early.catch(() => undefined);
    throw error;
  }
  const decision = flagMisrouted(decided.result, event, deps.family);
  if (decided.duplicate) {
    // The first delivery logged and counted this decision; counting it again would double the repairs a
    // dashboard shows. Only the redelivery itself is counted.
    deps.log.info('duplicate delivery answered from the stored decision', { eventId: decision.eventId, verdict: decision.verdict, duplicate: true });
    recordDuplicateDelivery(deps.metrics);
  } else {
    logDecision(deps.log, decision);
    recordDecisionMetrics(deps.metrics, decision);
  }
  const published = await (early ?? deps.publish(key, decision));
  // A stored publish result answered: the alert went out on an earlier delivery, not on this one.
  return summarizeDecision(decision, { alerted: published.result.published && !published.duplicate, duplicate: decided.duplicate });
}
