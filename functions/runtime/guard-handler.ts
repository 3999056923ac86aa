import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { ChangeFamily } from '../../lib/cloudtrail/types.ts';
import { decideEvent } from '../../lib/guard/pipeline.ts';
import type { Decision } from '../../lib/guard/decision.ts';
import { makeDecisionIdempotent } from '../../lib/guard/idempotency.ts';
import { createGuardRuntime, type FamilyWiring, type GuardRuntime, type MakeClient } from './guard-runtime.ts';
import { alertOnUnexpectedError } from './alert-on-error.ts';
import { summarizeDecision, type HandlerSummary } from './summary.ts';

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
  let runtime: GuardRuntime | undefined;
  let decideOnce: ((event: unknown, context: Context) => Promise<Decision>) | undefined;

  const getRuntime = (): GuardRuntime => {
    if (!runtime) {
      runtime = options.runtime ? options.runtime() : createGuardRuntime(process.env, options.wire);
      const rt = runtime;
      decideOnce = makeDecisionIdempotent((event: unknown) => decideEvent(event, rt.deps), {
        client: rt.dynamodb,
        tableName: rt.env.SESGUARD_IDEMPOTENCY_TABLE,
      });
    }
    return runtime;
  };

  const handle = async (event: unknown, context: Context): Promise<HandlerSummary> => {
    const rt = getRuntime();
    const decision = await decideOnce!(event, context);
    logger.appendKeys({ eventId: decision.eventId, eventName: decision.eventName });
    if (decision.change && decision.change.family !== options.family) {
      // EventBridge sent another family's event here: the patterns in serverless.yml are wrong. Decide anyway
      // (the pipeline is family-agnostic) but make it visible.
      logger.warn('event routed to the wrong function', { expected: options.family, got: decision.change.family });
    }
    logDecision(logger, decision);
    const published = await rt.publisher.publish(decision);
    return summarizeDecision(decision, published.published);
  };

  return middy<unknown, HandlerSummary, Error, Context>(handle)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(alertOnUnexpectedError({ logger, runtime: () => runtime }));
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
