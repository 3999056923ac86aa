import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BASELINE_TABLE_DEFINITION } from '../lib/baseline/table.ts';
import { IDEMPOTENCY_TABLE_DEFINITION } from '../lib/guard/idempotency.ts';
import { SAMPLE_ALERT_KEY_ARN, SAMPLE_OWN_ROLE_ARNS, SAMPLE_PREFIX } from '../test/support/sample-options.ts';

/** The guard's two tables in a bench's local DynamoDB. */
export const BENCH_TABLES = { baseline: 'bench-baseline', idempotency: 'bench-idempotency' } as const;

/** A local DynamoDB (dynalite, in memory) holding BENCH_TABLES: the real emulator the handler benches run against. */
export async function startBenchDynamoDb(): Promise<{ endpoint: string; close(): void }> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  for (const [TableName, definition] of [
    [BENCH_TABLES.baseline, BASELINE_TABLE_DEFINITION],
    [BENCH_TABLES.idempotency, IDEMPOTENCY_TABLE_DEFINITION],
  ] as const) {
    await client.send(new CreateTableCommand({ TableName, AttributeDefinitions: [...definition.AttributeDefinitions], KeySchema: [...definition.KeySchema], BillingMode: 'PAY_PER_REQUEST' }));
  }
  client.destroy();
  return { endpoint, close: () => server.close() };
}

/**
 * The environment the template gives a guard function, pointed at the bench's local DynamoDB, and the
 * embedded config: what a bench sets before it builds the real handler. `extra` is what one bench varies.
 */
export function useGuardFunctionEnv(dynamodbEndpoint: string, config: unknown, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    SESGUARD_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:sesguard-bench-alerts',
    SESGUARD_BASELINE_TABLE: BENCH_TABLES.baseline,
    SESGUARD_IDEMPOTENCY_TABLE: BENCH_TABLES.idempotency,
    SESGUARD_OWN_ROLE_ARNS: SAMPLE_OWN_ROLE_ARNS.join(','),
    SESGUARD_ALERT_KEY_ARN: SAMPLE_ALERT_KEY_ARN,
    SESGUARD_RESOURCE_PREFIX: SAMPLE_PREFIX,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...extra,
  });
  (globalThis as { __SESGUARD_CONFIG__?: unknown }).__SESGUARD_CONFIG__ = config;
}
