import type { FamilyJudging } from '../family.ts';
import { IDENTITY_POLICY_CHECK } from './check.ts';
import { IDENTITY_POLICY_RULES } from './rules.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from './types.ts';

/** Where an identity policy's last-known-good document is kept: the event path reads it before the state arrives. */
export const identityPolicyBaselineKey = (identityArnOf: string, policyName: string): string => `${identityArnOf}#policy/${policyName}`;

/** What judging needs of this family (lib/families/judging.ts): pure, no AWS client. */
export const IDENTITY_POLICY_JUDGING: FamilyJudging<IdentityPolicyChange, IdentityPolicyState> = {
  id: 'identity-policy',
  title: 'SES identity (sending-authorization) policies',
  states: {
    'identity-policy': {
      resource: (state) => state.identityArn,
      document: (state) => state.rawDocument,
      unreadable: (state) => (state.parseErrors ?? []).map((e) => `policy "${state.policyName}" on ${state.identity}: ${e}`),
      baseline: (state) => (state.rawDocument === null ? undefined : { key: identityPolicyBaselineKey(state.identityArn, state.policyName), document: state.rawDocument }),
    },
  },
  rules: IDENTITY_POLICY_RULES,
  checks: [IDENTITY_POLICY_CHECK],
};
