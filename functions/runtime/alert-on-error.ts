import type middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { undecidedDecision, type Decision } from '../../lib/guard/decision.ts';
import { describeError } from '../../lib/aws/errors.ts';
import { IdempotencyAlreadyInProgressError } from '../../lib/guard/idempotency.ts';
import { UndecidedEventError } from '../../lib/guard/event-handling.ts';
import { recordGuardFailure, recordRepairRetry, type MetricsSink } from '../../lib/guard/decision-metrics.ts';
import type { GuardRuntime } from './guard-runtime.ts';

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
      if (error instanceof UndecidedEventError && error.decision.retry !== undefined) {
        // Not a guard defect: AWS kept failing a repair step transiently. Failing the invocation is what
        // makes Lambda retry the event (and keeps the failed decision out of the idempotency store).
        options.logger.warn('a repair step failed transiently; failing the invocation so Lambda retries the event', { retry: error.decision.retry, ...ids });
        recordRepairRetry(options.metrics);
      } else {
        options.logger.error('guard failed', { error, ...ids });
        recordGuardFailure(options.metrics);
      }
      const runtime = options.runtime();
      if (!runtime) return; // cold start failed (bad config/env): the function error alarm is the alert.
      const decision: Decision =
        error instanceof UndecidedEventError
          ? error.decision
          : undecidedDecision('error', `the guard failed while handling this event: ${describeError(error)}`, { dryRun: runtime.config.mode === 'dry-run', now: new Date(), ...ids });
      try {
        await runtime.publisher.publish(decision);
      } catch (publishError) {
        options.logger.error('could not publish the failure alert', { error: publishError });
      }
    },
  };
}
