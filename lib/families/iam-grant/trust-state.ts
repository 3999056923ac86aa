import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { iamPrincipalArn } from '../../aws/arns.ts';
import { isNotFound } from '../../aws/errors.ts';
import { readPolicyDocument, readPolicyInput } from '../policy-document.ts';
import { StateUnavailableOfflineError } from '../state-errors.ts';
import type { TrustChange } from './trust-events.ts';
import type { IamGrantState, IamPrincipalState, RoleTrust } from './types.ts';

/**
 * The state IAM-SES-003 judges: a role's trust policy (who may assume it) next to everything the role
 * holds (its attached and inline policies, read by the family's reader). GetRole returns the trust
 * policy URL-encoded. https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 */
function trustState(trust: RoleTrust, role: IamPrincipalState | null): IamGrantState {
  return { kind: 'iam-grant', changedPolicy: null, principals: role ? [role] : [], trust };
}

/** Live: the role's current trust policy and its effective policies (`readRole` is the family's reader). */
export async function readRoleTrust(iam: IAMClient, change: TrustChange, readRole: (name: string) => Promise<IamPrincipalState | null>): Promise<IamGrantState> {
  let role;
  try {
    role = (await iam.send(new GetRoleCommand({ RoleName: change.roleName }))).Role;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const roleArn = role?.Arn ?? iamPrincipalArn(change.region, change.accountId, 'role', change.roleName);
  if (!role) return trustState({ roleName: change.roleName, roleArn, rawDocument: null, document: null }, null);
  if (role.AssumeRolePolicyDocument === undefined) throw new Error(`IAM GetRole returned no trust policy for ${roleArn}`);
  const read = readPolicyDocument(role.AssumeRolePolicyDocument);
  return trustState({ roleName: change.roleName, roleArn, ...read }, await readRole(change.roleName));
}

/** Offline: the trust policy the event sent, and the role's policies as the sidecar gives them. */
export function offlineRoleTrust(change: TrustChange, role: IamPrincipalState | undefined): IamGrantState {
  if (change.requestedTrustPolicy === undefined || change.requestedTrustPolicy === null) {
    throw new StateUnavailableOfflineError(`the trust policy of role ${change.roleName}`, `the payload of this ${change.eventName} event`);
  }
  const path = change.operation === 'create-role' && change.path ? change.path : '/';
  const roleArn = role?.arn ?? iamPrincipalArn(change.region, change.accountId, 'role', `${path.replace(/^\//, '')}${change.roleName}`);
  return trustState({ roleName: change.roleName, roleArn, ...readPolicyInput(change.requestedTrustPolicy) }, role ?? { principal: { type: 'role', name: change.roleName }, arn: roleArn, policies: [] });
}
