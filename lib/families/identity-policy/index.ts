import { QUARANTINE_STEPS } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { IDENTITY_POLICY_JUDGING, identityPolicyBaselineKey } from './judging.ts';
import { sesConnection } from '../ses-connection.ts';
import { IDENTITY_POLICY_EVENTS } from './events.ts';
import { identityPolicyInventory } from './inventory.ts';
import { planIdentityPolicyRepair } from './plan.ts';
import { offlineIdentityPolicy, readIdentityPolicy } from './state.ts';
import { identityArn } from '../../aws/arns.ts';
import { DELETE_IDENTITY_POLICY, PUT_IDENTITY_POLICY } from './steps.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from './types.ts';

const STEPS = [PUT_IDENTITY_POLICY, DELETE_IDENTITY_POLICY, ...QUARANTINE_STEPS] as const;

/** SES identity (sending-authorization) policies: PutIdentityPolicy, Create/UpdateEmailIdentityPolicy. */
export const identityPolicy: Family<IdentityPolicyChange, IdentityPolicyState> = {
  ...IDENTITY_POLICY_JUDGING,
  events: IDENTITY_POLICY_EVENTS,
  resourceOf: (change) => identityArn(change.region, change.accountId, change.target.identity),
  baselineKey: (change) => identityPolicyBaselineKey(identityArn(change.region, change.accountId, change.target.identity), change.target.policyName),
  plan: planIdentityPolicyRepair,
  steps: STEPS,
  connect: (make) => sesConnection(make, readIdentityPolicy, STEPS),
  offlineState: offlineIdentityPolicy,
  inventory: identityPolicyInventory,
};

export default identityPolicy;
