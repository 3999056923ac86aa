import { isLiveAction } from './action-pattern.ts';
import { compileCondition, type ConditionPredicate } from './conditions.ts';
import { accountOfPrincipal } from './arn.ts';
import { matchesPrincipalSet } from './principal.ts';
import { cachedRegex, parseTemplate, renderRegexSource, type ContextLookup } from './variables.ts';
import { compileArnPattern, compileGlob, expandShortArn, splitArn, type Matcher } from './wildcard.ts';
import type {
  ContextValue,
  EvaluationRequest,
  EvaluationResult,
  LabelledPolicy,
  Policy,
  PolicySet,
  Statement,
  StatementRef,
} from './types.ts';

/**
 * IAM's decision for one request: an explicit Deny in any policy wins, otherwise any Allow, otherwise
 * the implicit deny. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Resource policy: for a same-account request its Allow counts alongside the identity policies', except
 * that a statement naming only the account (`111122223333` / `:root`) delegates to IAM and grants
 * nothing by itself. For a cross-account request (the principal's account differs from the account in
 * the resource ARN) both sides must allow: without a resource policy that lets the caller in, the
 * caller's own identity policies cannot reach another account's resource.
 */

type ResourceTest = (resource: string, lookup: ContextLookup) => boolean;

export interface CompiledStatement {
  statement: Statement;
  ref: Omit<StatementRef, 'policy'>;
  action: (lowerAction: string) => boolean;
  resource: ResourceTest;
  /** One predicate per `statement.conditions` clause, same order. */
  conditions: ConditionPredicate[];
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
}

const compiled = new WeakMap<Policy, CompiledPolicy>();

/** Compiles a parsed policy once; later evaluations against the same object reuse it. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let c = compiled.get(policy);
  if (!c) {
    const variables = policy.version === '2012-10-17';
    c = { statements: policy.statements.map((s) => compileStatement(s, variables)) };
    compiled.set(policy, c);
  }
  return c;
}

function compileStatement(statement: Statement, variables: boolean): CompiledStatement {
  const actionList = compileActions(statement.action ?? statement.notAction ?? []);
  const action = statement.notAction ? (a: string) => !actionList(a) : actionList;
  let resource: ResourceTest;
  if (statement.resource) resource = compileResources(statement.resource, variables);
  else if (statement.notResource) {
    const inner = compileResources(statement.notResource, variables);
    resource = (r, lookup) => !inner(r, lookup);
  } else resource = () => true; // trust policies: the resource is the one the policy is attached to
  return {
    statement,
    ref: { index: statement.index, ...(statement.sid !== undefined ? { sid: statement.sid } : {}), effect: statement.effect },
    action,
    resource,
    conditions: statement.conditions.map((c) => compileCondition(c, variables)),
  };
}

/**
 * Action names compare case-insensitively; callers pass the action already lower-cased. Inert entries
 * (stray whitespace, nothing after the colon) match no action: action-pattern.ts.
 */
function compileActions(patterns: readonly string[]): (lowerAction: string) => boolean {
  const exact = new Set<string>();
  const globs: Matcher[] = [];
  for (const p of patterns) {
    if (!isLiveAction(p)) continue;
    if (p.includes('*') || p.includes('?')) globs.push(compileGlob(p.toLowerCase(), false));
    else exact.add(p.toLowerCase());
  }
  if (globs.length === 0) return (a) => exact.has(a);
  return (a) => {
    if (exact.has(a)) return true;
    for (const g of globs) if (g(a)) return true;
    return false;
  };
}

function compileResources(patterns: readonly string[], variables: boolean): ResourceTest {
  const tests: ResourceTest[] = patterns.map((written) => {
    const p = expandShortArn(written);
    const template = parseTemplate(p, variables);
    if (!template.needsRendering) {
      const m = compileArnPattern(p);
      return (r) => m(r);
    }
    return (r, lookup) => {
      const source = renderRegexSource(template, lookup, splitArn(p) !== null);
      return source !== null && cachedRegex(source, false).test(r);
    };
  });
  if (tests.length === 1) return tests[0]!;
  return (r, lookup) => {
    for (const t of tests) if (t(r, lookup)) return true;
    return false;
  };
}

/** Lower-cases context keys and stringifies values, once per request. */
export function contextLookup(context: Readonly<Record<string, ContextValue>>): ContextLookup {
  const map = new Map<string, string | readonly string[]>();
  for (const k in context) {
    if (!Object.hasOwn(context, k)) continue;
    const v = context[k]!;
    let value: string | readonly string[];
    if (typeof v === 'string') value = v;
    else if (Array.isArray(v)) value = v.every((x) => typeof x === 'string') ? (v as readonly string[]) : v.map((x) => String(x));
    else value = String(v);
    map.set(k.toLowerCase(), value);
  }
  return (key) => map.get(key);
}

function statementApplies(s: CompiledStatement, lowerAction: string, request: EvaluationRequest, lookup: ContextLookup): boolean {
  if (!s.action(lowerAction)) return false;
  if (!s.resource(request.resource, lookup)) return false;
  for (const c of s.conditions) if (!c(lookup)) return false;
  return true;
}

interface Matches {
  allows: StatementRef[];
  denies: StatementRef[];
}

function collect(
  labelled: LabelledPolicy,
  request: EvaluationRequest,
  lowerAction: string,
  lookup: ContextLookup,
  out: Matches,
  principalFilter?: (s: Statement) => boolean,
): void {
  for (const s of compilePolicy(labelled.policy).statements) {
    if (principalFilter && !principalFilter(s.statement)) continue;
    if (!statementApplies(s, lowerAction, request, lookup)) continue;
    (s.ref.effect === 'Deny' ? out.denies : out.allows).push({ policy: labelled.label, ...s.ref });
  }
}

export function evaluate(request: EvaluationRequest, policies: PolicySet): EvaluationResult {
  const lookup = contextLookup(request.context);
  const lowerAction = request.action.toLowerCase();
  const identity: Matches = { allows: [], denies: [] };
  for (const p of policies.identityPolicies) collect(p, request, lowerAction, lookup, identity);

  const resource: Matches = { allows: [], denies: [] };
  const delegating: StatementRef[] = [];
  if (policies.resourcePolicy) {
    const rp = policies.resourcePolicy;
    collect(rp, request, lowerAction, lookup, resource, (s) => principalApplies(s, request.principal));
    // Split allows that reach the caller only through an account principal: they delegate to IAM.
    resource.allows = resource.allows.filter((ref) => {
      const st = rp.policy.statements.find((s) => s.index === ref.index);
      if (st && grantsOnlyThroughAccount(st, request.principal)) {
        delegating.push(ref);
        return false;
      }
      return true;
    });
  }

  const denies = [...identity.denies, ...resource.denies];
  if (denies.length > 0) return { decision: 'ExplicitDeny', statements: denies };

  const principalAccount = request.principal ? accountOfPrincipal(request.principal) : undefined;
  const resourceAccount = splitArn(request.resource)?.[4] || undefined;
  const crossAccount = principalAccount !== undefined && resourceAccount !== undefined && principalAccount !== resourceAccount;

  if (crossAccount) {
    // Cross-account: the resource policy must let the caller's account in AND its own IAM must allow.
    const resourceSide = [...resource.allows, ...delegating];
    if (resourceSide.length > 0 && identity.allows.length > 0) {
      return { decision: 'Allow', statements: [...identity.allows, ...resourceSide] };
    }
    return { decision: 'ImplicitDeny', statements: [] };
  }
  const allows = [...identity.allows, ...resource.allows];
  if (allows.length > 0) {
    return { decision: 'Allow', statements: identity.allows.length > 0 ? [...allows, ...delegating] : allows };
  }
  return { decision: 'ImplicitDeny', statements: [] };
}

export function principalApplies(s: Statement, principal: string | undefined): boolean {
  if (s.principal) return matchesPrincipalSet(s.principal, principal);
  if (s.notPrincipal) return !matchesPrincipalSet(s.notPrincipal, principal);
  return false; // a resource-policy statement without Principal reaches nobody
}

/** True when the statement reaches the caller only because it names the caller's whole account. */
function grantsOnlyThroughAccount(s: Statement, principal: string | undefined): boolean {
  if (!s.principal || s.principal.wildcard || !principal) return false;
  const direct = { ...s.principal, AWS: s.principal.AWS.filter((p) => !isAccountPrincipal(p)) };
  return !matchesPrincipalSet(direct, principal);
}

function isAccountPrincipal(p: string): boolean {
  return /^\d{12}$/.test(p) || /^arn:[^:]+:iam::\d{12}:root$/.test(p);
}
