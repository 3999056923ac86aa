import { AttachRolePolicyCommand, AttachUserPolicyCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { StepSenders } from './step-sender.ts';

/**
 * The inline policy that denies every action to sessions issued before `before` — what the IAM console's
 * "Revoke active sessions" writes. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 */
export function revokeSessionsDocument(before: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': before } } }],
  });
}

/** Quarantining the actor: any rule's action may be set to quarantine, so every SES and IAM function has these. */
export function quarantineSteps(iam: IAMClient): StepSenders {
  return {
    'iam.attach-quarantine-policy': async (action) => {
      if (action.principalType === 'user') await iam.send(new AttachUserPolicyCommand({ UserName: action.principalName, PolicyArn: action.policyArn }));
      else await iam.send(new AttachRolePolicyCommand({ RoleName: action.principalName, PolicyArn: action.policyArn }));
    },
    'iam.revoke-role-sessions': async (action) => {
      await iam.send(new PutRolePolicyCommand({ RoleName: action.roleName, PolicyName: action.policyName, PolicyDocument: revokeSessionsDocument(action.before) }));
    },
  };
}
