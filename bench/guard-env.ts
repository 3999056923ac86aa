import { SAMPLE_ALERT_KEY_ARN, SAMPLE_OWN_ROLE_ARNS, SAMPLE_PREFIX } from '../test/support/sample-options.ts';

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
    SESGUARD_BASELINE_TABLE: 'bench-baseline',
    SESGUARD_IDEMPOTENCY_TABLE: 'bench-idempotency',
    SESGUARD_OWN_ROLE_ARNS: SAMPLE_OWN_ROLE_ARNS.join(','),
    SESGUARD_ALERT_KEY_ARN: SAMPLE_ALERT_KEY_ARN,
    SESGUARD_RESOURCE_PREFIX: SAMPLE_PREFIX,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...extra,
  });
  (globalThis as { __SESGUARD_CONFIG__?: unknown }).__SESGUARD_CONFIG__ = config;
}
