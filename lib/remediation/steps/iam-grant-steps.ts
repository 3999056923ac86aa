import {
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
import type { StepSenders } from './step-sender.ts';

/** Reverting an IAM grant: detach, restore or delete inline, roll back a version, leave a group. */
export function iamGrantSteps(iam: IAMClient): StepSenders {
  return {
    'iam.detach-policy': async ({ principalType, principalName: name, policyArn: PolicyArn }) => {
      if (principalType === 'user') await iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }));
      else if (principalType === 'role') await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn }));
      else await iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn }));
    },
    'iam.put-inline-policy': async ({ principalType, principalName: name, policyName: PolicyName, document: PolicyDocument }) => {
      if (principalType === 'user') await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName, PolicyDocument }));
      else if (principalType === 'role') await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument }));
      else await iam.send(new PutGroupPolicyCommand({ GroupName: name, PolicyName, PolicyDocument }));
    },
    'iam.delete-inline-policy': async ({ principalType, principalName: name, policyName: PolicyName }) => {
      if (principalType === 'user') await iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName }));
      else if (principalType === 'role') await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName }));
      else await iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName }));
    },
    'iam.set-default-policy-version': async (action) => {
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: action.policyArn, VersionId: action.versionId }));
    },
    'iam.delete-policy-version': async (action) => {
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: action.policyArn, VersionId: action.versionId }));
    },
    'iam.remove-user-from-group': async (action) => {
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: action.groupName, UserName: action.userName }));
    },
  };
}
