import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { IdempotencyConfig, makeIdempotent, PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import * as z from '../zod.ts';

/**
 * Decide-and-repair runs once per CloudTrail event. EventBridge delivers at least once and Lambda retries
 * asynchronous invocations, so one `detail.eventID` can arrive several times; without this a duplicate
 * would repair twice and alert twice. Built on Powertools idempotency: the first call stores the result,
 * later calls with the same event id get the stored result, a call while the first is still running
 * fails with Powertools' IdempotencyAlreadyInProgressError (Lambda then retries it later), and a call
 * that throws leaves no record so its retry decides afresh.
 * https://docs.aws.amazon.com/powertools/typescript/latest/features/idempotency/
 */

export {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceLayerError,
  IdempotencyInconsistentStateError,
} from '@aws-lambda-powertools/idempotency';

/** Attribute names of the idempotency table; the deployment creates the table with these. */
export const IDEMPOTENCY_TABLE_KEY = {
  partitionKey: 'id',
  /** Epoch seconds; enable DynamoDB TTL on it so stored results expire. */
  ttlAttribute: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.expiryAttr,
  statusAttribute: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.statusAttr,
  dataAttribute: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.dataAttr,
  inProgressExpiryAttribute: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.inProgressExpiryAttr,
} as const;

/** CreateTable / AWS::DynamoDB::Table properties. */
export const IDEMPOTENCY_TABLE_DEFINITION = {
  AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE_KEY.partitionKey, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE_KEY.partitionKey, KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
  TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE_KEY.ttlAttribute, Enabled: true },
} as const;

/**
 * How long a decided event id is remembered. EventBridge retries delivery for up to 24 hours, so a
 * shorter window would let a late duplicate repair again.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
 */
export const DEFAULT_EXPIRES_AFTER_SECONDS = 24 * 60 * 60;

/**
 * Outside Lambda (CLI, tests) there is no remaining-time clock; an in-progress lock without one would
 * block a crashed run's event id until the record expires. Lambda's maximum timeout bounds it instead.
 */
export const LOCAL_IN_PROGRESS_MS = 15 * 60 * 1000;

/** Shared by every guard function, so an event routed to two functions is still decided once. */
export const DEFAULT_KEY_PREFIX = 'sesguard.decision';

export interface IdempotencyOptions {
  client: DynamoDBClient;
  tableName: string;
  expiresAfterSeconds?: number;
  keyPrefix?: string;
}

/** What a step is made idempotent on: the CloudTrail event id, typed rather than dug out of an envelope. */
export interface IdempotencyKey {
  eventId: string;
}

/** The result, and whether it came from the stored record (a duplicate) instead of running the step. */
export interface IdempotentResult<T> {
  result: T;
  duplicate: boolean;
}

const EnvelopeWithEventId = z.object({ detail: z.object({ eventID: z.string().check(z.minLength(1)) }) });

/** The CloudTrail event id of an EventBridge envelope, or undefined when the envelope has none. */
export function cloudTrailEventIdOf(event: unknown): string | undefined {
  const parsed = EnvelopeWithEventId.safeParse(event);
  return parsed.success ? parsed.data.detail.eventID : undefined;
}

/** Where the event id sits in the key argument. */
const KEY_PATH = 'eventId';

/**
 * Wraps `step(key, ...args)` so it runs once per key (per CloudTrail event id). The result must be JSON
 * (a Decision is): duplicates get it back from DynamoDB, marked `duplicate`. A step that throws leaves no
 * record, so its retry runs afresh; a call while the first is still running fails with Powertools'
 * IdempotencyAlreadyInProgressError.
 */
export function idempotentPerEvent<A extends unknown[], T>(
  step: (key: IdempotencyKey, ...args: A) => Promise<T>,
  options: IdempotencyOptions,
): (context: Context | undefined, key: IdempotencyKey, ...args: A) => Promise<IdempotentResult<T>> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: KEY_PATH,
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_EXPIRES_AFTER_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    keyAttr: IDEMPOTENCY_TABLE_KEY.partitionKey,
  });
  // Which keys ran `step` in this process: a call that returns without running it got a stored result.
  const ran = new WeakSet<IdempotencyKey>();
  const tracked = (key: IdempotencyKey, ...args: A): Promise<T> => {
    ran.add(key);
    return step(key, ...args);
  };
  const once = makeIdempotent(tracked, { persistenceStore, config, keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX });
  const localContext = localInvocationContext();

  return async (context, key, ...args) => {
    // A fresh object per call, so `ran` tells this call apart from any other with the same event id.
    const own: IdempotencyKey = { eventId: key.eventId };
    // Outside a handler Powertools has no context of its own: the remaining time bounds the in-progress lock.
    config.registerLambdaContext(context ?? localContext);
    const result = await once(own, ...args);
    return { result, duplicate: !ran.has(own) };
  };
}

/** A stand-in Lambda context whose only job is to bound the in-progress lock outside Lambda. */
function localInvocationContext(): Context {
  const unsupported = (): never => {
    throw new Error('not running in Lambda');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'sesguard-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:sesguard-local',
    memoryLimitInMB: '0',
    awsRequestId: 'local',
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => LOCAL_IN_PROGRESS_MS,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
