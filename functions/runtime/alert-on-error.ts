import type middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Decision } from '../../lib/guard/decision.ts';
import { describeError } from '../../lib/aws/errors.ts';
import { IdempotencyAlreadyInProgressError } from '../../lib/guard/idempotency.ts';
import type { GuardRuntime } from './guard-runtime.ts';
import { recordGuardFailure, type MetricsSink } from './decision-metrics.ts';

/**
 * The pipeline could not decide the event (its verdict is `error`, e.g. the state read was throttled). Thrown
 * so the invocation fails and is retried; carries the decision so the alert names the resource and the cause.
 */
export class UndecidedEventError extends Error {
  override readonly name = 'UndecidedEventError';
  constructor(readonly decision: Decision) {
    super(decision.errors.join('; ') || 'the event could not be decided');
  }
}

interface EventIds {
  eventId?: string;
  eventName?: string;
}

function eventIdsOf(event: unknown): EventIds {
  const detail = (event as { detail?: { eventID?: unknown; eventName?: unknown } } | null)?.detail;
  return {
    ...(typeof detail?.eventID === 'string' && { eventId: detail.eventID }),
    ...(typeof detail?.eventName === 'string' && { eventName: detail.eventName }),
  };
}

/**
 * An unexpected failure must never be silent: it becomes a `guard-error` alert (when the runtime got far
 * enough to have a publisher) and the error is re-thrown so EventBridge retries and, in the end, the
 * dead-letter queue keeps the event.
 */
export function alertOnUnexpectedError(options: {
  logger: Logger;
  metrics: MetricsSink;
  runtime: () => GuardRuntime | undefined;
}): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    onError: async (request) => {
      const error = request.error;
      const ids = eventIdsOf(request.event);
      if (error instanceof IdempotencyAlreadyInProgressError) {
        // A duplicate delivery while the first is still deciding: not a failure. Re-throwing makes Lambda
        // retry it later, when the stored decision is returned.
        options.logger.warn('duplicate delivery while the event is still being decided; retrying later', { ...ids });
        return;
      }
      options.logger.error('guard failed', { error, ...ids });
      recordGuardFailure(options.metrics);
      const runtime = options.runtime();
      if (!runtime) return; // cold start failed (bad config/env): the function error alarm is the alert.
      const decision: Decision = error instanceof UndecidedEventError ? error.decision : {
        verdict: 'error',
        ...ids,
        findings: [],
        results: [],
        dryRun: runtime.config.mode === 'dry-run',
        errors: [`the guard failed while handling this event: ${describeError(error)}`],
        timings: { decidedAt: new Date().toISOString() },
      };
      try {
        await runtime.publisher.publish(decision);
      } catch (publishError) {
        options.logger.error('could not publish the failure alert', { error: publishError });
      }
    },
  };
}
