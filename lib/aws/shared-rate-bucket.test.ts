import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IDEMPOTENCY_TABLE_DEFINITION, IDEMPOTENCY_TABLE_KEY } from '../guard/idempotency.ts';
import { createEmulatorClient, createTestTable, type TestTable } from '../../test/support/dynamodb.ts';
import { SimulatedClock } from './clock.ts';
import { Pacer, withExpectedFollowUps, withinShared } from './paced-client.ts';
import { SES_BUDGET_KEY, SharedRateBucket } from './shared-rate-bucket.ts';
import { TokenBucket } from './token-bucket.ts';

/** Against the DynamoDB emulator: the conditional updates are what makes the rate shared, so they run for real. */

let client: DynamoDBClient;
let table: TestTable;

beforeAll(async () => {
  client = createEmulatorClient();
  table = await createTestTable(client, IDEMPOTENCY_TABLE_DEFINITION, 'rate-bucket');
});
afterAll(async () => {
  await table.drop();
  client.destroy();
});

function bucketFor(clock: SimulatedClock, key: string, rate = 1, via: DynamoDBClient = client): SharedRateBucket {
  return new SharedRateBucket({ client: via, tableName: table.tableName, key, keyAttribute: IDEMPOTENCY_TABLE_KEY.partitionKey, ttlAttribute: IDEMPOTENCY_TABLE_KEY.ttlAttribute, rate, clock });
}

describe('SharedRateBucket (one DynamoDB item every process reserves its slots from)', () => {
  it('gives concurrent callers in separate processes distinct slots one interval apart, the first at once', async () => {
    const clock = new SimulatedClock();
    const start = clock.now();
    // Six "invocations": six bucket objects, as six Lambda environments would each build one.
    const slots = await Promise.all(Array.from({ length: 6 }, () => bucketFor(clock, 'budget-concurrent').reserve()));
    expect([...slots].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i * 1000));
  });

  it('queues a caller behind the slots already reserved, and starts over at "now" once the bucket has been idle', async () => {
    const clock = new SimulatedClock();
    const first = bucketFor(clock, 'budget-idle', 2);
    const other = bucketFor(clock, 'budget-idle', 2);
    const t0 = clock.now();
    expect(await first.reserve()).toBe(t0);
    expect(await other.reserve()).toBe(t0 + 500);
    expect(await first.reserve()).toBe(t0 + 1000);
    clock.advance(10_000);
    // Idle time is not saved up as a burst: the next caller gets now, the one after it an interval later.
    expect(await other.reserve()).toBe(t0 + 10_000);
    expect(await first.reserve()).toBe(t0 + 10_500);
  });

  it('take() waits for the reserved slot on the clock', async () => {
    const clock = new SimulatedClock();
    const bucket = bucketFor(clock, 'budget-take');
    const t0 = clock.now();
    await bucket.take();
    await bucket.take();
    await bucket.take();
    expect(clock.now()).toBe(t0 + 2000);
  });

  it('keeps exactly one item under its key, with an expiry', async () => {
    const clock = new SimulatedClock();
    await bucketFor(clock, SES_BUDGET_KEY).reserve();
    const { Item } = await client.send(new GetItemCommand({ TableName: table.tableName, Key: { id: { S: SES_BUDGET_KEY } }, ConsistentRead: true }));
    expect(Object.keys(Item ?? {}).sort()).toEqual([IDEMPOTENCY_TABLE_KEY.ttlAttribute, 'id', 'nextSlotMs'].sort());
    const { Items } = await client.send(new ScanCommand({ TableName: table.tableName }));
    expect(Items?.map((i) => i.id?.S).sort()).toEqual(['budget-concurrent', 'budget-idle', 'budget-take', SES_BUDGET_KEY].sort());
  });

  it('withinShared: a caller with a lower rate of its own (the sweep) is held to it, and still takes its slots from the shared item', async () => {
    const clock = new SimulatedClock();
    const shared = bucketFor(clock, 'budget-within');
    const sweep = withinShared(new TokenBucket({ rate: 0.5 }, clock), shared);
    const t0 = clock.now();
    for (let i = 0; i < 3; i++) await sweep.take();
    expect(clock.now()).toBe(t0 + 4000);
    // The shared item saw the sweep's calls: an event-path caller now queues behind the last of them.
    expect(await bucketFor(clock, 'budget-within').reserve()).toBe(t0 + 5000);
  });

  it('a write announced with its verify re-read reserves both slots in one UpdateItem: the re-read waits for its slot with no round trip to the table', async () => {
    const clock = new SimulatedClock();
    let updates = 0;
    const counting = { send: (command: unknown) => (updates++, client.send(command as never)) } as unknown as DynamoDBClient;
    const writer = bucketFor(clock, 'budget-follow-up', 1, counting);
    const t0 = clock.now();
    await writer.take(1);
    expect(updates).toBe(1);
    // Another process queues behind both slots, not between the write and its re-read.
    expect(await bucketFor(clock, 'budget-follow-up').reserve()).toBe(t0 + 2000);
    await writer.take();
    expect(updates).toBe(1);
    expect(clock.now()).toBe(t0 + 1000);
    // Nothing is held any more: the next call reserves again, behind the other process's slot.
    await writer.take();
    expect(updates).toBe(2);
    expect(clock.now()).toBe(t0 + 3000);
  });

  it('a held slot gone stale (its call came too late) is not used: SES would see two calls inside one second', async () => {
    const clock = new SimulatedClock();
    const writer = bucketFor(clock, 'budget-stale');
    const t0 = clock.now();
    await writer.take(1);
    clock.advance(5000);
    await writer.take();
    expect(clock.now()).toBe(t0 + 5000);
    expect(await bucketFor(clock, 'budget-stale').reserve()).toBe(t0 + 6000);
  });

  it('a read told that a write and its re-read follow (withExpectedFollowUps) reserves all three slots in one UpdateItem; the write and the re-read send none', async () => {
    const clock = new SimulatedClock();
    let updates = 0;
    const counting = { send: (command: unknown) => (updates++, client.send(command as never)) } as unknown as DynamoDBClient;
    const budget = bucketFor(clock, 'budget-expected', 1, counting);
    const pacer = new Pacer({ sesRate: 1, iamRate: 1, sharedGate: () => budget }, clock);
    const sent: string[] = [];
    const ses = pacer.wrap({ send: async (command: { constructor: { name: string } }) => void sent.push(`${command.constructor.name}@${clock.now()}`) }, 'SESV2', 'eu-west-1', 'identity-policy');
    class GetEmailIdentityPoliciesCommand {}
    class DeleteEmailIdentityPolicyCommand {}
    const t0 = clock.now();
    await withExpectedFollowUps(2, () => ses.send(new GetEmailIdentityPoliciesCommand()));
    await ses.send(new DeleteEmailIdentityPolicyCommand());
    await ses.send(new GetEmailIdentityPoliciesCommand());
    expect(updates).toBe(1);
    expect(sent).toEqual([`GetEmailIdentityPoliciesCommand@${t0}`, `DeleteEmailIdentityPolicyCommand@${t0 + 1000}`, `GetEmailIdentityPoliciesCommand@${t0 + 2000}`]);
    // The hint is used once: the next read reserves for itself alone.
    await ses.send(new GetEmailIdentityPoliciesCommand());
    expect(updates).toBe(2);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => bucketFor(new SimulatedClock(), 'x', 0)).toThrow(RangeError);
  });
});
