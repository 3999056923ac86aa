import { QUARANTINE_STEPS } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { sesConnection } from '../ses-connection.ts';
import { IDENTITY_POLICY_CHECK } from './check.ts';
import { IDENTITY_POLICY_EVENTS } from './events.ts';
import { identityPolicyInventory } from './inventory.ts';
import { planIdentityPolicyRepair } from './plan.ts';
import { IDENTITY_POLICY_RULES } from './rules.ts';
import { identityArn, offlineIdentityPolicy, readIdentityPolicy } from './state.ts';
import { DELETE_IDENTITY_POLICY, PUT_IDENTITY_POLICY } from './steps.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from './types.ts';

const STEPS = [PUT_IDENTITY_POLICY, DELETE_IDENTITY_POLICY, ...QUARANTINE_STEPS] as const;

const baselineKey = (identityArnOf: string, policyName: string): string => `${identityArnOf}#policy/${policyName}`;

/** SES identity (sending-authorization) policies: PutIdentityPolicy, Create/UpdateEmailIdentityPolicy. */
export const identityPolicy: Family<IdentityPolicyChange, IdentityPolicyState> = {
  id: 'identity-policy',
  title: 'SES identity (sending-authorization) policies',
  events: IDENTITY_POLICY_EVENTS,
  resourceOf: (change) => identityArn(change.region, change.accountId, change.target.identity),
  baselineKey: (change) => baselineKey(identityArn(change.region, change.accountId, change.target.identity), change.target.policyName),
  states: {
    'identity-policy': {
      resource: (state) => state.identityArn,
      document: (state) => state.rawDocument,
      unreadable: (state) => (state.parseErrors ?? []).map((e) => `policy "${state.policyName}" on ${state.identity}: ${e}`),
      baseline: (state) => (state.rawDocument === null ? undefined : { key: baselineKey(state.identityArn, state.policyName), document: state.rawDocument }),
    },
  },
  rules: IDENTITY_POLICY_RULES,
  plan: planIdentityPolicyRepair,
  steps: STEPS,
  connect: (make) => sesConnection(make, readIdentityPolicy, STEPS),
  offlineState: offlineIdentityPolicy,
  checks: [IDENTITY_POLICY_CHECK],
  inventory: identityPolicyInventory,
};

export default identityPolicy;
