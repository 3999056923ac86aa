import { decodePolicyDocumentText, parsePolicy } from '../../policy/index.ts';
import { splitByAction } from '../../remediation/document-repair.ts';
import { describeFindings, uniqueRuleIds } from '../../remediation/compliance.ts';
import { notRepairedAll, type FamilyPlan, type FamilyPlanInput } from '../../remediation/types.ts';
import type { Finding } from '../../rules/types.ts';
import type { TrustChange } from './trust-events.ts';
import { planPerimeterDeny } from './perimeter-plan.ts';
import type { IamGrantChange, IamGrantState } from './types.ts';

/**
 * IAM-SES-003: a role holding SES perimeter actions became assumable from outside. The guard never writes
 * a trust policy: IAM cannot limit what an UpdateAssumeRolePolicy document says, so a role allowed it on
 * every role could make any role assumable by any account. Instead the guard attaches its perimeter-deny
 * policy to the role — whoever assumes it gets no perimeter action — and tells a person that the trust
 * policy itself needs reverting, proposing the last-known-good one when today's rules accept it.
 */
export function planTrustRepair(input: FamilyPlanInput<IamGrantChange, IamGrantState> & { change: TrustChange }): FamilyPlan {
  const { change, state } = input;
  const { findings, notRepaired } = splitByAction(input.findings, ['revert'], 'a role trust policy');
  if (findings.length === 0) return { strategy: 'alert-only', steps: [], explanation: 'No finding on the trust policy is to be reverted.', notRepaired };
  const alertOnly = (why: string): FamilyPlan => ({ strategy: 'alert-only', steps: [], explanation: why, notRepaired: [...notRepaired, ...notRepairedAll(findings, why)] });
  const trust = state.trust;
  if (!trust || trust.rawDocument === null) return { strategy: 'none', steps: [], explanation: `Role ${change.roleName} no longer exists: nothing to repair.`, notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the role no longer exists')] };
  const role = { type: 'role' as const, name: change.roleName };
  const denied = planPerimeterDeny(
    input,
    [role],
    findings,
    (_point, arn) => `Attach the guard's perimeter-deny policy ${arn} to role ${change.roleName}: whoever its trust policy lets in gets no SES perimeter action through it.`,
  );
  if (denied.left.length > 0) {
    return alertOnly(`Attaching the perimeter-deny policy to ${trust.roleArn} would not answer ${uniqueRuleIds(denied.left).join(', ')} (${describeFindings(denied.left)}); revert its trust policy by hand. ${proposedTrust(input, trust.roleArn)}`);
  }
  const humanRevert = `The trust policy of ${trust.roleArn} still lets untrusted principals assume the role (the guard never writes a trust policy): revert it by hand. ${proposedTrust(input, trust.roleArn)}`;
  return {
    strategy: 'perimeter-deny',
    steps: denied.steps,
    explanation: `Attaches the guard's perimeter-deny policy ${denied.policyArn} to ${trust.roleArn} (perimeter-deny attached; trust policy left in place), so whoever assumes the role gets no SES perimeter action. Should IAM refuse the attachment (LimitExceeded: the role holds as many managed policies as IAM allows), nothing else is changed. ${humanRevert}`,
    notRepaired: [...notRepaired, ...notRepairedAll(findings, humanRevert)],
  };
}

/**
 * IAM-SES-003 on a policy event, with nothing else to undo (the role is an administrator, so IAM-SES-001 let
 * the grant be): the role just gained perimeter actions while its trust policy lets outsiders in.
 * Perimeter-deny on each such role, as for a trust change; the trust policy is left for a person.
 */
export function planAssumableRoleRepair(input: FamilyPlanInput<IamGrantChange, IamGrantState>, findings: Finding[], notRepaired: FamilyPlan['notRepaired']): FamilyPlan {
  const roleArns = new Set(findings.map((f) => f.resource));
  const roles = input.state.principals.filter((p) => p.principal.type === 'role' && roleArns.has(p.arn));
  const humanRevert = `The trust policy of ${roles.map((r) => r.arn).join(', ')} lets untrusted principals assume it (the guard never writes a trust policy): decide who may assume it, and revert it by hand.`;
  if (roles.length === 0) return { strategy: 'alert-only', steps: [], explanation: humanRevert, notRepaired: [...notRepaired, ...notRepairedAll(findings, humanRevert)] };
  const denied = planPerimeterDeny(
    input,
    roles.map((r) => r.principal),
    findings,
    (point, arn) => `Attach the guard's perimeter-deny policy ${arn} to role ${point.name}: it just gained SES perimeter actions, and whoever its trust policy lets in would get them.`,
  );
  if (denied.left.length > 0) {
    const why = `Attaching the perimeter-deny policy would not answer ${uniqueRuleIds(denied.left).join(', ')} (${describeFindings(denied.left)}). ${humanRevert}`;
    return { strategy: 'alert-only', steps: [], explanation: why, notRepaired: [...notRepaired, ...notRepairedAll(findings, why)] };
  }
  return {
    strategy: 'perimeter-deny',
    steps: denied.steps,
    explanation: `Attaches the guard's perimeter-deny policy ${denied.policyArn} to ${roles.map((r) => r.arn).join(', ')} (perimeter-deny attached; trust policy and the granting policy left in place), so whoever assumes the role gets no SES perimeter action. ${humanRevert}`,
    notRepaired: [...notRepaired, ...notRepairedAll(findings, humanRevert)],
  };
}

/** The last-known-good trust policy as the proposed fix, when one is recorded, parses and today's rules accept it. */
function proposedTrust(input: FamilyPlanInput<IamGrantChange, IamGrantState>, roleArn: string): string {
  const trust = input.state.trust;
  if (!input.baseline || !trust) return `No last-known-good trust policy of ${roleArn} is recorded: decide who may assume it.`;
  const document = decodePolicyDocumentText(input.baseline.document) ?? input.baseline.document;
  const parsed = parsePolicy(document);
  if (!parsed.ok) return `The last-known-good trust policy of ${roleArn} does not parse, so none is proposed.`;
  const candidate: IamGrantState = { ...input.state, trust: { ...trust, rawDocument: document, document: parsed.policy } };
  if (input.judge(candidate).some((f) => f.ruleId === 'IAM-SES-003')) return `The last-known-good trust policy of ${roleArn} is not compliant under today's rules either, so none is proposed.`;
  return `Proposed fix: the last-known-good trust policy (recorded ${input.baseline.recordedAt}): ${document}`;
}
