import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import * as z from '../lib/zod.ts';
import { madeClient } from '../lib/aws/lazy-client.ts';
import { createServiceClient, type MakeClient } from '../lib/aws/client-factory.ts';
import { createSnsAlertPublisher } from '../lib/alert/publish.ts';
import { DynamoBaselineStore } from '../lib/baseline/dynamodb-store.ts';
import type { Config } from '../lib/config/schema.ts';
import type { Family } from '../lib/families/family.ts';
import customVerification from '../lib/families/custom-verification/index.ts';
import eventDestination from '../lib/families/event-destination/index.ts';
import guardIntegrity from '../lib/families/guard-integrity/index.ts';
import iamGrant from '../lib/families/iam-grant/index.ts';
import identityPolicy from '../lib/families/identity-policy/index.ts';
import { recordDecisionMetrics } from '../lib/guard/decision-metrics.ts';
import { systemClock } from '../lib/aws/clock.ts';
import { withinShared } from '../lib/aws/paced-client.ts';
import { SES_BUDGET_KEY, SharedRateBucket } from '../lib/aws/shared-rate-bucket.ts';
import { TokenBucket } from '../lib/aws/token-bucket.ts';
import { IDEMPOTENCY_TABLE_KEY } from '../lib/guard/idempotency.ts';
import { DynamoSweepStore } from '../lib/sweep/dynamodb-store.ts';
import { runSweepInvocation, type SweepDeps } from '../lib/sweep/engine.ts';
import { publishSweepSummary } from '../lib/sweep/summary.ts';
import { loadBundledConfig } from './runtime/config.ts';
import { GuardEnvSchema, parseEnvironment } from './runtime/env.ts';

/**
 * The sweep function: one invocation of a sweep run, started by the sweep state machine (on its schedule and
 * after each deploy), which invokes it again while it answers `continue`. Wiring only: lib/sweep does the work.
 */

/** Every family the registry lists. The sweep is the one function that judges all of them. */
export const SWEEP_FAMILIES: readonly Family[] = [guardIntegrity, iamGrant, customVerification, eventDestination, identityPolicy] as readonly Family[];

const commaNames = z.pipe(z.string(), z.transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0)));

export const SweepEnvSchema = z.extend(GuardEnvSchema, {
  // Optional for event functions (only those that revert keep baselines); the sweep reverts, so it needs it.
  SESGUARD_BASELINE_TABLE: z.string().check(z.minLength(1)),
  SESGUARD_SWEEP_TABLE: z.string().check(z.minLength(1)),
  /** The partition's IAM region: only its stack sweeps IAM. */
  SESGUARD_GLOBAL_REGION: z.string().check(z.minLength(1)),
  /** The guard's functions and rules deployed in this region (guard-integrity checks each is in place). */
  SESGUARD_GUARD_FUNCTIONS: commaNames,
  SESGUARD_GUARD_RULES: commaNames,
  AWS_REGION: z.string().check(z.minLength(1)),
});
export type SweepEnv = z.infer<typeof SweepEnvSchema>;

const SweepInput = z.object({
  /** The state machine execution: the lease holder for every invocation of this run. */
  holder: z.optional(z.string().check(z.minLength(1))),
  trigger: z._default(z.string().check(z.minLength(1)), 'schedule'),
});

export interface SweepResult {
  status: 'continue' | 'done' | 'refused';
  sweepId: string;
  reason?: string;
}

/** A Lambda invocation must stop taking resources with this much left: a throttled read plus a repair and a checkpoint. */
export const RESERVE_MS = 90_000;
/** Longer than one invocation (900 s) plus the state machine's retry delays: a crashed holder's lease expires after this. */
export const LEASE_MS = 20 * 60_000;

export function createSweepHandler(options: { env?: NodeJS.ProcessEnv; config?: Config; logger?: Logger } = {}) {
  const logger = options.logger ?? new Logger({ serviceName: 'sesguard', persistentKeys: { function: 'sweep' } });
  const metricsByFamily = new Map<string, Metrics>();
  const metricsFor = (family: string): Metrics => {
    let m = metricsByFamily.get(family);
    if (!m) {
      m = new Metrics({ namespace: 'sesguard', serviceName: 'sesguard', defaultDimensions: { family, entry: 'sweep' } });
      metricsByFamily.set(family, m);
    }
    return m;
  };

  const handle = async (event: unknown, context: Context): Promise<SweepResult> => {
    const processEnv = options.env ?? process.env;
    const env = parseEnvironment(SweepEnvSchema, processEnv, 'sweep');
    const config = options.config ?? loadBundledConfig();
    const input = SweepInput.parse(event ?? {});
    const accountId = context.invokedFunctionArn.split(':')[4] ?? '';
    const region = env.AWS_REGION;
    // The pacer retries (each attempt through its token bucket), so the SDK's own retries are off.
    const makeClient = (r: string): MakeClient => (Client, service) => createServiceClient(Client, service, { ...processEnv, AWS_REGION: r, AWS_MAX_ATTEMPTS: '1' });
    const make = makeClient(region);
    const dynamodb = make(DynamoDBClient, 'DYNAMODB');
    const sns = make(SNSClient, 'SNS');
    const publisher = createSnsAlertPublisher({ sns: madeClient(sns), topicArn: env.SESGUARD_ALERT_TOPIC_ARN, config, accountId, region });
    const deps: SweepDeps = {
      config,
      families: SWEEP_FAMILIES,
      scope: { regions: [region], ...(region === env.SESGUARD_GLOBAL_REGION && { globalRegion: region }) },
      accountId,
      makeClient,
      store: new DynamoSweepStore({ client: dynamodb, tableName: env.SESGUARD_SWEEP_TABLE, id: `run#${accountId}#${region}` }),
      baseline: new DynamoBaselineStore({ client: dynamodb, tableName: env.SESGUARD_BASELINE_TABLE }),
      clock: systemClock,
      pacing: {
        sesRate: config.sweep.sesCallsPerSecond,
        iamRate: config.sweep.iamCallsPerSecond,
        // In its own region the sweep's SES calls also take slots of the budget the guard functions share:
        // at most its configured rate, and never on top of what the event path is using.
        ...(env.SESGUARD_SES_CALLS_PER_SECOND !== undefined && {
          sharedGate: sharedSesGate(dynamodb, env.SESGUARD_IDEMPOTENCY_TABLE, env.SESGUARD_SES_CALLS_PER_SECOND, config.sweep.sesCallsPerSecond, region),
        }),
      },
      guardDeployment: () => ({ prefix: env.SESGUARD_RESOURCE_PREFIX, functions: env.SESGUARD_GUARD_FUNCTIONS, rules: env.SESGUARD_GUARD_RULES, alertTopicArn: env.SESGUARD_ALERT_TOPIC_ARN }),
      parseOptions: { ownRoleArns: env.SESGUARD_OWN_ROLE_ARNS, guardResourcePrefix: env.SESGUARD_RESOURCE_PREFIX },
      actor: { type: 'AWSService', invokedBy: 'sesguard sweep', ...(accountId && { accountId }) },
      remainingMs: () => context.getRemainingTimeInMillis(),
      reserveMs: RESERVE_MS,
      leaseMs: LEASE_MS,
      publish: async (decision) => {
        await publisher.publish(decision);
      },
      publishSummary: (record) => publishSweepSummary(sns, env.SESGUARD_ALERT_TOPIC_ARN, record, { account: accountId, region }),
      onDecision: (decision, family) => {
        recordDecisionMetrics(metricsFor(family.id), decision);
        if (decision.verdict !== 'compliant') logger.warn('sweep decision', { resource: decision.resource, verdict: decision.verdict, findings: decision.findings.map((f) => f.ruleId), errors: decision.errors });
      },
      newSweepId: () => `${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '')}-${randomUUID().slice(0, 8)}`,
    };
    const outcome = await runSweepInvocation(deps, { holder: input.holder ?? context.awsRequestId, trigger: input.trigger });
    if (outcome.status === 'refused') {
      logger.warn('sweep refused', { sweepId: outcome.sweepId, reason: outcome.reason });
      return { status: 'refused', sweepId: outcome.sweepId, reason: outcome.reason };
    }
    for (const unit of outcome.record.units) {
      const m = metricsFor(unit.family);
      if (outcome.status === 'done') {
        m.addMetric('SweepResourcesListed', MetricUnit.Count, unit.listed);
        m.addMetric('SweepResourcesSeen', MetricUnit.Count, unit.seen);
        m.addMetric('SweepUnitNotCovered', MetricUnit.Count, unit.error ? 1 : 0);
      }
    }
    for (const [family, stats] of Object.entries(outcome.record.tally.calls)) {
      if (outcome.status !== 'done') continue;
      metricsFor(family).addMetric('SweepApiCalls', MetricUnit.Count, stats.calls);
      metricsFor(family).addMetric('SweepThrottles', MetricUnit.Count, stats.throttles);
    }
    // The missed-sweep alarm counts this: no SweepCompleted within two schedule periods means no sweep finished.
    if (outcome.status === 'done') metricsFor('sweep').addMetric('SweepCompleted', MetricUnit.Count, 1);
    logger.info('sweep invocation', { sweepId: outcome.sweepId, status: outcome.status, invocations: outcome.record.invocations, units: outcome.record.units });
    return { status: outcome.status, sweepId: outcome.sweepId };
  };

  return middy<unknown, SweepResult, Error, Context>(async (event: unknown, context: Context) => {
    try {
      return await handle(event, context);
    } finally {
      for (const m of metricsByFamily.values()) m.publishStoredMetrics();
    }
  }).use(injectLambdaContext(logger, { clearState: true }));
}

export const handler = createSweepHandler();

function sharedSesGate(client: DynamoDBClient, tableName: string, sharedRate: number, ownRate: number, region: string) {
  const shared = new SharedRateBucket({ client, tableName, key: SES_BUDGET_KEY, keyAttribute: IDEMPOTENCY_TABLE_KEY.partitionKey, ttlAttribute: IDEMPOTENCY_TABLE_KEY.ttlAttribute, rate: sharedRate, clock: systemClock });
  const gate = withinShared(new TokenBucket({ rate: ownRate }, systemClock), shared);
  return (service: string, r: string) => (service === 'SESV2' && r === region ? gate : undefined);
}
