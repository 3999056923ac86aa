import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { MakeClient } from '../../aws/client-factory.ts';
import { lazyCloudTrailClient, lazyIamClient, madeClient, type LazyClient } from '../../aws/lazy-client.ts';
import { defineStep } from '../step.ts';
import type { EventClaim, VerifyOptions } from './verify-event.ts';

/**
 * Quarantining the actor: any rule's action may be set to quarantine, so every SES and IAM function has
 * these. They use only the guard's own managed policies (attachable by `iam:PolicyARN` condition), never
 * an inline policy: no guard role holds iam:Put*Policy for quarantine (revoke-sessions.ts says why).
 *
 * Each step's sender, with the SDK commands it sends, is its own module loaded when the step first runs,
 * and the clients are made on first use (lib/aws/lazy-client.ts): most invocations quarantine nobody, and
 * a function that uses one of these steps (guard-integrity re-attaches only) bundles that step's commands
 * and no other's, so its role holds no other's.
 */
export interface QuarantineClients {
  /** IAM for acting on the actor: the function's own IAM client where it has one (iam-grant). */
  actorIam: LazyClient<IAMClient>;
  cloudtrail: LazyClient<CloudTrailClient>;
  verify?: VerifyOptions;
}

/** The clients of the quarantine steps, from the function's client factory. */
export function quarantineClients(make: MakeClient, iam?: IAMClient): QuarantineClients {
  return { actorIam: iam ? madeClient(iam) : lazyIamClient(make), cloudtrail: lazyCloudTrailClient(make) };
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
    const [{ verifyEventInCloudTrail }, client] = await Promise.all([import('./verify-event.ts'), cloudtrail()]);
    await verifyEventInCloudTrail(client, claim, verify);
  },
});

/** Attach the configured deny policy to the acting user or role. */
export const ATTACH_QUARANTINE_POLICY = /* @__PURE__ */ defineStep<AttachQuarantinePolicy, Pick<QuarantineClients, 'actorIam'>>({
  type: 'iam.attach-quarantine-policy',
  commands: ['iam:AttachUserPolicy', 'iam:AttachRolePolicy'],
  removes: false,
  actsOnActor: true,
  describe: (a) => `${a.principalType} ${a.principalName} quarantine ${a.policyArn}`,
  async send({ actorIam }, a) {
    const [{ attachQuarantinePolicy }, iam] = await Promise.all([import('./send-attach-quarantine-policy.ts'), actorIam()]);
    await attachQuarantinePolicy(iam, a);
  },
});

/**
 * For assumed roles: move the revoke-sessions policy's cut-off to `before` (a new default version), then
 * attach it to the role. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 */
export const REVOKE_ROLE_SESSIONS = /* @__PURE__ */ defineStep<RevokeRoleSessions, Pick<QuarantineClients, 'actorIam'>>({
  type: 'iam.revoke-role-sessions',
  commands: ['iam:ListPolicyVersions', 'iam:DeletePolicyVersion', 'iam:CreatePolicyVersion', 'iam:AttachRolePolicy'],
  removes: false,
  actsOnActor: true,
  describe: (a) => `role ${a.roleName} sessions issued before ${a.before} (${a.policyArn})`,
  async send({ actorIam }, a) {
    const [{ revokeRoleSessions }, iam] = await Promise.all([import('./send-revoke-role-sessions.ts'), actorIam()]);
    await revokeRoleSessions(iam, a);
  },
});

export const QUARANTINE_STEPS = [VERIFY_EVENT, ATTACH_QUARANTINE_POLICY, REVOKE_ROLE_SESSIONS] as const;
