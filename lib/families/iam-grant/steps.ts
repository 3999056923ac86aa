import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { describeError, isLimitExceeded } from '../../aws/errors.ts';
import { defineStep } from '../../remediation/step.ts';
import type { IamPrincipalRef } from './types.ts';

/**
 * Reverting an IAM grant: detach, attach the guard's perimeter-deny, delete inline, roll back to an existing
 * version, leave a group. No step writes a policy document: IAM cannot limit what a document written by
 * Put*Policy, CreatePolicyVersion or UpdateAssumeRolePolicy says, so a role allowed those on every principal
 * could make anyone an administrator (README, "Safety").
 */
export interface IamGrantClients {
  iam: IAMClient;
}

type PrincipalType = IamPrincipalRef['type'];

export interface DetachPolicy {
  type: 'iam.detach-policy';
  principalType: PrincipalType;
  principalName: string;
  policyArn: string;
}

/**
 * Attach the guard's perimeter-deny policy to a principal. `ifQuotaFull`: what to remove instead when IAM
 * refuses because the principal holds as many managed policies as it may (LimitExceeded) — planned only
 * when every statement of that policy violates the perimeter, so nothing the principal legitimately uses
 * is lost; absent: the refusal is the step's failure, and the plan says what a person should do.
 */
export interface AttachPerimeterDeny {
  type: 'iam.attach-perimeter-deny';
  principalType: PrincipalType;
  principalName: string;
  policyArn: string;
  ifQuotaFull?: { kind: 'delete-inline'; policyName: string } | { kind: 'detach'; policyArn: string };
}

export interface DeleteInlinePolicy {
  type: 'iam.delete-inline-policy';
  principalType: PrincipalType;
  principalName: string;
  policyName: string;
}

export interface SetDefaultPolicyVersion {
  type: 'iam.set-default-policy-version';
  policyArn: string;
  versionId: string;
}

export interface DeletePolicyVersion {
  type: 'iam.delete-policy-version';
  policyArn: string;
  versionId: string;
}

export interface RemoveUserFromGroup {
  type: 'iam.remove-user-from-group';
  groupName: string;
  userName: string;
}

export const DETACH_POLICY = defineStep<DetachPolicy, IamGrantClients>({
  type: 'iam.detach-policy',
  commands: ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachGroupPolicy'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `${a.principalType} ${a.principalName} policy ${a.policyArn}`,
  async send({ iam }, { principalType, principalName: name, policyArn: PolicyArn }) {
    if (principalType === 'user') await iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }));
    else if (principalType === 'role') await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn }));
    else await iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn }));
  },
});

export const DELETE_INLINE_POLICY = defineStep<DeleteInlinePolicy, IamGrantClients>({
  type: 'iam.delete-inline-policy',
  commands: ['iam:DeleteUserPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteGroupPolicy'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `${a.principalType} ${a.principalName} inline policy ${a.policyName}`,
  async send({ iam }, { principalType, principalName: name, policyName: PolicyName }) {
    if (principalType === 'user') await iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName }));
    else if (principalType === 'role') await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName }));
    else await iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName }));
  },
});

export const SET_DEFAULT_POLICY_VERSION = defineStep<SetDefaultPolicyVersion, IamGrantClients>({
  type: 'iam.set-default-policy-version',
  commands: ['iam:SetDefaultPolicyVersion'],
  removes: false,
  actsOnActor: false,
  describe: (a) => `${a.policyArn} version ${a.versionId}`,
  async send({ iam }, a) {
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: a.policyArn, VersionId: a.versionId }));
  },
});

export const DELETE_POLICY_VERSION = defineStep<DeletePolicyVersion, IamGrantClients>({
  type: 'iam.delete-policy-version',
  commands: ['iam:DeletePolicyVersion'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `${a.policyArn} version ${a.versionId}`,
  async send({ iam }, a) {
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: a.policyArn, VersionId: a.versionId }));
  },
});

export const REMOVE_USER_FROM_GROUP = defineStep<RemoveUserFromGroup, IamGrantClients>({
  type: 'iam.remove-user-from-group',
  commands: ['iam:RemoveUserFromGroup'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `user ${a.userName} from group ${a.groupName}`,
  async send({ iam }, a) {
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: a.groupName, UserName: a.userName }));
  },
});

async function attach(iam: IAMClient, principalType: PrincipalType, name: string, PolicyArn: string): Promise<void> {
  if (principalType === 'user') await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn }));
  else if (principalType === 'role') await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn }));
  else await iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn }));
}

export const ATTACH_PERIMETER_DENY = defineStep<AttachPerimeterDeny, IamGrantClients>({
  type: 'iam.attach-perimeter-deny',
  commands: [
    'iam:AttachUserPolicy',
    'iam:AttachRolePolicy',
    'iam:AttachGroupPolicy',
    ...DELETE_INLINE_POLICY.commands,
    ...DETACH_POLICY.commands,
  ],
  removes: false,
  actsOnActor: false,
  describe: (a) => `${a.principalType} ${a.principalName} perimeter-deny ${a.policyArn}`,
  async send(clients, a) {
    try {
      await attach(clients.iam, a.principalType, a.principalName, a.policyArn);
      return undefined;
    } catch (error) {
      if (!a.ifQuotaFull || !isLimitExceeded(error)) throw error;
      const refused = `IAM refused to attach ${a.policyArn} (${describeError(error)})`;
      const target = { principalType: a.principalType, principalName: a.principalName };
      if (a.ifQuotaFull.kind === 'delete-inline') {
        await DELETE_INLINE_POLICY.send(clients, { type: 'iam.delete-inline-policy', ...target, policyName: a.ifQuotaFull.policyName });
        return `${refused}: deleted inline policy ${a.ifQuotaFull.policyName} instead, every statement of which granted perimeter actions`;
      }
      await DETACH_POLICY.send(clients, { type: 'iam.detach-policy', ...target, policyArn: a.ifQuotaFull.policyArn });
      return `${refused}: detached ${a.ifQuotaFull.policyArn} instead, every statement of which granted perimeter actions`;
    }
  },
});

export const IAM_GRANT_STEPS = [
  DETACH_POLICY,
  ATTACH_PERIMETER_DENY,
  DELETE_INLINE_POLICY,
  SET_DEFAULT_POLICY_VERSION,
  DELETE_POLICY_VERSION,
  REMOVE_USER_FROM_GROUP,
] as const;
