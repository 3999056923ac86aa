import { isLiveAction } from './action-pattern.ts';
import { compileCondition, type ConditionPredicate } from './conditions.ts';
import { accountOfPrincipal } from './arn.ts';
import { callerOf, matchesPrincipalSet, type Caller } from './principal.ts';
import { cachedRegex, parseResourceTemplate, renderRegexSource, type ContextLookup } from './variables.ts';
import { compileArnPattern, compileGlob, expandShortArn, splitArn, type Matcher } from './wildcard.ts';
import type {
  ConditionClause,
  ContextValue,
  EvaluationRequest,
  EvaluationResult,
  LabelledPolicy,
  Policy,
  PolicySet,
  PrincipalSet,
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
  action(lowerAction: string): boolean;
  resource(resource: string, lookup: ContextLookup): boolean;
  /** One predicate per `statement.conditions` clause, same order. */
  readonly conditions: readonly ConditionPredicate[];
  /** For resource policies: the statement reaches the caller only through an account principal (see evaluate). */
  delegatesOnly(principal: string | undefined | Caller): boolean;
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
}

const compiled = new WeakMap<Policy, CompiledPolicy>();

/**
 * Compiles a parsed policy once; later evaluations against the same object reuse it. Compilation is
 * lazy per statement part (a handler usually evaluates a fresh document once, and most statements are
 * ruled out by their Action alone), and the compiled matchers are shared between documents that spell
 * the same Action list, Resource list or condition clause.
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let c = compiled.get(policy);
  if (!c) {
    const variables = policy.version === '2012-10-17';
    const statements: CompiledStatement[] = new Array(policy.statements.length);
    for (let i = 0; i < statements.length; i++) statements[i] = new LazyStatement(policy.statements[i]!, variables);
    c = { statements };
    compiled.set(policy, c);
  }
  return c;
}

const ALWAYS: ResourceTest = () => true;

class LazyStatement implements CompiledStatement {
  readonly ref: Omit<StatementRef, 'policy'>;
  private actionTest: ((lowerAction: string) => boolean) | undefined;
  private resourceTest: ResourceTest | undefined;
  private conditionTests: ConditionPredicate[] | undefined;

  constructor(readonly statement: Statement, private readonly variables: boolean) {
    this.ref = statement.sid !== undefined
      ? { index: statement.index, sid: statement.sid, effect: statement.effect }
      : { index: statement.index, effect: statement.effect };
  }

  action(lowerAction: string): boolean {
    let test = this.actionTest;
    if (!test) {
      const s = this.statement;
      const list = compileActions(s.action ?? s.notAction ?? []);
      test = s.notAction ? (a: string) => !list(a) : list;
      this.actionTest = test;
    }
    return test(lowerAction);
  }

  resource(resource: string, lookup: ContextLookup): boolean {
    let test = this.resourceTest;
    if (!test) {
      const s = this.statement;
      if (s.resource) test = compileResources(s.resource, this.variables);
      else if (s.notResource) {
        const inner = compileResources(s.notResource, this.variables);
        test = (r, l) => !inner(r, l);
      } else test = ALWAYS; // trust policies: the resource is the one the policy is attached to
      this.resourceTest = test;
    }
    return test(resource, lookup);
  }

  get conditions(): readonly ConditionPredicate[] {
    let tests = this.conditionTests;
    if (!tests) {
      const clauses = this.statement.conditions;
      tests = new Array<ConditionPredicate>(clauses.length);
      for (let i = 0; i < clauses.length; i++) tests[i] = compileConditionShared(clauses[i]!, this.variables);
      this.conditionTests = tests;
    }
    return tests;
  }

  applies(lowerAction: string, resource: string, lookup: ContextLookup): boolean {
    if (!this.action(lowerAction)) return false;
    if (!this.resource(resource, lookup)) return false;
    const conditions = this.statement.conditions.length === 0 ? EMPTY : this.conditions;
    for (let i = 0; i < conditions.length; i++) if (!conditions[i]!(lookup)) return false;
    return true;
  }

  private direct: PrincipalSet | null | undefined;
  /** refOf's last reference to this statement (a policy is nearly always evaluated under one label). */
  labelledRef: StatementRef | undefined;

  /** True when the statement reaches the caller only because it names the caller's whole account. */
  delegatesOnly(principal: string | undefined | Caller): boolean {
    const set = this.statement.principal;
    if (!set || set.wildcard || !principal) return false;
    if (this.direct === undefined) {
      // The same Principal without its account principals (`111122223333`, `arn:...:root`), built once.
      const AWS = set.AWS.filter((p) => !isAccountPrincipal(p));
      this.direct = AWS.length === set.AWS.length ? null : { ...set, AWS };
    }
    // No account principal at all: whatever matched, matched directly.
    return this.direct !== null && !matchesPrincipalSet(this.direct, principal);
  }
}

const EMPTY: readonly ConditionPredicate[] = [];

/** Shared compiled matchers, keyed by what they were compiled from (bounded like the glob caches). */
const SHARED_LIMIT = 20_000;
const actionListCache = new Map<string, (lowerAction: string) => boolean>();
const resourceListCache = new Map<string, ResourceTest>();
const conditionCache = new Map<string, ConditionPredicate>();

function remember<T>(cache: Map<string, T>, key: string, build: () => T): T {
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = build();
    if (cache.size >= SHARED_LIMIT) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

function listKey(patterns: readonly string[]): string {
  return patterns.length === 1 ? patterns[0]! : patterns.join('\u0000');
}

function compileConditionShared(clause: ConditionClause, variables: boolean): ConditionPredicate {
  const key = `${variables ? 'v' : 'n'}\u0000${clause.operator}\u0000${clause.key}\u0000${listKey(clause.values)}`;
  return remember(conditionCache, key, () => compileCondition(clause, variables));
}

/**
 * Action names compare case-insensitively; callers pass the action already lower-cased. Inert entries
 * (stray whitespace, nothing after the colon) match no action: action-pattern.ts.
 */
function compileActions(patterns: readonly string[]): (lowerAction: string) => boolean {
  return remember(actionListCache, listKey(patterns), () => buildActions(patterns));
}

function buildActions(patterns: readonly string[]): (lowerAction: string) => boolean {
  const exact = new Set<string>();
  const globs: Matcher[] = [];
  for (const p of patterns) {
    if (!isLiveAction(p)) continue;
    if (p.includes('*') || p.includes('?')) globs.push(compileGlob(p.toLowerCase(), false));
    else exact.add(p.toLowerCase());
  }
  if (globs.length === 0) {
    if (exact.size === 1) {
      const only = exact.values().next().value!;
      return (a) => a === only;
    }
    return (a) => exact.has(a);
  }
  if (exact.size === 0 && globs.length === 1) return globs[0]!;
  return (a) => {
    if (exact.has(a)) return true;
    for (const g of globs) if (g(a)) return true;
    return false;
  };
}

function compileResources(patterns: readonly string[], variables: boolean): ResourceTest {
  return remember(resourceListCache, `${variables ? 'v' : 'n'}\u0000${listKey(patterns)}`, () => buildResources(patterns, variables));
}

function buildResources(patterns: readonly string[], variables: boolean): ResourceTest {
  const tests: ResourceTest[] = patterns.map((written) => {
    const p = expandShortArn(written);
    const template = parseResourceTemplate(p, variables);
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

/**
 * Condition keys compare case-insensitively. The lower-cased key index is built on the first lookup,
 * not up front: a request that no condition reads (no statement matched, or none has conditions) pays
 * nothing for it. Values are normalised (numbers and booleans to strings) as they are read.
 */
export function contextLookup(context: Readonly<Record<string, ContextValue>>): ContextLookup {
  let index: Map<string, string> | undefined;
  return (key) => {
    if (!index) {
      index = new Map();
      for (const k in context) if (Object.hasOwn(context, k)) index.set(k.toLowerCase(), k);
    }
    const original = index.get(key);
    return original === undefined ? undefined : normaliseValue(context[original]!);
  };
}

function normaliseValue(v: ContextValue): string | readonly string[] {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x !== 'string') return v.map((y) => String(y));
    return v as readonly string[];
  }
  return String(v);
}

interface Matches {
  allows: StatementRef[] | undefined;
  denies: StatementRef[] | undefined;
  /** Resource-policy allows that reach the caller only through an account principal. */
  delegating: StatementRef[] | undefined;
}

/**
 * The matched statement's reference, built once per statement and label and shared by every result that
 * names it (frozen, so no caller can change another's): a resource policy of thousands of matching
 * statements otherwise allocated thousands of objects per request.
 */
function refOf(label: string, s: LazyStatement): StatementRef {
  const cached = s.labelledRef;
  if (cached !== undefined && cached.policy === label) return cached;
  const r = s.ref;
  const ref: StatementRef = Object.freeze(r.sid !== undefined ? { policy: label, index: r.index, sid: r.sid, effect: r.effect } : { policy: label, index: r.index, effect: r.effect });
  s.labelledRef = ref;
  return ref;
}

function collectIdentity(labelled: LabelledPolicy, resource: string, lowerAction: string, lookup: ContextLookup, out: Matches): void {
  const statements = compilePolicy(labelled.policy).statements as LazyStatement[];
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (!s.applies(lowerAction, resource, lookup)) continue;
    if (s.ref.effect === 'Deny') (out.denies ??= []).push(refOf(labelled.label, s));
    else (out.allows ??= []).push(refOf(labelled.label, s));
  }
}

/** One pass over the resource policy: principal, match, and (for allows) whether it only delegates. */
function collectResource(labelled: LabelledPolicy, request: EvaluationRequest, lowerAction: string, lookup: ContextLookup, out: Matches): void {
  const statements = compilePolicy(labelled.policy).statements as LazyStatement[];
  const caller = request.principal === undefined ? undefined : callerOf(request.principal);
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (!principalApplies(s.statement, caller)) continue;
    if (!s.applies(lowerAction, request.resource, lookup)) continue;
    if (s.ref.effect === 'Deny') (out.denies ??= []).push(refOf(labelled.label, s));
    else if (s.delegatesOnly(caller)) (out.delegating ??= []).push(refOf(labelled.label, s));
    else (out.allows ??= []).push(refOf(labelled.label, s));
  }
}

export function evaluate(request: EvaluationRequest, policies: PolicySet): EvaluationResult {
  const lookup = contextLookup(request.context);
  const lowerAction = request.action.toLowerCase();
  const identity: Matches = { allows: undefined, denies: undefined, delegating: undefined };
  const ids = policies.identityPolicies;
  for (let i = 0; i < ids.length; i++) collectIdentity(ids[i]!, request.resource, lowerAction, lookup, identity);

  const resource: Matches = { allows: undefined, denies: undefined, delegating: undefined };
  if (policies.resourcePolicy) collectResource(policies.resourcePolicy, request, lowerAction, lookup, resource);

  if (identity.denies || resource.denies) {
    return { decision: 'ExplicitDeny', statements: concat(identity.denies, resource.denies) };
  }
  if (!identity.allows && !resource.allows && !resource.delegating) return { decision: 'ImplicitDeny', statements: [] };

  const principalAccount = request.principal ? accountOfPrincipal(request.principal) : undefined;
  const resourceAccount = principalAccount === undefined ? undefined : splitArn(request.resource)?.[4] || undefined;
  const crossAccount = principalAccount !== undefined && resourceAccount !== undefined && principalAccount !== resourceAccount;

  if (crossAccount) {
    // Cross-account: the resource policy must let the caller's account in AND its own IAM must allow.
    if ((resource.allows || resource.delegating) && identity.allows) {
      return { decision: 'Allow', statements: concat(identity.allows, concat(resource.allows, resource.delegating)) };
    }
    return { decision: 'ImplicitDeny', statements: [] };
  }
  if (identity.allows || resource.allows) {
    const allows = concat(identity.allows, resource.allows);
    return { decision: 'Allow', statements: identity.allows ? concat(allows, resource.delegating) : allows };
  }
  return { decision: 'ImplicitDeny', statements: [] };
}

function concat(a: StatementRef[] | undefined, b: StatementRef[] | undefined): StatementRef[] {
  if (!a) return b ?? [];
  if (!b) return a;
  return a.concat(b);
}

export function principalApplies(s: Statement, principal: string | undefined | Caller): boolean {
  if (s.principal) return matchesPrincipalSet(s.principal, principal);
  if (s.notPrincipal) return !matchesPrincipalSet(s.notPrincipal, principal);
  return false; // a resource-policy statement without Principal reaches nobody
}

function isAccountPrincipal(p: string): boolean {
  return /^\d{12}$/.test(p) || /^arn:[^:]+:iam::\d{12}:root$/.test(p);
}
