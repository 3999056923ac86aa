import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../lib/families/index.ts';
import { SWEEP_FAMILIES, SweepEnvSchema } from './sweep.ts';

describe('the sweep function', () => {
  it('sweeps every family of the registry (a family missing here would never be swept)', () => {
    expect(SWEEP_FAMILIES.map((f) => f.id).sort()).toEqual(Object.keys(FAMILIES).sort());
  });

  it('reads the guard resources of its region from the environment the template sets', () => {
    const env = SweepEnvSchema.parse({
      SESGUARD_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:sesguard-prod-alerts',
      SESGUARD_BASELINE_TABLE: 'sesguard-prod-baseline',
      SESGUARD_IDEMPOTENCY_TABLE: 'sesguard-prod-idempotency',
      SESGUARD_OWN_ROLE_ARNS: 'arn:aws:iam::111122223333:role/sesguard-prod-sweep-eu-west-1',
      SESGUARD_ALERT_KEY_ARN: 'arn:aws:kms:eu-west-1:111122223333:key/6f0e2b1c-4d3a-4c8e-9b7f-2a1d3c4e5f60',
      SESGUARD_RESOURCE_PREFIX: 'sesguard-prod-',
      SESGUARD_SWEEP_TABLE: 'sesguard-prod-sweep',
      SESGUARD_GLOBAL_REGION: 'us-east-1',
      SESGUARD_GUARD_FUNCTIONS: 'sesguard-prod-identity-policy, sesguard-prod-sweep',
      SESGUARD_GUARD_RULES: 'sesguard-prod-identity-policy',
      AWS_REGION: 'eu-west-1',
    });
    expect(env.SESGUARD_GUARD_FUNCTIONS).toEqual(['sesguard-prod-identity-policy', 'sesguard-prod-sweep']);
    expect(() => SweepEnvSchema.parse({ AWS_REGION: 'eu-west-1' })).toThrow(/SESGUARD_SWEEP_TABLE/);
  });
});
