import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { ChangeFamily } from '../../lib/cloudtrail/types.ts';
import { decideEvent } from '../../lib/guard/pipeline.ts';
import type { Decision } from '../../lib/guard/decision.ts';
import { makeDecisionIdempotent } from '../../lib/guard/idempotency.ts';
import type { PublishResult } from '../../lib/alert/publish.ts';
import { createGuardRuntime, type FamilyWiring, type GuardRuntime, type MakeClient } from './guard-runtime.ts';
import { alertOnUnexpectedError, UndecidedEventError } from './alert-on-error.ts';
import { summarizeDecision, type HandlerSummary } from './summary.ts';
import { recordDecisionMetrics } from './decision-metrics.ts';

export interface GuardHandlerOptions {
  family: ChangeFamily;
  /** The family's readers and repair senders, built from the clients they need. */
  wire: (make: MakeClient) => FamilyWiring;
  /** Tests inject a runtime; Lambda builds one from the environment at cold start. */
  runtime?: () => GuardRuntime;
  logger?: Logger;
}

/**
 * The whole of a guard function: middy wiring around the shared pipeline. Decide-and-repair is idempotent
 * on the CloudTrail event id (EventBridge delivers at least once); publishing the alert happens outside
 * it, so a failed publish is retried with the stored decision instead of repairing twice.
 */
export function createGuardHandler(options: GuardHandlerOptions) {
  const logger = options.logger ?? new Logger({ serviceName: 'sesguard', persistentKeys: { family: options.family } });
  const metrics = new Metrics({ namespace: 'sesguard', serviceName: 'sesguard', defaultDimensions: { family: options.family } });
  let runtime: GuardRuntime | undefined;
  let once: IdempotentSteps | undefined;

  const coldStart = (): IdempotentSteps => {
    if (!once) {
      runtime = options.runtime ? options.runtime() : createGuardRuntime(process.env, options.wire);
      once = idempotentSteps(runtime);
    }
    return once;
  };

  const handle = async (event: unknown, context: Context): Promise<HandlerSummary> => {
    const { decide, publish } = coldStart();
    const decision = await decide(event, context);
    logger.appendKeys({ eventId: decision.eventId, eventName: decision.eventName });
    if (decision.change && decision.change.family !== options.family) {
      // EventBridge sent another family's event here: the patterns in serverless.yml are wrong. The state
      // reader, wired for this family only, refuses it, so the decision is an error alert; say why in the log.
      logger.error('event routed to the wrong function', { expected: options.family, got: decision.change.family });
    }
    logDecision(logger, decision);
    recordDecisionMetrics(metrics, decision);
    const published = await publish({ detail: { eventID: decision.eventId }, decision }, context);
    return summarizeDecision(decision, published.published);
  };

  return middy<unknown, HandlerSummary, Error, Context>(handle)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(alertOnUnexpectedError({ logger, metrics, runtime: () => runtime }));
}

interface IdempotentSteps {
  decide: (event: unknown, context: Context) => Promise<Decision>;
  publish: (item: { detail: { eventID: string | undefined }; decision: Decision }, context: Context) => Promise<PublishResult>;
}

/**
 * Decide-and-repair runs once per CloudTrail event id, and so does publishing its alert — each with its own
 * record. A duplicate delivery gets both stored results (no second repair, no second alert); a publish that
 * failed left no record, so the retry publishes the stored decision instead of repairing again (which would
 * find the state already repaired and lose the alert). An event without an id is never deduplicated.
 */
function idempotentSteps(rt: GuardRuntime): IdempotentSteps {
  const store = { client: rt.dynamodb, tableName: rt.env.SESGUARD_IDEMPOTENCY_TABLE };
  const decideOrThrow = async (event: unknown): Promise<Decision> => {
    const decision = await decideEvent(event, rt.deps);
    // The state could not be read (throttled, denied): nothing was judged. Stored, this "error" would answer
    // every retry for 24 hours and the perimeter would stay open; thrown, no record is kept, the invocation
    // fails and Lambda retries it with a fresh read (then the DLQ keeps it). alertOnUnexpectedError alerts.
    if (decision.verdict === 'error') throw new UndecidedEventError(decision);
    return decision;
  };
  return {
    decide: makeDecisionIdempotent(decideOrThrow, store),
    publish: makeDecisionIdempotent((item: unknown) => rt.publisher.publish((item as { decision: Decision }).decision), { ...store, keyPrefix: 'sesguard.alert' }),
  };
}

function logDecision(logger: Logger, decision: Decision): void {
  const fields = {
    verdict: decision.verdict,
    resource: decision.resource,
    findings: decision.findings.map((f) => ({ ruleId: f.ruleId, statement: f.statement, reason: f.reason })),
    steps: decision.results.map((r) => ({ step: r.stepId, action: r.action, outcome: r.outcome, detail: r.detail })),
    skip: decision.skip,
    errors: decision.errors,
    timings: decision.timings,
  };
  if (decision.errors.length > 0 || decision.verdict === 'invalid' || decision.verdict === 'error') logger.error('decision', fields);
  else if (decision.verdict === 'noncompliant') logger.warn('decision', fields);
  else logger.info('decision', fields);
}
