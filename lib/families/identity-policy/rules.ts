import { accountOfPrincipal, actionMatches, analyzePolicy, clauseRestricts, conditionsPinToTrusted, expandActionPatterns, type Trust } from '../../policy/index.ts';
import type { Policy, PrincipalSet, Statement, StatementGrant } from '../../policy/types.ts';
import type { RuleId, Severity, RuleAction } from '../../config/schema.ts';
import { trustOf } from '../../rules/trust.ts';
import type { RawFinding, Rule, RuleContext } from '../../rules/types.ts';
import type { IdentityPolicyState } from './types.ts';

/**
 * SES identity (sending-authorization) policies: who, besides the account itself, may use a verified
 * identity. Every rule here drops the offending statement, never the whole policy — other statements
 * may carry production mail.
 */

/**
 * The actions a sending-authorization policy exists for. SES documents SendEmail, SendRawEmail,
 * SendTemplatedEmail and SendBulkTemplatedEmail (v1) and SendEmail/SendBulkEmail (v2); SendBounce takes
 * a BounceSenderArn "used only for sending authorization", so it is a sending action too.
 * https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-policies.html
 */
export const SENDING_ACTIONS: readonly string[] = [
  'ses:SendEmail',
  'ses:SendRawEmail',
  'ses:SendTemplatedEmail',
  'ses:SendBulkTemplatedEmail',
  'ses:SendBulkEmail',
  'ses:SendBounce',
];
const SENDING = new Set(SENDING_ACTIONS.map((a) => a.toLowerCase()));

interface AllowStatement {
  statement: Statement;
  grant: StatementGrant | undefined;
}

// Six rules judge the same document; analyse it once per parsed policy.
const allowsCache = new WeakMap<Policy, AllowStatement[]>();

/** The Allow statements of a policy with their analysis. Deny statements never widen a perimeter. */
function allowStatements(policy: Policy, label: string): AllowStatement[] {
  const cached = allowsCache.get(policy);
  if (cached) return cached;
  // Indexed once: a lookup per statement by scanning the grants was quadratic in statements (10,000 in a
  // generated policy). The first grant with an index wins, as a scan would find it.
  const byIndex = new Map<number, StatementGrant>();
  for (const grant of analyzePolicy(policy, label, 'ses')) if (!byIndex.has(grant.ref.index)) byIndex.set(grant.ref.index, grant);
  const allows = policy.statements
    .filter((statement) => statement.effect === 'Allow')
    .map((statement) => ({ statement, grant: byIndex.get(statement.index) }));
  allowsCache.set(policy, allows);
  return allows;
}

function statementLabel(statement: Statement): string {
  return statement.sid ? `Statement ${statement.index} (Sid "${statement.sid}")` : `Statement ${statement.index}`;
}

function dropStatement(state: IdentityPolicyState, statement: Statement, reason: string): RawFinding {
  return {
    resource: state.identityArn,
    statement: { index: statement.index, ...(statement.sid !== undefined && { sid: statement.sid }) },
    reason,
    fix: { kind: 'drop-statement', statementIndex: statement.index, ...(statement.sid !== undefined && { sid: statement.sid }) },
  };
}

function describePrincipals(principal: PrincipalSet): string {
  const parts = [...principal.AWS, ...principal.Service, ...principal.Federated, ...principal.CanonicalUser];
  if (principal.wildcard) parts.unshift('any principal (*)');
  return parts.join(', ');
}

/** Sending actions the statement grants (from the engine's analysis, or its literal Action list). */
function sendingActionsOf({ statement, grant }: AllowStatement): string[] {
  if (grant) return grant.allActions ? [...SENDING_ACTIONS] : grant.actions.filter((a) => SENDING.has(a.toLowerCase()));
  return SENDING_ACTIONS.filter((action) => (statement.action ?? []).some((pattern) => actionMatches(pattern, action)));
}

/** Non-sending actions a statement grants; actions of other services are listed as written. */
function nonSendingActionsOf(statement: Statement, grant: StatementGrant | undefined): string[] {
  const concrete = grant ? grant.actions : expandActionPatterns(statement.action ?? [], 'ses');
  const otherServices = (statement.action ?? []).filter((pattern) => pattern !== '*' && !/^ses:/i.test(pattern));
  return [...concrete.filter((action) => !SENDING.has(action.toLowerCase())), ...otherServices];
}

type IdentityRuleCheck = (state: IdentityPolicyState, policy: Policy, allows: AllowStatement[], trust: Trust, ctx: RuleContext) => RawFinding[];

function identityRule(id: RuleId, title: string, defaultSeverity: Severity, defaultAction: RuleAction, check: IdentityRuleCheck): Rule<IdentityPolicyState> {
  return {
    id,
    title,
    appliesTo: ['identity-policy'],
    defaultSeverity,
    defaultAction,
    evaluate(state: IdentityPolicyState, ctx: RuleContext): RawFinding[] {
      if (state.document === null) return [];
      const allows = allowStatements(state.document, state.policyName);
      return check(state, state.document, allows, trustOf(ctx), ctx);
    },
  };
}

const anyPrincipal = identityRule('SES-IDP-001', 'Identity policy allows any principal', 'critical', 'revert', (state, _policy, allows, trust) =>
  allows.flatMap(({ statement }) => {
    if (!statement.principal?.wildcard) return [];
    const pin = conditionsPinToTrusted(statement.conditions, trust, 'principal');
    if (pin.pinned) return [];
    return [dropStatement(state, statement, `${statementLabel(statement)} of policy "${state.policyName}" allows any principal ("*") to act on ${state.identity}, and ${pin.why}.`)];
  }),
);

const untrustedPrincipal = identityRule('SES-IDP-002', 'Identity policy allows a principal outside trusted accounts', 'high', 'revert', (state, _policy, allows, trust) =>
  allows.flatMap(({ statement }) => {
    const principal = statement.principal;
    if (!principal) return [];
    const outside = [
      ...principal.AWS.filter((p) => p !== '*').flatMap((p) => {
        const account = accountOfPrincipal(p);
        if (account === undefined) return [`${p} (not attributable to an account)`];
        if (trust.accounts.includes(account)) return [];
        return [p === account ? `account ${account}` : `${p} (account ${account})`];
      }),
      ...principal.Federated.map((p) => `federated ${p}`),
      ...principal.CanonicalUser.map((p) => `canonical user ${p}`),
    ];
    if (outside.length === 0) return [];
    const pin = conditionsPinToTrusted(statement.conditions, trust, 'principal');
    if (pin.pinned) return [];
    return [dropStatement(state, statement, `${statementLabel(statement)} of policy "${state.policyName}" allows ${outside.join(', ')} outside trusted accounts [${trust.accounts.join(', ')}] to act on ${state.identity}.`)];
  }),
);

const unpinnedService = identityRule('SES-IDP-003', 'Identity policy allows a service principal without a source pin', 'high', 'revert', (state, _policy, allows, trust) =>
  allows.flatMap(({ statement }) => {
    const services = statement.principal?.Service ?? [];
    if (services.length === 0) return [];
    const pin = conditionsPinToTrusted(statement.conditions, trust, 'service');
    if (pin.pinned) return [];
    // Without a source pin any customer of the service can make it act on this identity (confused deputy).
    return [dropStatement(state, statement, `${statementLabel(statement)} of policy "${state.policyName}" allows service ${services.join(', ')} to act on ${state.identity} for any account, because ${pin.why}.`)];
  }),
);

const nonSendingActions = identityRule('SES-IDP-004', 'Identity policy grants more than sending', 'high', 'revert', (state, _policy, allows) =>
  allows.flatMap(({ statement, grant }) => {
    const extra = grant?.allActions ? [] : nonSendingActionsOf(statement, grant);
    if (!grant?.allActions && extra.length === 0) return [];
    const what = grant?.allActions
      ? 'every SES action'
      : statement.notAction
        ? `every SES action except ${statement.notAction.join(', ')}`
        : extra.length > 6
          ? `${extra.slice(0, 6).join(', ')} and ${extra.length - 6} more actions`
          : extra.join(', ');
    const who = statement.principal ? describePrincipals(statement.principal) : statement.notPrincipal ? `everyone except ${describePrincipals(statement.notPrincipal)}` : 'its principal';
    return [dropStatement(state, statement, `${statementLabel(statement)} of policy "${state.policyName}" grants ${who} ${what} on ${state.identity}, beyond the sending actions a sending-authorization policy is for.`)];
  }),
);

/**
 * Delegated sending means another account, or principals the own account does not control, sending as the
 * identity. An AWS service pinned (aws:SourceAccount / aws:SourceArn) to the own account sends for the own
 * account — AWS documents exactly that for Amazon Cognito user pools — and `*` pinned to the own account is
 * the own account's principals: neither is delegation.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-ses-authorization-to-send-email.html
 */
function delegatesOf(statement: Statement, ctx: RuleContext): string[] {
  const own: Trust = { accounts: [ctx.accountId], orgIds: [] };
  const principal = statement.principal;
  if (!principal) return statement.notPrincipal ? [`everyone except ${describePrincipals(statement.notPrincipal)}`] : [];
  const services = principal.Service.length > 0 && !conditionsPinToTrusted(statement.conditions, own, 'service').pinned ? principal.Service : [];
  return [
    ...(principal.wildcard && !conditionsPinToTrusted(statement.conditions, own, 'principal').pinned ? ['any principal (*)'] : []),
    ...principal.AWS.filter((p) => p !== '*' && accountOfPrincipal(p) !== ctx.accountId),
    ...services,
    ...principal.Federated,
    ...principal.CanonicalUser,
  ];
}

const unrestrictedFrom = identityRule('SES-IDP-005', 'Delegated sending is not restricted by ses:FromAddress', 'medium', 'alert', (state, _policy, allows, _trust, ctx) =>
  allows.flatMap((allow) => {
    const { statement } = allow;
    const delegates = delegatesOf(statement, ctx);
    if (delegates.length === 0) return [];
    const sending = sendingActionsOf(allow);
    if (sending.length === 0) return [];
    const restricted = statement.conditions.some((clause) => clause.key.toLowerCase() === 'ses:fromaddress' && clauseRestricts(clause));
    if (restricted) return [];
    const who = delegates.join(', ');
    const label = statement.sid ? `statement ${statement.index} (Sid "${statement.sid}")` : `statement ${statement.index}`;
    return [
      {
        ...dropStatement(state, statement, `${statementLabel(statement)} of policy "${state.policyName}" lets ${who} send as ${state.identity} from any address, because no ses:FromAddress condition restricts the From address.`),
        // The statement carries the delegate's mail: the fix is to restrict it, not to remove it. A config
        // that sets this rule to revert/strip still removes the statement (by its index).
        fix: { kind: 'repair', what: `add a ses:FromAddress condition (StringEquals or StringLike on the addresses ${who} may send from) to ${label}` },
      },
    ];
  }),
);

const notPrincipal = identityRule('SES-IDP-006', 'Identity policy allows with NotPrincipal', 'critical', 'revert', (state, _policy, allows) =>
  allows.flatMap(({ statement }) => {
    if (!statement.notPrincipal) return [];
    return [dropStatement(state, statement, `${statementLabel(statement)} of policy "${state.policyName}" allows everyone except ${describePrincipals(statement.notPrincipal)} (Allow with NotPrincipal) to act on ${state.identity}.`)];
  }),
);

export const IDENTITY_POLICY_RULES: readonly Rule<IdentityPolicyState>[] = [anyPrincipal, untrustedPrincipal, unpinnedService, nonSendingActions, unrestrictedFrom, notPrincipal];
