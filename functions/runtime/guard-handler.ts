import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { Family } from '../../lib/families/family.ts';
import { alertGate } from '../../lib/alert/should-alert.ts';
import { decideEvent, withReadsStarted, type GuardDeps } from '../../lib/guard/decide.ts';
import { handleGuardEvent, throwIfUndecided, type EventHandlingDeps } from '../../lib/guard/event-handling.ts';
import { idempotentPerEvent } from '../../lib/guard/idempotency.ts';
import type { HandlerSummary } from '../../lib/guard/summary.ts';
import type { Decision } from '../../lib/guard/decision.ts';
import { createGuardRuntime, idempotencyKeyPrefix, type GuardRuntime } from './guard-runtime.ts';
import { alertOnUnexpectedError } from './alert-on-error.ts';

export interface GuardHandlerOptions {
  /** Tests inject a runtime; Lambda builds one from the environment at cold start. */
  runtime?: () => GuardRuntime;
  logger?: Logger;
}

/**
 * The Lambda function of one family: middy wiring around lib/guard's event handling. Decide-and-repair
 * and publishing are each idempotent on the CloudTrail event id (EventBridge delivers at least once), so a
 * failed publish is retried with the stored decision instead of repairing twice.
 */
export function createGuardHandler(family: Family, options: GuardHandlerOptions = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'sesguard', persistentKeys: { family: family.id } });
  const metrics = new Metrics({ namespace: 'sesguard', serviceName: 'sesguard', defaultDimensions: { family: family.id } });
  let runtime: GuardRuntime | undefined;
  let wired: ((context: Context) => Omit<EventHandlingDeps, 'log' | 'metrics' | 'family'>) | undefined;

  const coldStart = () => {
    if (!wired) {
      const rt = options.runtime ? options.runtime() : createGuardRuntime(process.env, family);
      runtime = rt;
      // Per family: an event two families judge (an IAM role change is both a grant and, for a role named
      // like the guard's, GUARD-001) is decided once by each, never answered from the other's record.
      const store = { client: rt.dynamodb, tableName: rt.env.SESGUARD_IDEMPOTENCY_TABLE };
      const decideOnce = idempotentPerEvent(async (_key, event: unknown, deps: GuardDeps, onDecided: (decision: Decision) => void) => {
        const decision = throwIfUndecided(await decideEvent(event, deps));
        onDecided(decision);
        return decision;
      }, {
        ...store,
        keyPrefix: idempotencyKeyPrefix('decision', family.id),
      });
      const publishOnce = idempotentPerEvent((_key, decision: Parameters<typeof rt.publisher.publish>[0]) => rt.publisher.publish(decision), { ...store, keyPrefix: idempotencyKeyPrefix('alert', family.id) });
      wired = (context) => ({
        // The state read starts beside the idempotency lock rather than after it (one round trip less on
        // the way to the repair); a duplicate's read is wasted, and reads change nothing.
        // An event without an id cannot be deduplicated: it is decided (and reported invalid) every time.
        decide: async (key, event, onDecided = () => undefined) =>
          key ? decideOnce(context, key, event, withReadsStarted(event, rt.deps), onDecided) : { result: throwIfUndecided(await decideEvent(event, rt.deps)), duplicate: false },
        publish: async (key, decision) => {
          // Nothing to publish (a compliant change, an ignored event): no record to keep that it was not published.
          const gate = alertGate(decision, rt.config.alerts);
          if (!gate.alert) return { result: { published: false, reason: gate.reason }, duplicate: false };
          return key ? publishOnce(context, key, decision) : { result: await rt.publisher.publish(decision), duplicate: false };
        },
      });
    }
    return wired;
  };

  const handle = (event: unknown, context: Context): Promise<HandlerSummary> =>
    handleGuardEvent(event, { ...coldStart()(context), family, log: logger, metrics });

  return middy<unknown, HandlerSummary, Error, Context>(handle)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(alertOnUnexpectedError({ logger, metrics, runtime: () => runtime }));
}
