import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createEmulatorClient, createTestTable, type TestTable } from '../../test/support/dynamodb.ts';
import {
  cloudTrailEventIdOf,
  DEFAULT_EXPIRES_AFTER_SECONDS,
  IDEMPOTENCY_TABLE_DEFINITION,
  IDEMPOTENCY_TABLE_KEY,
  IdempotencyAlreadyInProgressError,
  idempotentPerEvent,
  type IdempotencyKey,
} from './idempotency.ts';

const client = createEmulatorClient();
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable(client, IDEMPOTENCY_TABLE_DEFINITION, 'idempotency');
});
afterAll(async () => {
  await table.drop();
  client.destroy();
});

const envelope = (eventID: string, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: `eb-${Math.random()}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ses',
  account: '111122223333',
  region: 'eu-west-1',
  detail: { eventID, eventName: 'PutIdentityPolicy', ...extra },
});

const uniqueId = (label: string) => `${label}-${crypto.randomUUID()}`;

/** A step that counts its runs and returns a JSON result naming the run. */
function countingDecision() {
  const calls: string[] = [];
  const fn = async (key: IdempotencyKey, _event: unknown) => {
    calls.push(key.eventId);
    return { verdict: 'compliant', eventId: key.eventId, run: calls.length };
  };
  return { fn, calls };
}

/** The key a handler derives from an envelope (lib/guard/event-handling.ts). */
const keyOf = (event: unknown): IdempotencyKey => ({ eventId: cloudTrailEventIdOf(event) ?? 'none' });

function lambdaContext(remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'sesguard-identity-policy',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:sesguard-identity-policy',
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/sesguard-identity-policy',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('idempotentPerEvent (Powertools idempotency on the CloudTrail event id, dynalite)', () => {
  it('runs the step once for a redelivered event id and returns the stored result, marked duplicate (EventBridge at-least-once)', async () => {
    const { fn, calls } = countingDecision();
    const decide = idempotentPerEvent(fn, { client, tableName: table.tableName });
    const id = uniqueId('dup');
    const first = await decide(lambdaContext(), keyOf(envelope(id)), envelope(id));
    // A redelivery is a different envelope (new EventBridge id) carrying the same CloudTrail event.
    const second = await decide(lambdaContext(), keyOf(envelope(id)), envelope(id));
    expect(calls).toEqual([id]);
    expect(first).toEqual({ result: { verdict: 'compliant', eventId: id, run: 1 }, duplicate: false });
    expect(second).toEqual({ result: first.result, duplicate: true });
  });

  it('decides different event ids separately', async () => {
    const { fn, calls } = countingDecision();
    const decide = idempotentPerEvent(fn, { client, tableName: table.tableName });
    const a = uniqueId('a');
    const b = uniqueId('b');
    expect((await decide(lambdaContext(), { eventId: a }, envelope(a))).result).toMatchObject({ eventId: a, run: 1 });
    expect((await decide(lambdaContext(), { eventId: b }, envelope(b))).result).toMatchObject({ eventId: b, run: 2 });
    expect(calls).toEqual([a, b]);
  });

  it('is idempotent without a Lambda context too (CLI), and across wrappers sharing the table (another function, a cold start)', async () => {
    const first = countingDecision();
    const second = countingDecision();
    const id = uniqueId('shared');
    const decideHere = idempotentPerEvent(first.fn, { client, tableName: table.tableName });
    const decideThere = idempotentPerEvent(second.fn, { client, tableName: table.tableName });
    const result = await decideHere(undefined, { eventId: id }, envelope(id));
    expect((await decideThere(lambdaContext(), { eventId: id }, envelope(id))).result).toEqual(result.result);
    expect(first.calls).toEqual([id]);
    expect(second.calls).toEqual([]);
  });

  it('rejects a concurrent duplicate while the first is in progress with IdempotencyAlreadyInProgressError', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const decide = idempotentPerEvent(
      async () => {
        runs++;
        await gate;
        return { verdict: 'noncompliant' };
      },
      { client, tableName: table.tableName },
    );
    const id = uniqueId('concurrent');
    const first = decide(lambdaContext(), { eventId: id });
    // Let the first call write its INPROGRESS record before the duplicate arrives.
    await expect.poll(() => runs).toBe(1);
    await expect(decide(lambdaContext(), { eventId: id })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();
    expect((await first).result).toEqual({ verdict: 'noncompliant' });
    expect(runs).toBe(1);
  });

  it('keeps no record when the step throws, so the retry runs again (a failure is never cached)', async () => {
    let attempt = 0;
    const decide = idempotentPerEvent(
      async () => {
        attempt++;
        if (attempt === 1) throw new Error('IAM throttled');
        return { verdict: 'compliant', attempt };
      },
      { client, tableName: table.tableName },
    );
    const id = uniqueId('retry');
    await expect(decide(lambdaContext(), { eventId: id })).rejects.toThrow('IAM throttled');
    expect((await decide(lambdaContext(), { eventId: id })).result).toEqual({ verdict: 'compliant', attempt: 2 });
  });

  it('stores the record under the shared key prefix with a TTL of 24 hours and the result as data', async () => {
    const { fn } = countingDecision();
    const keyPrefix = `probe-${crypto.randomUUID()}`;
    const decide = idempotentPerEvent(fn, { client, tableName: table.tableName, keyPrefix });
    const id = uniqueId('stored');
    const before = Math.floor(Date.now() / 1000);
    await decide(lambdaContext(), { eventId: id }, envelope(id));
    const { Items = [] } = await client.send(new ScanCommand({ TableName: table.tableName }));
    const stored = Items.find((item) => item[IDEMPOTENCY_TABLE_KEY.partitionKey]?.S?.startsWith(`${keyPrefix}#`));
    expect(stored).toBeDefined();
    const key = stored?.[IDEMPOTENCY_TABLE_KEY.partitionKey]?.S ?? '';
    // Powertools stores the base64 MD5 of the event id, so no identifying data sits in the key.
    expect(key).toMatch(new RegExp(`^${keyPrefix}#[A-Za-z0-9+/]{22}==$`));
    expect(stored?.[IDEMPOTENCY_TABLE_KEY.statusAttribute]?.S).toBe('COMPLETED');
    const expiry = Number(stored?.[IDEMPOTENCY_TABLE_KEY.ttlAttribute]?.N);
    expect(expiry).toBeGreaterThanOrEqual(before + DEFAULT_EXPIRES_AFTER_SECONDS);
    expect(expiry).toBeLessThanOrEqual(before + DEFAULT_EXPIRES_AFTER_SECONDS + 5);
    const { Item } = await client.send(new GetItemCommand({ TableName: table.tableName, Key: { id: { S: key } } }));
    expect(Item?.[IDEMPOTENCY_TABLE_KEY.dataAttribute]).toEqual({ M: { verdict: { S: 'compliant' }, eventId: { S: id }, run: { N: '1' } } });
  });
});

describe('cloudTrailEventIdOf', () => {
  it.each([
    { name: 'an EventBridge CloudTrail envelope', event: envelope('abc'), expected: 'abc' },
    { name: 'no detail', event: { id: 'x' }, expected: undefined },
    { name: 'a non-string event id', event: { detail: { eventID: 42 } }, expected: undefined },
    { name: 'an empty event id', event: { detail: { eventID: '' } }, expected: undefined },
    { name: 'not an object', event: 'abc', expected: undefined },
  ])('$name -> $expected', ({ event, expected }) => {
    expect(cloudTrailEventIdOf(event)).toBe(expected);
  });
});
