import { accountOfPrincipal, actionMatches, conditionsPinToTrusted } from '../../policy/index.ts';
import type { Statement as PolicyStatement } from '../../policy/types.ts';
import type { RawFinding, Rule, RuleContext } from '../../rules/types.ts';
import { trustOf } from '../../rules/trust.ts';
import { IAM_GRANT_RULES } from './rules.ts';
import type { IamGrantState, IamPrincipalState, RoleTrust } from './types.ts';

/** The one repair IAM-SES-003 makes (trust-plan.ts). */
export const REVERT_TRUST_POLICY = 'revert-trust-policy';

/** The calls that turn a trust policy into sessions of the role. */
const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];

/**
 * What the role can do to the perimeter, as IAM-SES-001 judges any principal: the same rule, asked for
 * every policy the role holds, with nobody counted as an administrator (who may assume the role is the
 * question here, not who the role is).
 */
function perimeterHoldings(role: IamPrincipalState, ctx: RuleContext): string[] {
  const rule = IAM_GRANT_RULES.find((r) => r.id === 'IAM-SES-001');
  if (!rule) throw new Error('IAM-SES-001 is not among the iam-grant rules');
  const asked: RuleContext = { ...ctx, config: { ...ctx.config, adminPrincipals: [] }, ownRoleArns: [] };
  return role.policies.flatMap((policy) =>
    rule.evaluate({ kind: 'iam-grant', changedPolicy: policy, principals: [role] }, asked).length > 0 ? [policy.source] : [],
  );
}

/** Who outside the perimeter a trust statement lets in, or nothing when it lets in only the trusted. */
function untrustedAssumers(statement: PolicyStatement, ctx: RuleContext): string[] {
  const principal = statement.principal;
  if (statement.effect !== 'Allow' || !principal) return [];
  const actions = statement.action ?? [];
  const assumes = statement.notAction ? ASSUME_ACTIONS.some((a) => !statement.notAction!.some((p) => actionMatches(p, a))) : ASSUME_ACTIONS.some((a) => actions.some((p) => actionMatches(p, a)));
  if (!assumes) return [];
  const trust = trustOf(ctx);
  if (conditionsPinToTrusted(statement.conditions, trust, 'principal').pinned) return [];
  const outside: string[] = [];
  if (principal.wildcard || principal.AWS.includes('*')) outside.push('any AWS principal ("*")');
  for (const p of principal.AWS.filter((x) => x !== '*')) {
    const account = accountOfPrincipal(p);
    if (account === undefined || !trust.accounts.includes(account)) outside.push(`${p} (account ${account ?? 'unknown'}, not trusted)`);
  }
  // A web-identity provider admits anyone holding one of its tokens unless the token's subject is pinned
  // (a GitHub OIDC trust without a `:sub` condition lets every repository on GitHub in).
  for (const f of principal.Federated) {
    const host = /:oidc-provider\/(.+)$/.exec(f)?.[1] ?? (f === 'cognito-identity.amazonaws.com' ? f : undefined);
    if (host === undefined) continue;
    const subjectKey = f === 'cognito-identity.amazonaws.com' ? `${host}:aud` : `${host}:sub`;
    const pinned = statement.conditions.some((c) => c.key.toLowerCase() === subjectKey.toLowerCase() && !/Not/.test(c.operator) && c.values.length > 0 && c.values.every((v) => !/^[*?]+$/.test(v)));
    if (!pinned) outside.push(`anyone with a token from ${f} (no ${subjectKey} condition)`);
  }
  return outside;
}

/**
 * The roles whose trust policy is judged: the role of a trust change, or, on a policy event, every role
 * the change reached (read with its trust policy), so a role first made assumable from outside while it
 * held nothing and then given perimeter actions is caught on the second event.
 */
function judgedTrusts(state: IamGrantState): Array<{ trust: RoleTrust; role: IamPrincipalState }> {
  const role = state.principals[0];
  if (state.trust) return state.trust.document && role ? [{ trust: state.trust, role }] : [];
  return state.principals.flatMap((p) => (p.principal.type === 'role' && p.trust?.document ? [{ trust: p.trust, role: p }] : []));
}

function evaluateTrust(state: IamGrantState, ctx: RuleContext): RawFinding[] {
  return judgedTrusts(state).flatMap(({ trust, role }) => {
    const holdings = perimeterHoldings(role, ctx);
    if (holdings.length === 0) return [];
    return (trust.document?.statements ?? []).flatMap((statement) => {
      const outside = untrustedAssumers(statement, ctx);
      if (outside.length === 0) return [];
      const label = statement.sid ? `statement ${statement.index} (Sid "${statement.sid}")` : `statement ${statement.index}`;
      return [
        {
          resource: trust.roleArn,
          statement: { index: statement.index, ...(statement.sid !== undefined && { sid: statement.sid }) },
          reason: `${trust.roleArn} holds SES perimeter actions (through ${holdings.join(', ')}) and ${label} of its trust policy lets ${outside.join('; ')} assume it, with no condition pinning the caller to a trusted account or organization: they get the role's perimeter actions without any SES or IAM-policy change.`,
          fix: { kind: 'repair', what: REVERT_TRUST_POLICY },
        } satisfies RawFinding,
      ];
    });
  });
}

export const IAM_TRUST_RULES: readonly Rule<IamGrantState>[] = [
  {
    id: 'IAM-SES-003',
    title: 'Role holding SES perimeter actions assumable from outside the perimeter',
    appliesTo: ['iam-grant'],
    defaultSeverity: 'critical',
    defaultAction: 'revert',
    evaluate: evaluateTrust,
  },
];
