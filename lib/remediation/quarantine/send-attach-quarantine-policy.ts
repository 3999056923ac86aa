import { AttachRolePolicyCommand, AttachUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { AttachQuarantinePolicy } from './steps.ts';

/** The sender of ATTACH_QUARANTINE_POLICY, loaded when it first runs (steps.ts says why). */
export async function attachQuarantinePolicy(iam: IAMClient, a: AttachQuarantinePolicy): Promise<void> {
  if (a.principalType === 'user') await iam.send(new AttachUserPolicyCommand({ UserName: a.principalName, PolicyArn: a.policyArn }));
  else await iam.send(new AttachRolePolicyCommand({ RoleName: a.principalName, PolicyArn: a.policyArn }));
}
