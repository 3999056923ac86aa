import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { AttachRolePolicyCommand, AttachUserPolicyCommand, CreatePolicyVersionCommand, DeletePolicyVersionCommand, IAMClient, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import type { MakeClient } from '../../aws/client-factory.ts';
import { collectPages } from '../../aws/pagination.ts';
import { defineStep } from '../step.ts';
import { revokeSessionsDocument } from './revoke-sessions.ts';
import { verifyEventInCloudTrail, type EventClaim, type VerifyOptions } from './verify-event.ts';

/**
 * Quarantining the actor: any rule's action may be set to quarantine, so every SES and IAM function has
 * these. They use only the guard's own managed policies (attachable by `iam:PolicyARN` condition), never
 * an inline policy: no guard role holds iam:Put*Policy for quarantine (revoke-sessions.ts says why).
 */
export interface QuarantineClients {
  iam: IAMClient;
  cloudtrail: CloudTrailClient;
  verify?: VerifyOptions;
}

/** The clients of the quarantine steps, from the function's client factory. */
export function quarantineClients(make: MakeClient, iam: IAMClient = make(IAMClient, 'IAM')): QuarantineClients {
  return { iam, cloudtrail: make(CloudTrailClient, 'CLOUDTRAIL') };
}

export interface VerifyEvent extends EventClaim {
  type: 'cloudtrail.verify-event';
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
  /** The guard's revoke-sessions managed policy. */
  policyArn: string;
}

/** Look the event up in CloudTrail before acting on the principal it names (verify-event.ts). */
// Marked pure so a bundle that uses one step (guard-integrity re-attaches only) carries no other's commands.
export const VERIFY_EVENT = /* @__PURE__ */ defineStep<VerifyEvent, QuarantineClients>({
  type: 'cloudtrail.verify-event',
  commands: ['cloudtrail:LookupEvents'],
  removes: false,
  actsOnActor: true,
  describe: (a) => `CloudTrail event ${a.eventId} (${a.eventName} in ${a.region})`,
  async send({ cloudtrail, verify }, { type: _type, ...claim }) {
    await verifyEventInCloudTrail(cloudtrail, claim, verify);
  },
});

/** Attach the configured deny policy to the acting user or role. */
export const ATTACH_QUARANTINE_POLICY = /* @__PURE__ */ defineStep<AttachQuarantinePolicy, Pick<QuarantineClients, 'iam'>>({
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

/** IAM keeps at most five versions of a managed policy; the default one cannot be deleted. */
const MAX_POLICY_VERSIONS = 5;

/**
 * For assumed roles: move the revoke-sessions policy's cut-off to `before` (a new default version), then
 * attach it to the role. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 */
export const REVOKE_ROLE_SESSIONS = /* @__PURE__ */ defineStep<RevokeRoleSessions, QuarantineClients>({
  type: 'iam.revoke-role-sessions',
  commands: ['iam:ListPolicyVersions', 'iam:DeletePolicyVersion', 'iam:CreatePolicyVersion', 'iam:AttachRolePolicy'],
  removes: false,
  actsOnActor: true,
  describe: (a) => `role ${a.roleName} sessions issued before ${a.before} (${a.policyArn})`,
  async send({ iam }, a) {
    const pages = await collectPages((Marker) => iam.send(new ListPolicyVersionsCommand({ PolicyArn: a.policyArn, ...(Marker !== undefined && { Marker }) })));
    const versions = pages.flatMap((page) => page.Versions ?? []);
    if (versions.length >= MAX_POLICY_VERSIONS) {
      const oldest = versions
        .filter((v) => v.IsDefaultVersion !== true && v.VersionId !== undefined)
        .sort((x, y) => (x.CreateDate?.getTime() ?? 0) - (y.CreateDate?.getTime() ?? 0))[0];
      if (oldest?.VersionId) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: a.policyArn, VersionId: oldest.VersionId }));
    }
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: a.policyArn, PolicyDocument: revokeSessionsDocument(a.before), SetAsDefault: true }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: a.roleName, PolicyArn: a.policyArn }));
  },
});

export const QUARANTINE_STEPS = [VERIFY_EVENT, ATTACH_QUARANTINE_POLICY, REVOKE_ROLE_SESSIONS] as const;
