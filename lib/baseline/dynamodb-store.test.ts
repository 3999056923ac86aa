import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createEmulatorClient, createTestTable, type TestTable } from '../../test/support/dynamodb.ts';
import { DynamoBaselineStore } from './dynamodb-store.ts';
import { MemoryBaselineStore } from './memory-store.ts';
import { BASELINE_TABLE_DEFINITION, BASELINE_TABLE_KEY } from './table.ts';
import { CorruptBaselineRecordError, InvalidBaselineRecordError } from './baseline-record-schema.ts';
import type { BaselineRecord, BaselineStore } from './types.ts';

const client = createEmulatorClient();
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable(client, BASELINE_TABLE_DEFINITION, 'baseline');
});
afterAll(async () => {
  await table.drop();
  client.destroy();
});

const identityPolicy = 'arn:aws:ses:eu-west-1:111122223333:identity/example.com#policy/SendOnly';
const record = (overrides: Partial<BaselineRecord> = {}): BaselineRecord => ({
  resourceId: identityPolicy,
  document: '{"Version":"2012-10-17","Statement":[]}',
  eventId: 'e-1',
  recordedAt: '2026-11-24T06:00:00.000Z',
  ...overrides,
});

// The same behaviour is required of both stores: the CLI's in-memory one must not judge differently.
const stores: Array<{ name: string; make: () => BaselineStore }> = [
  { name: 'DynamoBaselineStore (dynalite)', make: () => new DynamoBaselineStore({ client, tableName: table.tableName }) },
  { name: 'MemoryBaselineStore', make: () => new MemoryBaselineStore() },
];

describe.each(stores)('$name', ({ make }) => {
  it('returns undefined for a resource that was never compliant (no baseline: the planner strips instead)', async () => {
    const store = make();
    expect(await store.get(`${identityPolicy}-never-recorded`)).toBeUndefined();
  });

  it('returns what was put, exactly', async () => {
    const store = make();
    const id = `${identityPolicy}-roundtrip-${Math.random()}`;
    await store.put(record({ resourceId: id }));
    expect(await store.get(id)).toEqual(record({ resourceId: id }));
  });

  it('overwrites with a later compliant reading (one item per resource holds the latest)', async () => {
    const store = make();
    const id = `${identityPolicy}-overwrite-${Math.random()}`;
    await store.put(record({ resourceId: id }));
    await store.put(record({ resourceId: id, document: '{"Version":"2012-10-17","Statement":[{"Sid":"v2"}]}', eventId: 'e-2', recordedAt: '2026-11-24T07:00:00.000Z' }));
    expect(await store.get(id)).toMatchObject({ eventId: 'e-2', document: '{"Version":"2012-10-17","Statement":[{"Sid":"v2"}]}' });
  });

  it('keeps the newer reading when an older one arrives late (EventBridge delivers out of order)', async () => {
    const store = make();
    const id = `${identityPolicy}-late-${Math.random()}`;
    await store.put(record({ resourceId: id, eventId: 'newer', recordedAt: '2026-11-24T07:00:00.000Z' }));
    await store.put(record({ resourceId: id, eventId: 'older', recordedAt: '2026-11-24T06:59:59.999Z' }));
    expect((await store.get(id))?.eventId).toBe('newer');
  });

  it('normalises recordedAt to UTC so readings from different offsets compare correctly', async () => {
    const store = make();
    const id = `${identityPolicy}-offsets-${Math.random()}`;
    await store.put(record({ resourceId: id, eventId: 'utc', recordedAt: '2026-11-24T07:00:00.000Z' }));
    // 08:30+02:00 is 06:30Z: older, so it must not win even though "08" > "07" as text.
    await store.put(record({ resourceId: id, eventId: 'cest', recordedAt: '2026-11-24T08:30:00+02:00' }));
    expect(await store.get(id)).toMatchObject({ eventId: 'utc', recordedAt: '2026-11-24T07:00:00.000Z' });
  });

  it('keeps records of different resources apart', async () => {
    const store = make();
    const a = `${identityPolicy}-a-${Math.random()}`;
    const b = `${identityPolicy}-b-${Math.random()}`;
    await store.put(record({ resourceId: a, document: 'A' }));
    await store.put(record({ resourceId: b, document: 'B' }));
    expect((await store.get(a))?.document).toBe('A');
    expect((await store.get(b))?.document).toBe('B');
  });

  it('refuses a record without a resource id or with an unparseable timestamp', async () => {
    const store = make();
    await expect(store.put(record({ resourceId: '' }))).rejects.toBeInstanceOf(InvalidBaselineRecordError);
    await expect(store.put(record({ recordedAt: 'yesterday' }))).rejects.toThrow(/recordedAt/);
  });
});

describe('DynamoBaselineStore: the stored item', () => {
  it(`is keyed by ${BASELINE_TABLE_KEY.partitionKey} with the record's fields as attributes`, async () => {
    const store = new DynamoBaselineStore({ client, tableName: table.tableName });
    const id = `${identityPolicy}-item-shape`;
    await store.put(record({ resourceId: id }));
    const { Item } = await client.send(new GetItemCommand({ TableName: table.tableName, Key: { resourceId: { S: id } } }));
    expect(Item).toEqual({
      resourceId: { S: id },
      document: { S: '{"Version":"2012-10-17","Statement":[]}' },
      eventId: { S: 'e-1' },
      recordedAt: { S: '2026-11-24T06:00:00.000Z' },
    });
  });

  it('reports an item another writer corrupted as CorruptBaselineRecordError instead of reverting to it', async () => {
    const id = `${identityPolicy}-corrupt`;
    await client.send(new PutItemCommand({ TableName: table.tableName, Item: { resourceId: { S: id }, document: { N: '1' } } }));
    const store = new DynamoBaselineStore({ client, tableName: table.tableName });
    await expect(store.get(id)).rejects.toBeInstanceOf(CorruptBaselineRecordError);
    await expect(store.get(id)).rejects.toThrow(/document/);
  });

  it('surfaces a missing table as the SDK error (never as "no baseline")', async () => {
    const store = new DynamoBaselineStore({ client, tableName: 'no-such-table' });
    await expect(store.get(identityPolicy)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
