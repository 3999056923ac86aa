import type { RuleId } from '../config/schema.ts';
import { matchesAnyArnPattern } from '../policy/index.ts';
import { isOwnRole } from '../cloudtrail/own-role.ts';
import { findExemption } from './exemptions.ts';
import type { RuleContext } from './types.ts';

/**
 * The one answer to "may the guard act against this principal?", read by rules (an administrator's or the
 * guard's own change is not a finding) and by planners (never quarantine or revert what is protected), so
 * a planner never re-decides what a rule decided.
 */
export type Protection =
  | { protected: false }
  | { protected: true; kind: 'guard' | 'root' | 'administrator' | 'exempt'; why: string };

export interface PrincipalRef {
  /** The principal's ARN: an IAM user or role, an STS session, or the root. */
  arn?: string | undefined;
  /** For a role session: the role's ARN (adminPrincipals and own roles may name either). */
  sessionIssuerArn?: string | undefined;
  /** CloudTrail's userIdentity.type, when the principal is an actor. */
  type?: string | undefined;
}

export function protectionOf(principal: PrincipalRef, ctx: Pick<RuleContext, 'config' | 'now' | 'ownRoleArns'>, ruleId?: RuleId): Protection {
  const who = principal.arn ?? principal.sessionIssuerArn ?? 'the caller';
  const actor = { type: 'Unknown' as const, ...(principal.arn && { arn: principal.arn }), ...(principal.sessionIssuerArn && { sessionIssuerArn: principal.sessionIssuerArn }) };
  if (isOwnRole(actor, ctx.ownRoleArns ?? [])) {
    return { protected: true, kind: 'guard', why: `${who} is one of the guard's own roles; acting against it would disarm the guard.` };
  }
  if (principal.type === 'Root' || /^arn:[^:]+:iam::\d{12}:root$/.test(principal.arn ?? '')) {
    return { protected: true, kind: 'root', why: `${who} is the account root: no IAM policy can restrict it; secure the root credentials by hand.` };
  }
  const admins = ctx.config.adminPrincipals;
  if (matchesAnyArnPattern(admins, principal.arn) || matchesAnyArnPattern(admins, principal.sessionIssuerArn)) {
    return { protected: true, kind: 'administrator', why: `${who} is an administrator (adminPrincipals).` };
  }
  if (ruleId !== undefined) {
    const subjects = [principal.arn, principal.sessionIssuerArn].filter((s): s is string => typeof s === 'string');
    const exemption = findExemption(ctx.config.exemptions, ruleId, subjects, ctx.now);
    if (exemption?.status === 'active') {
      return { protected: true, kind: 'exempt', why: `${who} is exempt from ${ruleId} until ${exemption.exemption.expires} (${exemption.exemption.reason}).` };
    }
  }
  return { protected: false };
}

/** Administrators and the guard may hold and use perimeter actions: their changes are not findings. */
export function actsWithAuthority(principal: PrincipalRef, ctx: Pick<RuleContext, 'config' | 'now' | 'ownRoleArns'>): boolean {
  const protection = protectionOf(principal, ctx);
  return protection.protected && (protection.kind === 'administrator' || protection.kind === 'guard');
}
