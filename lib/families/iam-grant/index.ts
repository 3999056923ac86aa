import { IAMClient } from '@aws-sdk/client-iam';
import { iamPrincipalArn } from '../../aws/arns.ts';
import { bindSteps } from '../../remediation/step.ts';
import { QUARANTINE_STEPS, quarantineClients } from '../../remediation/quarantine/steps.ts';
import { isPerimeterDenyArn } from '../../remediation/quarantine/perimeter-deny.ts';
import type { Family } from '../family.ts';
import { IAM_POLICY_CHECK } from './check.ts';
import { IAM_GRANT_EVENTS } from './events.ts';
import { iamGrantInventory } from './inventory.ts';
import { offlineIamGrant } from './offline.ts';
import { planIamGrantRepair } from './plan.ts';
import { IAM_GRANT_RULES } from './rules.ts';
import { grantDocument, grantNotes } from './grant-truth.ts';
import { readIamGrant } from './state.ts';
import { IAM_GRANT_STEPS } from './steps.ts';
import { IAM_TRUST_RULES } from './trust-rules.ts';
import { trustBaselineKey, type IamGrantChange, type IamGrantState } from './types.ts';

const STEPS = [...IAM_GRANT_STEPS, ...QUARANTINE_STEPS] as const;

/** The ARN (or, for a managed policy, the policy ARN) an IAM change touched. */
function resourceOf(change: IamGrantChange): string {
  switch (change.operation) {
    case 'attach':
    case 'put-inline':
      return iamPrincipalArn(change.region, change.accountId, change.principal.type, change.principal.name);
    case 'create-version':
    case 'set-default-version':
      return change.policyArn;
    case 'add-to-group':
      return iamPrincipalArn(change.region, change.accountId, 'group', change.groupName);
    case 'update-trust':
    case 'create-role':
      return iamPrincipalArn(change.region, change.accountId, 'role', change.roleName);
  }
}

/** IAM grants that reach the SES perimeter. IAM is global: this family's function runs in us-east-1 only. */
export const iamGrant: Family<IamGrantChange, IamGrantState> = {
  id: 'iam-grant',
  title: 'IAM grants of SES perimeter actions',
  events: IAM_GRANT_EVENTS,
  resourceOf,
  states: {
    'iam-grant': {
      resource: (state) => state.trust?.roleArn ?? state.changedPolicy?.source ?? state.principals[0]?.arn ?? 'iam',
      document: (state) => (state.trust ? state.trust.rawDocument : grantDocument(state)),
      notes: grantNotes,
      unreadable: (state) => {
        const trustErrors = (state.trust?.parseErrors ?? []).map((e) => `trust policy of ${state.trust?.roleArn ?? 'the role'}: ${e}`);
        const policies = [state.changedPolicy, ...(state.gainedPolicies ?? []), ...state.principals.flatMap((p) => p.policies)];
        const seen = new Set<string>();
        return policies.flatMap((policy) => {
          if (!policy || seen.has(policy.source) || !policy.parseErrors?.length) return [];
          seen.add(policy.source);
          return policy.parseErrors.map((e) => `${policy.source}: ${e}`);
        }).concat(trustErrors);
      },
      // Recorded for what a person is shown (the trust policy to revert to) and for the sweep's judgement; the
      // guard itself writes no document back.
      baseline: (state) => {
        if (state.trust) {
          // A role the guard's perimeter-deny made compliant still trusts whoever it trusts: that trust policy
          // is not a last-known-good one to propose later.
          if (state.trust.rawDocument === null || state.principals[0]?.policies.some((p) => p.kind === 'managed' && isPerimeterDenyArn(p.source))) return undefined;
          return { key: trustBaselineKey(state.trust.roleArn), document: state.trust.rawDocument };
        }
        return state.changedPolicy?.kind === 'inline' ? { key: state.changedPolicy.source, document: state.changedPolicy.rawDocument } : undefined;
      },
    },
  },
  rules: [...IAM_GRANT_RULES, ...IAM_TRUST_RULES],
  plan: planIamGrantRepair,
  steps: STEPS,
  connect(make) {
    const iam = make(IAMClient, 'IAM');
    return { read: (change) => readIamGrant(iam, change), senders: bindSteps(STEPS, quarantineClients(make, iam)) };
  },
  offlineState: offlineIamGrant,
  checks: [IAM_POLICY_CHECK],
  inventory: iamGrantInventory,
};

export default iamGrant;
