import { AttachRolePolicyCommand, AttachUserPolicyCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { defineStep } from '../step.ts';

/** Quarantining the actor: any rule's action may be set to quarantine, so every SES and IAM function has these. */
export interface QuarantineClients {
  iam: IAMClient;
}

export interface AttachQuarantinePolicy {
  type: 'iam.attach-quarantine-policy';
  principalType: 'user' | 'role';
  principalName: string;
  policyArn: string;
}

export interface RevokeRoleSessions {
  type: 'iam.revoke-role-sessions';
  roleName: string;
  before: string;
  policyName: string;
}

/** Attach the configured deny policy to the acting user or role. */
export const ATTACH_QUARANTINE_POLICY = defineStep<AttachQuarantinePolicy, QuarantineClients>({
  type: 'iam.attach-quarantine-policy',
  commands: ['iam:AttachUserPolicy', 'iam:AttachRolePolicy'],
  removes: false,
  actsOnActor: true,
  describe: (a) => `${a.principalType} ${a.principalName} quarantine ${a.policyArn}`,
  async send({ iam }, a) {
    if (a.principalType === 'user') await iam.send(new AttachUserPolicyCommand({ UserName: a.principalName, PolicyArn: a.policyArn }));
    else await iam.send(new AttachRolePolicyCommand({ RoleName: a.principalName, PolicyArn: a.policyArn }));
  },
});

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

/** For assumed roles: deny sessions issued before `before` (inline policy on the role). */
export const REVOKE_ROLE_SESSIONS = defineStep<RevokeRoleSessions, QuarantineClients>({
  type: 'iam.revoke-role-sessions',
  commands: ['iam:PutRolePolicy'],
  removes: false,
  actsOnActor: true,
  describe: (a) => `role ${a.roleName} sessions issued before ${a.before}`,
  async send({ iam }, a) {
    await iam.send(new PutRolePolicyCommand({ RoleName: a.roleName, PolicyName: a.policyName, PolicyDocument: revokeSessionsDocument(a.before) }));
  },
});

export const QUARANTINE_STEPS = [ATTACH_QUARANTINE_POLICY, REVOKE_ROLE_SESSIONS] as const;
