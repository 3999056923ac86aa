import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';

/**
 * Helpers for tests that run against the real local DynamoDB (dynalite) started by test/global-setup.ts.
 * Each test file makes its own uniquely named tables, so files can run in parallel on one emulator.
 */

/** A client for the emulator: fake static credentials (dynalite does not check them), region us-east-1. */
export function createEmulatorClient(endpoint: string = inject('dynamoEndpoint')): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 2,
  });
}

export interface TableDefinition {
  AttributeDefinitions: readonly AttributeDefinition[];
  KeySchema: readonly KeySchemaElement[];
}

export interface TestTable {
  tableName: string;
  /** Drops the table; call from afterAll. */
  drop(): Promise<void>;
}

/** Creates a table named `<prefix>-<random>` with the given key schema and waits until it is ACTIVE. */
export async function createTestTable(client: DynamoDBClient, definition: TableDefinition, prefix = 'test'): Promise<TestTable> {
  const tableName = `${prefix}-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [...definition.AttributeDefinitions],
      KeySchema: [...definition.KeySchema],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') {
      return { tableName, drop: async () => void (await client.send(new DeleteTableCommand({ TableName: tableName }))) };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
