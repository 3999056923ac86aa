import type { Actor, Change } from '../../cloudtrail/types.ts';
import type { Config } from '../../config/schema.ts';
import { partitionOf } from '../../aws/partition.ts';
import { protectionOf } from '../../rules/protected-principal.ts';
import type { Finding } from '../../rules/types.ts';
import { uniqueRuleIds } from '../compliance.ts';
import type { DraftStep, FamilyPlan } from '../types.ts';
// Types only: this planner runs in every function, and the senders' SDK commands must stay out of the
// bundles (and roles) of families that cannot quarantine. Each family's step definitions describe the steps.
import type { AttachQuarantinePolicy, RevokeRoleSessions, VerifyEvent } from './steps.ts';
import { revokeSessionsPolicyName } from './revoke-sessions.ts';

export interface QuarantinePlanInput {
  change: Change;
  /** Findings whose action is quarantine: not exempt, not alert-only. */
  findings: Finding[];
  config: Config;
  now: Date;
  /** ARNs of the guard's own roles: never quarantined. */
  ownRoleArns: readonly string[];
}

/** The configured quarantine policy in the change's account and partition (arn:aws-cn:... in China). */
export function quarantinePolicyArn(change: Pick<Change, 'region' | 'accountId'>, config: Pick<Config, 'quarantinePolicyName'>): string {
  return `arn:${partitionOf(change.region)}:iam::${change.accountId}:policy/${config.quarantinePolicyName}`;
}

const IAM_USER = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const IAM_ROLE = /^arn:aws[\w-]*:iam::(\d{12}):role\/(.*)$/;
const STS_SESSION = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

type Target = { principalType: 'user'; name: string; arn: string } | { principalType: 'role'; name: string; arn: string };

/** The guard's revoke-sessions managed policy (revoke-sessions.ts), beside the quarantine policy. */
export function revokeSessionsPolicyArn(change: Pick<Change, 'region' | 'accountId'>, config: Pick<Config, 'quarantinePolicyName'>): string {
  return `arn:${partitionOf(change.region)}:iam::${change.accountId}:policy/${revokeSessionsPolicyName(config.quarantinePolicyName)}`;
}

/** The event as delivered, for the verification against CloudTrail that comes before any quarantine. */
function verifyStep(change: Change, ruleIds: string[]): DraftStep {
  const { eventId, eventName, eventSource, eventTime, region, accountId } = change;
  const actor = change.actor;
  const action: VerifyEvent = {
    type: 'cloudtrail.verify-event',
    eventId,
    eventName,
    eventSource,
    eventTime,
    region,
    accountId,
    actor: { type: actor.type, ...(actor.arn !== undefined && { arn: actor.arn }), ...(actor.sessionIssuerArn !== undefined && { sessionIssuerArn: actor.sessionIssuerArn }) },
  };
  return {
    action,
    ruleIds,
    reason: `Look event ${eventId} up in CloudTrail's event history first: a quarantine is never taken on the word of a delivered event alone (anyone allowed to invoke the function could forge one).`,
  };
}

/** Why an actor must not (or cannot) be quarantined; undefined when it may be. */
function refusal(actor: Actor, ruleId: Finding['ruleId'], input: QuarantinePlanInput): string | undefined {
  const who = actor.arn ?? actor.sessionIssuerArn ?? 'the caller';
  const protection = protectionOf(actor, { config: input.config, now: input.now, ownRoleArns: input.ownRoleArns }, ruleId);
  if (protection.protected) return `${protection.why} It is never quarantined.`;
  if (actor.type === 'FederatedUser') return `${who} is a federated (GetFederationToken) session: IAM policies cannot be attached to it; revoke it from the identity that issued it.`;
  if (actor.type === 'AWSService') return `the call was made by an AWS service (${actor.invokedBy ?? 'unknown'}), which cannot be quarantined.`;
  if (actor.type === 'AWSAccount') return `the call was made by another account (${actor.accountId ?? 'unknown'}) through a resource policy; nothing in this account can be quarantined.`;
  if (actor.type === 'Unknown') return `the caller is of an unknown type; nothing is quarantined rather than guessing.`;
  if (actor.accountId !== undefined && actor.accountId !== input.change.accountId) {
    return `${who} belongs to account ${actor.accountId}; the guard can only attach policies in account ${input.change.accountId}.`;
  }
  return undefined;
}

/** The IAM user or role to attach the deny policy to, or why there is none. */
function targetOf(actor: Actor): Target | string {
  if (actor.type === 'IAMUser') {
    const match = actor.arn ? IAM_USER.exec(actor.arn) : null;
    if (!match?.[2]) return `the IAM user is not identified by an ARN (${actor.arn ?? 'none'}), so it cannot be quarantined.`;
    return { principalType: 'user', name: match[2], arn: actor.arn ?? '' };
  }
  // AssumedRole: the role is the session issuer; the session ARN names the role too (without its path).
  const role = actor.sessionIssuerArn ? IAM_ROLE.exec(actor.sessionIssuerArn) : null;
  const path = role?.[2];
  if (path !== undefined) {
    // Service-linked and IAM Identity Center roles are owned by AWS: IAM refuses to change them.
    if (path.startsWith('aws-service-role/')) return `${actor.sessionIssuerArn} is a service-linked role, which IAM does not allow policies to be attached to.`;
    if (path.startsWith('aws-reserved/')) return `${actor.sessionIssuerArn} is an IAM Identity Center role; change its permission set instead (IAM refuses direct edits).`;
    const name = path.split('/').pop() ?? '';
    return { principalType: 'role', name, arn: actor.sessionIssuerArn ?? '' };
  }
  const session = actor.arn ? STS_SESSION.exec(actor.arn) : null;
  if (session?.[2]) return { principalType: 'role', name: session[2], arn: actor.arn ?? '' };
  return `the assumed role is not identified (no session issuer ARN), so it cannot be quarantined.`;
}

/**
 * Quarantine: the configured deny policy on whoever acted, so they cannot try again while a person
 * looks. For an assumed role the acting credentials are a session that may be in an attacker's hands:
 * sessions issued before now are also denied every action (Deny * when aws:TokenIssueTime is before
 * now), the technique of the IAM console's "Revoke active sessions", with a managed policy the guard owns
 * (revoke-sessions.ts); whoever may assume the role gets fresh sessions, which only the quarantine policy
 * restricts. Every quarantine depends on the event being found as delivered in CloudTrail (verify-event.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 */
export function planQuarantine(input: QuarantinePlanInput): FamilyPlan {
  const steps: DraftStep[] = [];
  const notRepaired: FamilyPlan['notRepaired'] = [];
  const explanations: string[] = [];
  const planned = new Map<string, DraftStep[]>();
  let verify: DraftStep | undefined;

  for (const finding of input.findings) {
    const actor = finding.fix.kind === 'quarantine-actor' ? finding.fix.actor : input.change.actor;
    const refused = refusal(actor, finding.ruleId, input);
    const target = refused ?? targetOf(actor);
    if (typeof target === 'string') {
      notRepaired.push({ ruleId: finding.ruleId, reason: target });
      if (!explanations.includes(target)) explanations.push(`Not quarantined: ${target}`);
      continue;
    }
    const key = `${target.principalType}/${target.name}`;
    const existing = planned.get(key);
    if (existing) {
      for (const step of verify ? [verify, ...existing] : existing) if (!step.ruleIds.includes(finding.ruleId)) step.ruleIds.push(finding.ruleId);
      continue;
    }
    const ruleIds = uniqueRuleIds([finding]);
    if (!verify) {
      verify = verifyStep(input.change, [...ruleIds]);
      steps.push(verify);
    } else {
      for (const id of ruleIds) if (!verify.ruleIds.includes(id)) verify.ruleIds.push(id);
    }
    const policyArn = quarantinePolicyArn(input.change, input.config);
    const attachAction: AttachQuarantinePolicy = { type: 'iam.attach-quarantine-policy', principalType: target.principalType, principalName: target.name, policyArn };
    const attach: DraftStep = {
      action: attachAction,
      ruleIds,
      reason: `Attach the quarantine policy ${policyArn} to ${target.principalType} ${target.name}, which acted against the perimeter (${finding.reason})`,
      dependsOn: [verify],
    };
    const added = [attach];
    if (target.principalType === 'role') {
      const before = input.now.toISOString();
      const revokeArn = revokeSessionsPolicyArn(input.change, input.config);
      const revoke: RevokeRoleSessions = { type: 'iam.revoke-role-sessions', roleName: target.name, before, policyArn: revokeArn };
      added.push({
        action: revoke,
        ruleIds: [...ruleIds],
        reason: `Deny every session of role ${target.name} issued before ${before} (the guard's policy ${revokeArn}): the credentials that acted may still be in use.`,
        dependsOn: [verify],
      });
      explanations.push(`Quarantines role ${target.name} once CloudTrail confirms the event: attaches ${policyArn} and revokes its sessions issued before ${before}.`);
    } else {
      explanations.push(`Quarantines user ${target.name} once CloudTrail confirms the event: attaches ${policyArn}.`);
    }
    planned.set(key, added);
    steps.push(...added);
  }
  return {
    strategy: steps.length > 0 ? 'quarantine' : 'alert-only',
    steps,
    explanation: explanations.join(' '),
    notRepaired,
  };
}
