import {
  CreatePolicyVersionCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { defineStep } from '../../remediation/step.ts';
import type { IamPrincipalRef } from './types.ts';

/** Reverting an IAM grant: detach, restore or delete inline, roll back a version, leave a group. */
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

export interface PutInlinePolicy {
  type: 'iam.put-inline-policy';
  principalType: PrincipalType;
  principalName: string;
  policyName: string;
  document: string;
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

/** A new default version (a stripped document when no existing version is compliant). */
export interface CreatePolicyVersion {
  type: 'iam.create-policy-version';
  policyArn: string;
  /** Plain JSON, as CreatePolicyVersion takes it. */
  document: string;
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

export const PUT_INLINE_POLICY = defineStep<PutInlinePolicy, IamGrantClients>({
  type: 'iam.put-inline-policy',
  commands: ['iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy'],
  removes: false,
  actsOnActor: false,
  describe: (a) => `${a.principalType} ${a.principalName} inline policy ${a.policyName}`,
  async send({ iam }, { principalType, principalName: name, policyName: PolicyName, document: PolicyDocument }) {
    if (principalType === 'user') await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName, PolicyDocument }));
    else if (principalType === 'role') await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument }));
    else await iam.send(new PutGroupPolicyCommand({ GroupName: name, PolicyName, PolicyDocument }));
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

export const CREATE_POLICY_VERSION = defineStep<CreatePolicyVersion, IamGrantClients>({
  type: 'iam.create-policy-version',
  commands: ['iam:CreatePolicyVersion'],
  removes: false,
  actsOnActor: false,
  describe: (a) => `${a.policyArn} new default version`,
  async send({ iam }, a) {
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: a.policyArn, PolicyDocument: a.document, SetAsDefault: true }));
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

export const IAM_GRANT_STEPS = [
  DETACH_POLICY,
  PUT_INLINE_POLICY,
  DELETE_INLINE_POLICY,
  SET_DEFAULT_POLICY_VERSION,
  CREATE_POLICY_VERSION,
  DELETE_POLICY_VERSION,
  REMOVE_USER_FROM_GROUP,
] as const;
