import { analyzePolicy, clauseRestricts, compilePolicy, findReachableGrant, matchArn, type ReachableGrant } from '../../policy/index.ts';
import type { LabelledPolicy, Policy, Statement, StatementGrant } from '../../policy/types.ts';
import { trustedAccountsOf } from '../../rules/trust.ts';
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
 * The policy set that decides whether one granting statement stands for one action: that statement (with
 * its conditions: the reach search counts it when some request can satisfy them) against every Deny of the
 * principal's policies that names the action (a conditional Deny removes only what it denies
 * unconditionally for this principal). One statement at a time, so the finding names the statement to
 * revert. Only the Denies naming the action: the reach search ignores the others (lib/policy/reach.ts
 * matches actions first), and building every Deny into the set per statement was quadratic in statements.
 */
function decidingSet(policies: LabelledPolicy[], grantLabel: string, grant: StatementGrant, lowerAction: string): LabelledPolicy[] {
  return policies.map(({ label, policy }) => {
    const denies = deniesNaming(policy, lowerAction);
    const granting = label === grantLabel ? statementAt(policy, grant.ref.index) : undefined;
    return { label, policy: { ...policy, statements: granting ? inDocumentOrder(denies, granting) : denies } satisfies Policy };
  });
}

const deniesByAction = new WeakMap<Policy, Map<string, Statement[]>>();
const byIndex = new WeakMap<Policy, Map<number, Statement>>();

/** A policy's Deny statements that name the action (the evaluator's matching), in document order. */
function deniesNaming(policy: Policy, lowerAction: string): Statement[] {
  let perAction = deniesByAction.get(policy);
  if (!perAction) deniesByAction.set(policy, (perAction = new Map()));
  let denies = perAction.get(lowerAction);
  if (!denies) {
    denies = compilePolicy(policy).statements.filter((s) => s.statement.effect === 'Deny' && s.action(lowerAction)).map((s) => s.statement);
    perAction.set(lowerAction, denies);
  }
  return denies;
}

/** The statement with `index` (the first, as a scan finds it). */
function statementAt(policy: Policy, index: number): Statement | undefined {
  let map = byIndex.get(policy);
  if (!map) {
    map = new Map();
    for (const statement of policy.statements) if (!map.has(statement.index)) map.set(statement.index, statement);
    byIndex.set(policy, map);
  }
  return map.get(index);
}

/** The Denies with the granting statement where the document has it (a Deny granting itself is listed once). */
function inDocumentOrder(denies: readonly Statement[], granting: Statement): Statement[] {
  if (denies.includes(granting)) return [...denies];
  const at = denies.findIndex((d) => d.index > granting.index);
  return at < 0 ? [...denies, granting] : [...denies.slice(0, at), granting, ...denies.slice(at)];
}

/** One perimeter action the principal can gain through one statement, and where (a witness request). */
export interface PerimeterGain {
  action: string;
  reach: ReachableGrant;
}

/** What one Allow statement of a granting policy gives one principal: the actions gained and those denied. */
export interface StatementGain {
  policy: IamPolicyInEffect & { document: Policy };
  principal: IamPrincipalState;
  grant: StatementGrant;
  gained: PerimeterGain[];
  denied: Array<{ action: string; why: string }>;
  /**
   * When `principal` is a group: its members (read by name only, `onlyViaGroup`) who are not
   * administrators. They gain what the group gains; the finding is the group's and names them.
   */
  members?: IamPrincipalState[];
}

/**
 * PURE: every (principal, statement) through which a non-administrator gains a perimeter action on ANY SES
 * resource of a trusted account, in ANY region, with policy variables as unknowns (lib/policy/reach.ts) —
 * not one probe built from the policy's own pattern in the event's region, which an account wildcard, a
 * NotResource or a per-region Deny walks around. Exported for the differential test against iam-simulate.
 */
export function perimeterGains(state: IamGrantState, ctx: RuleContext): StatementGain[] {
  if (state.notInEffect !== undefined) return [];
  const space = { service: 'ses', accounts: trustedAccountsOf(ctx.config.trustedAccounts, ctx.accountId), partition: partitionOf(ctx.region) };
  const out: StatementGain[] = [];
  for (const changed of grantingPolicies(state)) {
    const grants = analyzePolicy(changed.document, changed.source, 'ses').filter((g) => g.ref.effect === 'Allow');
    // A group's gain per statement, so its members (read by name only) join the group's finding.
    const groupGains = new Map<string, StatementGain>();
    const members = state.principals.filter((p) => p.onlyViaGroup !== undefined);
    for (const principal of state.principals) {
      if (principal.onlyViaGroup !== undefined) continue;
      for (const gain of principalGains(principal, changed, grants, space, ctx)) {
        out.push(gain);
        if (principal.principal.type === 'group') groupGains.set(`${principal.principal.name}\u0000${gain.grant.ref.index}`, gain);
      }
    }
    for (const member of members) {
      for (const grant of grants) {
        const groupGain = groupGains.get(`${member.onlyViaGroup}\u0000${grant.ref.index}`);
        if (groupGain) {
          if (holds(member, changed) && !actsWithAuthority({ arn: member.arn }, ctx)) (groupGain.members ??= []).push(member);
          continue;
        }
        // The group itself does not gain through the statement (its ARN is an administrator's, or a
        // condition names members): the member is judged on its own, with the group's policies only. Its
        // other policies were not read, so a Deny among them is not counted: it may be reported as gaining
        // what such a Deny takes away (over-reported, never missed).
        out.push(...principalGains(member, changed, [grant], space, ctx));
      }
    }
  }
  return out;
}

function principalGains(
  principal: IamPrincipalState,
  changed: IamPolicyInEffect & { document: Policy },
  grants: readonly StatementGrant[],
  space: Parameters<typeof findReachableGrant>[0]['space'],
  ctx: RuleContext,
): StatementGain[] {
  if (!holds(principal, changed) || actsWithAuthority({ arn: principal.arn }, ctx)) return [];
  const policies = parsedPolicies(principal);
  const out: StatementGain[] = [];
  for (const grant of grants) {
    const candidates = grant.allActions ? [...PERIMETER_ACTIONS] : grant.actions.flatMap((a) => PERIMETER.get(a.toLowerCase()) ?? []);
    if (candidates.length === 0) continue;
    const gained: PerimeterGain[] = [];
    const denied: StatementGain['denied'] = [];
    for (const action of candidates) {
      const identityPolicies = decidingSet(policies, changed.source, grant, action.toLowerCase());
      const reach = findReachableGrant({ policies: { identityPolicies }, principal: { arn: principal.arn }, action, space });
      if (reach.reachable) gained.push({ action, reach });
      else denied.push({ action, why: reach.why });
    }
    if (gained.length > 0) out.push({ policy: changed, principal, grant, gained, denied });
  }
  return out;
}

/** Members named in a group's finding; the rest are counted. */
const MEMBERS_NAMED = 10;

function membersNote(gain: StatementGain): string {
  const { members, principal } = gain;
  if (principal.onlyViaGroup !== undefined) return ` (only the policies group ${principal.onlyViaGroup} gives this member were read, so a Deny among its others is not counted)`;
  if (!members || members.length === 0) return '';
  const named = members.slice(0, MEMBERS_NAMED).map((m) => m.principal.name).join(', ');
  const more = members.length > MEMBERS_NAMED ? ` and ${members.length - MEMBERS_NAMED} more` : '';
  return `; ${members.length === 1 ? 'its non-administrator member gains it too' : `its ${members.length} non-administrator members gain it too`}: ${named}${more}`;
}

function rank(gain: PerimeterGain): number {
  return (gain.reach.certain ? 0 : 4) + (gain.reach.typeSource === 'perimeter' ? 2 : 0) + (gain.reach.resource === '*' ? 1 : 0);
}

/** "for example ses:PutIdentityPolicy on arn:aws:ses:us-east-2:...:identity/x in us-east-2 (Resource "...")". */
function whereGained(gain: PerimeterGain): string {
  const { reach } = gain;
  const on = reach.resource === '*' ? 'on any resource (*)' : `on ${reach.resource}`;
  // The catalogue lists no resource type of this kind for the action; counted so that a grant is never missed.
  const conservatively = reach.typeSource === 'perimeter' ? ` (the action catalogue lists no ${reach.resourceType} resource for ${gain.action}; counted to be safe)` : '';
  const example = `for example ${gain.action} ${on} in ${reach.region}, which ${reach.resourcePattern} covers${conservatively}`;
  // A witness the evaluator does not allow as it stands rests on assumptions: say "may" and which.
  return reach.certain ? example : `${example}, if ${reach.assumptions.join('; and ')}`;
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
  return perimeterGains(state, ctx).map((gain) => {
    const { policy, principal, grant, gained, denied } = gain;
    const actions = gained.map((g) => g.action);
    const what = grant.allActions && denied.length === 0 ? 'every SES action (so every perimeter action: identity policies, event destinations, custom verification)' : actions.join(', ');
    const deniedNote = denied.length > 0 ? ` (${denied.map((d) => d.action).join(', ')} denied elsewhere)` : '';
    const may = gained.every((g) => !g.reach.certain) ? 'may gain' : 'gains';
    // The most telling example: a concrete resource the evaluator allows, before a request on `*`.
    const first = [...gained].sort((a, b) => rank(a) - rank(b))[0];
    return {
      resource: policy.source,
      statement: statementRef(grant),
      reason: `${principal.arn} is not an administrator and ${may} ${what} through ${statementLabel(grant)} of ${policy.source}${deniedNote}${membersNote(gain)}: ${first ? whereGained(first) : ''}.`,
      fix: { kind: 'revert-grant', policySource: policy.source, principalArn: principal.arn, statementIndex: grant.ref.index },
    };
  });
}

const SENDS = new Set(['ses:sendemail', 'ses:sendrawemail']);
const SEND_RESTRICTING_KEYS = new Set(['ses:fromaddress', 'ses:recipients']);

/** A region no pattern names: a statement reaching an identity there reaches it only through a wildcard. */
const UNNAMED_REGION = 'sesguard-probe-1';

/**
 * Where a statement's resources reach every identity of the account (probed with a name nobody uses), in
 * words, or undefined. Every region counts, not only the one the event came from: IAM events all arrive in
 * us-east-1, so probing only there would miss `NotResource: arn:aws:ses:us-east-1:*:*`.
 */
function regionReachingEveryIdentity(grant: StatementGrant, ctx: RuleContext): string | undefined {
  const named = [...grant.resources, ...grant.notResources].map((pattern) => pattern.split(':')[3] ?? '').filter((r) => r !== '' && !/[*?$]/.test(r));
  for (const region of new Set([UNNAMED_REGION, ctx.region, ...named])) {
    const probe = sesArn(region, ctx.accountId, 'identity/sesguard-probe.invalid');
    const reached = grant.notResources.length > 0 ? !grant.notResources.some((pattern) => matchArn(pattern, probe)) : grant.resources.some((pattern) => matchArn(pattern, probe));
    if (!reached) continue;
    if (region !== UNNAMED_REGION) return `region ${region}`;
    return grant.notResources.length > 0 ? 'every region its NotResource does not exclude' : 'every region';
  }
  return undefined;
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
    const region = sends.length === 0 ? undefined : regionReachingEveryIdentity(grant, ctx);
    if (region === undefined) return [];
    if (grant.conditions.some((clause) => SEND_RESTRICTING_KEYS.has(clause.key.toLowerCase()) && clauseRestricts(clause))) return [];
    return [
      {
        resource: changed.source,
        statement: statementRef(grant),
        reason: `${statementLabel(grant)} of ${changed.source} allows ${sends.join(', ')} as any identity of the account in ${region} with no ses:FromAddress or ses:Recipients condition.`,
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
