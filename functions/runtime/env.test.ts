import { describe, expect, it } from 'vitest';
import { InvalidEnvironmentError, parseGuardEnv } from './env.ts';

const ROLE = 'arn:aws:iam::111122223333:role/sesguard-prod-identity-policy-eu-west-1';
const base = {
  SESGUARD_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:sesguard-prod-alerts',
  SESGUARD_ALERT_KEY_ARN: 'arn:aws:kms:eu-west-1:111122223333:key/6f0e2b1c-4d3a-4c8e-9b7f-2a1d3c4e5f60',
  SESGUARD_IDEMPOTENCY_TABLE: 'sesguard-prod-idempotency',
  SESGUARD_OWN_ROLE_ARNS: ROLE,
  SESGUARD_RESOURCE_PREFIX: 'sesguard-prod-',
};

describe("the guard's environment: its own roles are exact ARNs", () => {
  it('reads the exact role ARNs the template joins, skipping the empty entries of roles another stack has', () => {
    const env = parseGuardEnv({ ...base, SESGUARD_OWN_ROLE_ARNS: `${ROLE},,arn:aws:iam::111122223333:role/sesguard-prod-iam-grant-us-east-1,` });
    expect(env.SESGUARD_OWN_ROLE_ARNS).toEqual([ROLE, 'arn:aws:iam::111122223333:role/sesguard-prod-iam-grant-us-east-1']);
    expect(env.SESGUARD_BASELINE_TABLE).toBeUndefined();
  });

  // Issue 11: the template used to pass role/sesguard-<stage>-*, which also covered any role named like it.
  it.each([
    ['a role name pattern', 'arn:aws:iam::111122223333:role/sesguard-prod-*', /contains a wildcard/],
    ['any-account pattern', 'arn:aws:iam::*:role/sesguard-prod-x', /contains a wildcard/],
    ['an STS session ARN', 'arn:aws:sts::111122223333:assumed-role/sesguard-prod-x/s', /is not an IAM role ARN/],
    ['nothing at all', ' , ', /must name at least one/],
  ])('refuses %s, naming the variable', (_name, value, message) => {
    expect(() => parseGuardEnv({ ...base, SESGUARD_OWN_ROLE_ARNS: value })).toThrow(InvalidEnvironmentError);
    expect(() => parseGuardEnv({ ...base, SESGUARD_OWN_ROLE_ARNS: value })).toThrow(message);
  });

  it('refuses a verification wait Lambda could not honour', () => {
    expect(() => parseGuardEnv({ ...base, SESGUARD_VERIFY_WAIT_SECONDS: '900' })).toThrow(/SESGUARD_VERIFY_WAIT_SECONDS/);
    expect(parseGuardEnv({ ...base, SESGUARD_VERIFY_WAIT_SECONDS: '480' }).SESGUARD_VERIFY_WAIT_SECONDS).toBe(480);
  });
});
