import { analyzePolicy, clauseRestricts, evaluate, matchArn } from '../../policy/index.ts';
import type { LabelledPolicy, Policy, PolicySet, StatementGrant } from '../../policy/types.ts';
import { sesArn } from '../../aws/arns.ts';
import { partitionOf } from '../../aws/partition.ts';
import { actsWithAuthority } from '../../rules/protected-principal.ts';
import type { RawFinding, Rule, RuleContext } from '../../rules/types.ts';
import type { IamGrantState, IamPolicyInEffect, IamPrincipalState } from './types.ts';

/**
 * IAM is the other way into the perimeter: whoever may write identity policies, event destinations or
 * verification templates can widen it without touching this guard's resources. IAM-SES-001 judges what
 * a principal EFFECTIVELY gains through the changed policy; IAM-SES-002 flags unrestricted sending.
 */

/** Calls that widen the perimeter (DESIGN.md §3, IAM-SES-001). `ses:*` covers all of them. */
export const PERIMETER_ACTIONS: readonly string[] = [
  'ses:PutIdentityPolicy',
  'ses:CreateEmailIdentityPolicy',
  'ses:UpdateEmailIdentityPolicy',
  'ses:DeleteIdentityPolicy',
  'ses:DeleteEmailIdentityPolicy',
  'ses:CreateConfigurationSetEventDestination',
  'ses:UpdateConfigurationSetEventDestination',
  'ses:SendCustomVerificationEmail',
  'ses:CreateCustomVerificationEmailTemplate',
  'ses:UpdateCustomVerificationEmailTemplate',
];
const PERIMETER = new Map(PERIMETER_ACTIONS.map((a) => [a.toLowerCase(), a]));

function statementLabel(grant: StatementGrant): string {
  return grant.ref.sid ? `statement ${grant.ref.index} (Sid "${grant.ref.sid}")` : `statement ${grant.ref.index}`;
}

function statementRef(grant: StatementGrant): { index: number; sid?: string } {
  return { index: grant.ref.index, ...(grant.ref.sid !== undefined && { sid: grant.ref.sid }) };
}

/** The principal's effective set as IAM reported it: nothing is added on the event's word. */
function parsedPolicies(principal: IamPrincipalState): LabelledPolicy[] {
  return principal.policies.flatMap((p) => (p.document ? [{ label: p.source, policy: p.document }] : []));
}

/**
 * Whether the principal holds the granting policy NOW, through the link the change made: an attachment
 * still listed, a group membership still in place (a policy that comes through a group counts only via
 * that group). A late or duplicate event must not be judged as if its grant were still there.
 */
function holds(principal: IamPrincipalState, granting: IamPolicyInEffect): boolean {
  return principal.policies.some((p) => p.source === granting.source && (granting.viaGroup === undefined || p.viaGroup === granting.viaGroup));
}

/**
 * The policy set that decides whether a grant stands: the granting statement (its conditions lifted,
 * since some request can satisfy them) against every Deny of the principal's policies that applies
 * unconditionally. A conditional Deny (MFA absent, outside a network) still leaves the grant usable in
 * some request, so it does not cancel the grant — the guard must not miss a grant a caller can use.
 */
function decidingSet(policies: LabelledPolicy[], grantLabel: string, grant: StatementGrant): PolicySet {
  return {
    identityPolicies: policies.map(({ label, policy }) => ({
      label,
      policy: {
        ...policy,
        statements: policy.statements.flatMap((statement) => {
          if (statement.effect === 'Deny') return statement.conditions.length === 0 ? [statement] : [];
          if (label === grantLabel && statement.index === grant.ref.index) return [{ ...statement, conditions: [] }];
          return [];
        }),
      } satisfies Policy,
    })),
  };
}

/** Concrete request resources standing for a statement's Resource list. */
function requestResources(grant: StatementGrant, ctx: RuleContext): string[] {
  const everything = `arn:${partitionOf(ctx.region)}:ses:${ctx.region}:${ctx.accountId}:*`;
  if (grant.notResources.length > 0 || grant.resources.length === 0) return [everything];
  return grant.resources.map((resource) => (resource === '*' ? everything : resource));
}

/**
 * The policies that carry the grant: the changed policy, or — when a user joins a group — every policy the
 * group hands on (the membership is the grant; there is no single changed document).
 */
function grantingPolicies(state: IamGrantState): Array<IamPolicyInEffect & { document: Policy }> {
  const candidates = state.changedPolicy ? [state.changedPolicy] : (state.gainedPolicies ?? []);
  return candidates.filter((p): p is IamPolicyInEffect & { document: Policy } => p.document !== null);
}

function evaluatePerimeterGrant(state: IamGrantState, ctx: RuleContext): RawFinding[] {
  if (state.notInEffect !== undefined) return [];
  return grantingPolicies(state).flatMap((changed) => perimeterGrantsOf(state, changed, ctx));
}

function perimeterGrantsOf(state: IamGrantState, changed: IamPolicyInEffect & { document: Policy }, ctx: RuleContext): RawFinding[] {
  const grants = analyzePolicy(changed.document, changed.source, 'ses').filter((g) => g.ref.effect === 'Allow');
  const findings: RawFinding[] = [];
  for (const principal of state.principals) {
    if (!holds(principal, changed) || actsWithAuthority({ arn: principal.arn }, ctx)) continue;
    const policies = parsedPolicies(principal);
    for (const grant of grants) {
      const candidates = grant.allActions ? [...PERIMETER_ACTIONS] : grant.actions.flatMap((a) => PERIMETER.get(a.toLowerCase()) ?? []);
      if (candidates.length === 0) continue;
      const policySet = decidingSet(policies, changed.source, grant);
      const gained: string[] = [];
      const denied: string[] = [];
      for (const action of candidates) {
        const usable = requestResources(grant, ctx).some(
          (resource) => evaluate({ action, resource, principal: principal.arn, context: {} }, policySet).decision === 'Allow',
        );
        (usable ? gained : denied).push(action);
      }
      if (gained.length === 0) continue;
      const what = grant.allActions && denied.length === 0 ? 'every SES action (so every perimeter action: identity policies, event destinations, custom verification)' : gained.join(', ');
      const deniedNote = denied.length > 0 ? ` (${denied.join(', ')} denied elsewhere)` : '';
      findings.push({
        resource: changed.source,
        statement: statementRef(grant),
        reason: `${principal.arn} is not an administrator and gains ${what} through ${statementLabel(grant)} of ${changed.source}${deniedNote}.`,
        fix: { kind: 'revert-grant', policySource: changed.source, principalArn: principal.arn, statementIndex: grant.ref.index },
      });
    }
  }
  return findings;
}

const SENDS = new Set(['ses:sendemail', 'ses:sendrawemail']);
const SEND_RESTRICTING_KEYS = new Set(['ses:fromaddress', 'ses:recipients']);

/** Whether a statement's resources reach any identity of the account (probed with a name nobody uses). */
function reachesEveryIdentity(grant: StatementGrant, ctx: RuleContext): boolean {
  const probe = sesArn(ctx.region, ctx.accountId, 'identity/sesguard-probe.invalid');
  if (grant.notResources.length > 0) return !grant.notResources.some((pattern) => matchArn(pattern, probe));
  return grant.resources.some((pattern) => matchArn(pattern, probe));
}

function evaluateUnrestrictedSending(state: IamGrantState, ctx: RuleContext): RawFinding[] {
  if (state.notInEffect !== undefined) return [];
  return grantingPolicies(state).flatMap((changed) => {
    // A policy attached to nobody is judged as a document (whoever it is attached to later gains it); one
    // whose principals no longer hold it through this change grants them nothing now.
    const holders = state.principals.filter((p) => holds(p, changed));
    if (state.principals.length > 0 && holders.length === 0) return [];
    if (holders.length > 0 && holders.every((p) => actsWithAuthority({ arn: p.arn }, ctx))) return [];
    return unrestrictedSendsOf(changed, ctx);
  });
}

function unrestrictedSendsOf(changed: IamPolicyInEffect & { document: Policy }, ctx: RuleContext): RawFinding[] {
  return analyzePolicy(changed.document, changed.source, 'ses').flatMap((grant) => {
    if (grant.ref.effect !== 'Allow') return [];
    const sends = grant.allActions ? ['ses:SendEmail', 'ses:SendRawEmail'] : grant.actions.filter((a) => SENDS.has(a.toLowerCase()));
    if (sends.length === 0 || !reachesEveryIdentity(grant, ctx)) return [];
    if (grant.conditions.some((clause) => SEND_RESTRICTING_KEYS.has(clause.key.toLowerCase()) && clauseRestricts(clause))) return [];
    return [
      {
        resource: changed.source,
        statement: statementRef(grant),
        reason: `${statementLabel(grant)} of ${changed.source} allows ${sends.join(', ')} as any identity of the account with no ses:FromAddress or ses:Recipients condition.`,
        fix: { kind: 'revert-grant', policySource: changed.source, statementIndex: grant.ref.index },
      },
    ];
  });
}

export const IAM_GRANT_RULES: readonly Rule<IamGrantState>[] = [
  {
    id: 'IAM-SES-001',
    title: 'Non-administrator gains SES perimeter actions',
    appliesTo: ['iam-grant'],
    defaultSeverity: 'high',
    defaultAction: 'revert',
    evaluate: evaluatePerimeterGrant,
  },
  {
    id: 'IAM-SES-002',
    title: 'Sending allowed as any identity without From/Recipients conditions',
    appliesTo: ['iam-grant'],
    defaultSeverity: 'medium',
    defaultAction: 'alert',
    evaluate: evaluateUnrestrictedSending,
  },
];
