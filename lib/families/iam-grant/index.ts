import { IAMClient } from '@aws-sdk/client-iam';
import { iamPrincipalArn } from '../../aws/arns.ts';
import { bindSteps } from '../../remediation/step.ts';
import { QUARANTINE_STEPS, quarantineClients } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { IAM_GRANT_JUDGING } from './judging.ts';
import { IAM_GRANT_EVENTS } from './events.ts';
import { iamGrantInventory } from './inventory.ts';
import { offlineIamGrant } from './offline.ts';
import { planIamGrantRepair } from './plan.ts';
import { readIamGrant } from './state.ts';
import { IAM_GRANT_STEPS } from './steps.ts';
import type { IamGrantChange, IamGrantState } from './types.ts';

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
  ...IAM_GRANT_JUDGING,
  events: IAM_GRANT_EVENTS,
  resourceOf,
  plan: planIamGrantRepair,
  steps: STEPS,
  connect(make) {
    const iam = make(IAMClient, 'IAM');
    return { read: (change) => readIamGrant(iam, change), senders: bindSteps(STEPS, { iam, ...quarantineClients(make, iam) }) };
  },
  offlineState: offlineIamGrant,
  inventory: iamGrantInventory,
};

export default iamGrant;
