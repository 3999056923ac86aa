import type { ParseOptions } from '../../lib/cloudtrail/parse.ts';
import { guardRoleNames } from '../../scripts/deploy/functions.ts';

/**
 * The parse options a deployed `prod` guard runs with, for the sample events in events/ (account
 * 111122223333, stacks in us-east-1 and eu-west-1): the exact ARN of every guard role as the template
 * names it, the guard's managed policies and the alert topic's key.
 */
export const SAMPLE_ACCOUNT = '111122223333';
export const SAMPLE_PREFIX = 'sesguard-prod-';
export const SAMPLE_REGIONS = ['eu-west-1', 'us-east-1'];
// The sweep's role is named here even before the sweep function exists, so its samples read as the guard's.
const ROLE_NAMES = [...new Set([...guardRoleNames(SAMPLE_PREFIX, SAMPLE_REGIONS), ...SAMPLE_REGIONS.map((r) => `${SAMPLE_PREFIX}sweep-${r}`)])].sort();
export const SAMPLE_OWN_ROLE_ARNS = ROLE_NAMES.map((name) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${name}`);
export const SAMPLE_ALERT_KEY_ARN = `arn:aws:kms:eu-west-1:${SAMPLE_ACCOUNT}:key/6f0e2b1c-4d3a-4c8e-9b7f-2a1d3c4e5f60`;

export const SAMPLE_PARSE_OPTIONS: ParseOptions = {
  ownRoleArns: SAMPLE_OWN_ROLE_ARNS,
  guardResourcePrefix: SAMPLE_PREFIX,
  guardPolicyNames: ['sesguard-quarantine', 'sesguard-quarantine-revoke-sessions', 'sesguard-quarantine-perimeter-deny'],
  guardKeyArns: [SAMPLE_ALERT_KEY_ARN],
};
