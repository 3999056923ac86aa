import { actionCarriesKey, actionDetails, conditionKeyInfo } from './action-catalog.ts';
import { accountOfPrincipal } from './arn.ts';
import { compileCondition, parseDate, parseNumber } from './conditions.ts';
import { compilePolicy, evaluate, type CompiledStatement } from './evaluate.ts';
import { parseOperator } from './operators.ts';
import { findString, literal, matchesPattern, resourcePattern, type Pattern, type SearchProblem, type Token, type UnknownVariables, type VariableValue } from './pattern-search.ts';
import { neverTrue } from './satisfiability.ts';
import { parseResourceTemplate, parseTemplate, renderText, type ContextLookup } from './variables.ts';
import type { ConditionClause, LabelledPolicy, Statement, StatementRef } from './types.ts';

/**
 * Reachability: "given these identity policies, this principal and this action, is there SOME request
 * in the resource space — any region, any resource of the action's types in the trusted accounts, any
 * request context — that IAM allows?" Used by IAM-SES-001: a grant counts wherever its Resource can
 * reach, not only on one probed ARN.
 *
 * Conservative in the direction a guard needs (a wrong "unreachable" is a hole):
 * - Resources and regions are unknowns. The decision is an exact search over strings (pattern-search.ts)
 *   against every Resource/NotResource pattern of the set, so a Deny on one region cannot hide an Allow
 *   in another, and NotResource is handled as the complement it is.
 * - An Allow counts when its conditions can hold for some request: it is dropped only when
 *   satisfiability.ts proves its conditions never true, or a condition on a key the principal itself
 *   determines (aws:username, aws:PrincipalAccount, ...) is false.
 * - A Deny removes only what it denies unconditionally (no conditions, or conditions on principal-
 *   determined keys that hold).
 * - An unknown policy variable may take any value in an Allow's Resource (and in a Deny's NotResource)
 *   and may fail to match in a Deny's Resource (and in an Allow's NotResource).
 * The answer comes with a witness: a concrete request (region, resource, context) and the statements
 * that allow it. `certain` says the evaluator allows exactly that request; otherwise the grant rests
 * on the `assumptions` listed (e.g. a conditional Deny that some request may escape), which a finding
 * should word as "may".
 *
 * Identity policies only. A request into another account of the space would also need that resource's
 * own policy to allow it (an SES identity policy; the SES-IDP rules judge those), so such a grant is
 * reported as reachable on that assumption, never as certain.
 */

export interface ReachInput {
  /** The principal's identity policies (a resource policy in the set is not consulted; see above). */
  policies: { identityPolicies: readonly LabelledPolicy[] };
  principal: {
    arn: string;
    /**
     * Context keys the principal itself determines, e.g. `{ 'aws:username': 'alice' }`. aws:PrincipalArn,
     * aws:PrincipalAccount, aws:PrincipalType and (for IAM users) aws:username are derived from the ARN
     * unless given here.
     */
    variables?: Readonly<Record<string, string>>;
  };
  action: string;
  space: {
    service: string;
    accounts: readonly string[];
    partition: string;
    /**
     * Resource types to search (`'*'` for a request on `*`). Default: the catalogue's types for the
     * action; when the catalogue lists none (it can only be granted on `Resource: "*"`), `'*'` and then,
     * conservatively, the SES perimeter types.
     */
    resourceTypes?: readonly string[];
  };
}

export interface ReachableGrant {
  reachable: true;
  /** The witness request's region (an AWS region when one is allowed, otherwise a region no pattern names). */
  region: string;
  /** The witness request's resource: an ARN, or `*` for an action granted only on `*`. */
  resource: string;
  resourceType: string;
  /** `catalogue`: the action is authorized against this type; `perimeter`: searched conservatively beyond it. */
  typeSource: 'catalogue' | 'perimeter';
  /** How the granting statement names what it covers, e.g. `Resource "arn:aws:ses:*:*:identity/*"`. */
  resourcePattern: string;
  statements: StatementRef[];
  /** The witness request's context (the principal's own keys, the region, and any key a condition needs). */
  context: Record<string, string | string[]>;
  /** The evaluator allows exactly this request. When false the grant rests on `assumptions`. */
  certain: boolean;
  assumptions: string[];
}

export type ReachResult = ReachableGrant | { reachable: false; why: string };

/** SES resource types a perimeter action acts on (DESIGN.md §3, IAM-SES-001). */
export const PERIMETER_RESOURCE_TYPES: readonly string[] = ['identity', 'configuration-set', 'custom-verification-email-template'];

/** Regions tried first for a readable witness; the search itself ranges over every region string. */
const PREFERRED_REGIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2',
    'eu-north-1', 'eu-south-1', 'eu-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-northeast-1',
    'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ca-central-1', 'sa-east-1', 'me-south-1',
    'me-central-1', 'af-south-1', 'il-central-1',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
};

/** Limits that keep one call bounded; exceeding them makes the answer "reachable, uncertain". */
const MAX_WITNESS_SEARCHES = 60;
const MAX_CONTEXTS = 4000;

interface Candidate {
  label: string;
  compiled: CompiledStatement;
  statement: Statement;
  variablesEnabled: boolean;
}

interface Constraints {
  required: Pattern[][];
  forbidden: Pattern[];
}

interface SpaceCell {
  account: string;
  type: string;
  typeSource: 'catalogue' | 'perimeter';
  /** Region-free resource pattern of the cell, or null for the `*` request. */
  arnFormat: string | null;
}

export function findReachableGrant(input: ReachInput): ReachResult {
  const { action, space } = input;
  const lowerAction = action.toLowerCase();
  const fixed = principalVariables(input.principal);
  const fixedLookup: VariableValue = (k) => fixed.get(k);

  // The principal's own account first: a request there needs only these policies. A request into another
  // account of the space also needs that resource's own policy (an SES identity policy, judged by the
  // SES-IDP rules) to let the principal in: still counted, but never as certain.
  const principalAccount = accountOfPrincipal(input.principal.arn);
  const accounts = [...space.accounts].sort((a, b) => Number(b === principalAccount) - Number(a === principalAccount));
  const cells = spaceCells(action, space, accounts);
  if (cells.length === 0) return { reachable: false, why: `the catalogue knows no resource type for ${action} in ${space.service}` };

  // The statements that name the action, with the evaluator's own action matching.
  const allows: Candidate[] = [];
  const denies: Candidate[] = [];
  const dropped: string[] = [];
  for (const labelled of input.policies.identityPolicies) {
    const variablesEnabled = labelled.policy.version === '2012-10-17';
    for (const compiled of compilePolicy(labelled.policy).statements) {
      if (!compiled.action(lowerAction)) continue;
      const candidate = { label: labelled.label, compiled, statement: compiled.statement, variablesEnabled };
      if (compiled.statement.effect === 'Deny') {
        denies.push(candidate);
        continue;
      }
      const never = neverTrue(compiled.statement.conditions, variablesEnabled);
      if (never) {
        dropped.push(`${describeRef(candidate)}: ${never.reason}`);
        continue;
      }
      const falseForPrincipal = compiled.statement.conditions.find((c) => knownValue(c, fixedLookup, variablesEnabled) === false);
      if (falseForPrincipal) {
        dropped.push(`${describeRef(candidate)}: ${falseForPrincipal.operator} on ${falseForPrincipal.key} is false for this principal`);
        continue;
      }
      allows.push(candidate);
    }
  }
  if (allows.length === 0) {
    return { reachable: false, why: dropped.length > 0 ? `no Allow for ${action} can apply (${dropped.join('; ')})` : `no Allow statement names ${action}` };
  }

  const certainDenies = denies.filter((d) => d.statement.conditions.every((c) => knownValue(c, fixedLookup, d.variablesEnabled) === true));
  const conditionalDenies = denies.filter((d) => !certainDenies.includes(d));
  const certainConstraints = mergeConstraints(certainDenies.map((d) => denyConstraints(d, fixedLookup)));
  const allConstraints = mergeConstraints(denies.map((d) => denyConstraints(d, fixedLookup)));

  // 1. The decision: some Allow, some cell, any region, escaping every certain Deny.
  const reachable: Array<{ allow: Candidate; cell: SpaceCell; witness: string; budgetExceeded: boolean }> = [];
  for (const allow of allows) {
    const own = allowConstraints(allow, fixedLookup);
    for (const cell of cells) {
      const found = search(cell, null, space.partition, own, certainConstraints);
      if (found.found || found.budgetExceeded) {
        reachable.push({ allow, cell, witness: found.found ? found.witness : cellExample(cell, space.partition, 'us-east-1'), budgetExceeded: !found.found });
        break;
      }
    }
  }
  if (reachable.length === 0) {
    const denied = certainDenies.map(describeRef);
    return {
      reachable: false,
      why: `every request the Allow statements (${allows.map(describeRef).join(', ')}) cover in ${cells.map((c) => c.type).join(', ')} resources of ${accounts.join(', ')} is either outside their Resource or denied unconditionally${denied.length > 0 ? ` by ${denied.join(', ')}` : ''}`,
    };
  }

  // 2. A witness the evaluator allows as is: first avoiding every Deny's resources, then escaping the
  //    conditional ones through the request context; preferring real regions.
  let searches = 0;
  for (const constraints of [allConstraints, certainConstraints]) {
    for (const { allow, cell: _cell } of reachable) {
      const own = allowConstraints(allow, fixedLookup);
      for (const cell of cells) {
        if (searches++ > MAX_WITNESS_SEARCHES) break;
        const free = search(cell, null, space.partition, own, constraints);
        if (!free.found) continue;
        // Regions a condition names come first (aws:RequestedRegion decides conditional Denies), then AWS
        // regions in order until one has a resource the patterns allow, then the region-free witness.
        const named = regionsNamedInConditions([allow, ...denies]);
        let contextTries = 0;
        for (const region of cell.arnFormat === null ? [...named, preferredRegions(space.partition)[0]!] : [...named, ...preferredRegions(space.partition), null]) {
          const found = region === null ? free : search(cell, region, space.partition, own, constraints);
          if (!found.found) continue;
          const grant = concreteGrant(input, allow, cell, found.witness, region ?? regionOf(found.witness), fixed, denies);
          if (grant) return grant;
          // The context, not the region, failed: a few more regions (named ones first) and no more.
          if (++contextTries >= named.length + 2) break;
        }
      }
    }
  }

  // 3. No concrete witness: reachable on the stated assumptions.
  const first = reachable[0]!;
  const assumptions: string[] = [];
  if (principalAccount !== undefined && first.cell.account !== principalAccount) {
    assumptions.push(`the request goes into account ${first.cell.account}, so the resource's own policy there must let ${input.principal.arn} in as well`);
  }
  if (first.budgetExceeded) assumptions.push('the patterns were too many to search exhaustively');
  if (first.allow.statement.conditions.length > 0) {
    const uncarried = [...new Set(first.allow.statement.conditions.filter((c) => requiresKey(c) && !actionCarriesKey(action, c.key)).map((c) => c.key))];
    assumptions.push(
      uncarried.length > 0
        ? `${describeRef(first.allow)} requires ${uncarried.join(', ')}, which the action catalogue says ${action} requests never carry; counted in case the catalogue is incomplete`
        : `some request satisfies the conditions of ${describeRef(first.allow)}`,
    );
  }
  const escaping = conditionalDenies.filter((d) => d.statement.conditions.length > 0);
  if (escaping.length > 0) assumptions.push(`some request escapes the conditional Deny ${escaping.map(describeRef).join(', ')}`);
  if (hasUnknownVariable(first.allow, fixedLookup) || denies.some((d) => hasUnknownVariable(d, fixedLookup))) {
    assumptions.push('an unknown policy variable takes a value that lets the Allow apply and the Deny miss');
  }
  if (assumptions.length === 0) assumptions.push('the request context that satisfies the statements could not be constructed');
  // A readable witness: an AWS region the patterns allow, if there is one.
  let witness = first.witness;
  if (first.cell.arnFormat !== null && !first.budgetExceeded) {
    const own = allowConstraints(first.allow, fixedLookup);
    for (const region of [...regionsNamedInConditions([first.allow, ...denies]), ...preferredRegions(space.partition)]) {
      const found = search(first.cell, region, space.partition, own, certainConstraints);
      if (found.found) {
        witness = found.witness;
        break;
      }
    }
  }
  return {
    reachable: true,
    region: first.cell.arnFormat === null ? preferredRegions(space.partition)[0]! : regionOf(witness),
    resource: witness,
    resourceType: first.cell.type,
    typeSource: first.cell.typeSource,
    resourcePattern: describeResources(first.allow.statement),
    statements: [refOf(first.allow)],
    context: toContext(fixed),
    certain: false,
    assumptions,
  };
}

/** Literal regions in conditions on aws:RequestedRegion, in the order they appear. */
function regionsNamedInConditions(statements: readonly Candidate[]): string[] {
  const out = new Set<string>();
  for (const s of statements) {
    for (const c of s.statement.conditions) {
      if (c.key.toLowerCase() !== 'aws:requestedregion') continue;
      for (const v of c.values) if (/^[a-z0-9-]+$/.test(v)) out.add(v);
    }
  }
  return [...out];
}

/** A clause that is false when its key is absent (a positive operator without IfExists, or ForAnyValue). */
function requiresKey(c: ConditionClause): boolean {
  const op = parseOperator(c.operator);
  if (!op || op.family === 'Null') return false;
  return op.set === 'ForAnyValue' || (!op.set && !op.negated && !op.ifExists);
}

function preferredRegions(partition: string): readonly string[] {
  return PREFERRED_REGIONS[partition] ?? PREFERRED_REGIONS.aws!;
}

/** The keys the principal itself determines, lower-cased; given variables win over derived ones. */
function principalVariables(principal: ReachInput['principal']): Map<string, string> {
  const out = new Map<string, string>();
  const arn = principal.arn;
  const account = accountOfPrincipal(arn);
  if (account !== undefined) out.set('aws:principalaccount', account);
  const user = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (user) {
    out.set('aws:username', user[1]!);
    out.set('aws:principaltype', 'User');
    out.set('aws:principalarn', arn);
  } else if (session) {
    // aws:PrincipalArn of a role session is the role's ARN.
    out.set('aws:principalarn', `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`);
    out.set('aws:principaltype', 'AssumedRole');
  } else if (/^arn:[^:]+:iam::\d{12}:role\//.test(arn)) {
    out.set('aws:principalarn', arn);
    out.set('aws:principaltype', 'AssumedRole');
  } else {
    out.set('aws:principalarn', arn);
  }
  for (const [k, v] of Object.entries(principal.variables ?? {})) out.set(k.toLowerCase(), v);
  return out;
}

/** The clause's value when every key it reads is determined by the principal; undefined otherwise. */
function knownValue(clause: ConditionClause, fixed: VariableValue, variablesEnabled: boolean): boolean | undefined {
  const keys = [clause.key.toLowerCase(), ...clause.values.flatMap((v) => variableKeys(v, variablesEnabled))];
  if (!parseOperator(clause.operator) || keys.some((k) => fixed(k) === undefined)) return undefined;
  return compileCondition(clause, variablesEnabled)(fixed);
}

function variableKeys(value: string, variablesEnabled: boolean): string[] {
  if (!variablesEnabled || !value.includes('${')) return [];
  return parseTemplate(value, true).parts.flatMap((p) => (p.kind === 'var' ? [p.key] : []));
}

function hasUnknownVariable(c: Candidate, fixed: VariableValue): boolean {
  const texts = [...(c.statement.resource ?? []), ...(c.statement.notResource ?? [])];
  return texts.some((t) => parseResourceTemplate(t, c.variablesEnabled).parts.some((p) => p.kind === 'var' && fixed(p.key) === undefined));
}

function patterns(list: readonly string[], c: Candidate, fixed: VariableValue, unknown: UnknownVariables): Pattern[] {
  const out: Pattern[] = [];
  for (const written of list) {
    const p = resourcePattern(written, c.variablesEnabled, fixed, unknown);
    if (p) out.push(p);
  }
  return out;
}

/** What an Allow needs of the resource: one of its Resource patterns, none of its NotResource ones. */
function allowConstraints(c: Candidate, fixed: VariableValue): Constraints {
  const s = c.statement;
  if (s.resource) return { required: [patterns(s.resource, c, fixed, 'widen')], forbidden: [] };
  if (s.notResource) return { required: [], forbidden: patterns(s.notResource, c, fixed, 'drop') };
  return { required: [], forbidden: [] };
}

/** What escaping a Deny needs of the resource: none of its Resource patterns, or one of its NotResource ones. */
function denyConstraints(c: Candidate, fixed: VariableValue): Constraints {
  const s = c.statement;
  if (s.resource) return { required: [], forbidden: patterns(s.resource, c, fixed, 'drop') };
  if (s.notResource) return { required: [patterns(s.notResource, c, fixed, 'widen')], forbidden: [] };
  return { required: [[]], forbidden: [] }; // applies to every resource: nothing escapes it
}

function mergeConstraints(list: Constraints[]): Constraints {
  return { required: list.flatMap((c) => c.required), forbidden: list.flatMap((c) => c.forbidden) };
}

function spaceCells(action: string, space: ReachInput['space'], accounts: readonly string[]): SpaceCell[] {
  const details = actionDetails(action);
  const service = space.service.toLowerCase();
  const formatOf = (type: string) => details?.resourceTypes.find((t) => t.name === type)?.arn || `arn:\${Partition}:${service}:\${Region}:\${Account}:${type}/\${Name}`;
  let types: Array<{ type: string; typeSource: 'catalogue' | 'perimeter' }>;
  if (space.resourceTypes) {
    types = space.resourceTypes.map((type) => ({ type, typeSource: type === '*' || details?.resourceTypes.some((t) => t.name === type) ? 'catalogue' : 'perimeter' }));
  } else if (details && details.resourceTypes.length > 0) {
    types = details.resourceTypes.map((t) => ({ type: t.name, typeSource: 'catalogue' }));
  } else {
    types = [{ type: '*', typeSource: 'catalogue' }, ...PERIMETER_RESOURCE_TYPES.map((type) => ({ type, typeSource: 'perimeter' as const }))];
  }
  return accounts.flatMap((account) => types.map(({ type, typeSource }) => ({ account, type, typeSource, arnFormat: type === '*' ? null : formatOf(type) })));
}

const ONE_SEGMENT: Token[] = [{ kind: 'one', bounded: true }, { kind: 'star', bounded: true }];
const ANY_NAME: Token[] = [{ kind: 'one', bounded: false }, { kind: 'star', bounded: false }];

/** The cell's resources as a pattern: the catalogue's ARN format with the region free or fixed. */
function cellPattern(cell: SpaceCell, partition: string, region: string | null): Pattern {
  const tokens: Token[] = [];
  const format = cell.arnFormat!;
  const re = /\$\{([^}]+)\}/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    tokens.push(...literal(format.slice(last, m.index)));
    const name = m[1]!;
    if (name === 'Partition') tokens.push(...literal(partition));
    else if (name === 'Region') tokens.push(...(region === null ? ONE_SEGMENT : literal(region)));
    else if (name === 'Account') tokens.push(...literal(cell.account));
    else tokens.push(...ANY_NAME);
    last = m.index + m[0].length;
  }
  tokens.push(...literal(format.slice(last)));
  return tokens;
}

function cellExample(cell: SpaceCell, partition: string, region: string): string {
  if (cell.arnFormat === null) return '*';
  return cell.arnFormat.replace(/\$\{([^}]+)\}/g, (_m, name: string) => (name === 'Partition' ? partition : name === 'Region' ? region : name === 'Account' ? cell.account : 'example'));
}

function search(cell: SpaceCell, region: string | null, partition: string, own: Constraints, others: Constraints): { found: true; witness: string } | { found: false; budgetExceeded: boolean } {
  const problem: SearchProblem = {
    required: [...(cell.arnFormat === null ? [[literal('*')]] : [[cellPattern(cell, partition, region)]]), ...own.required, ...others.required],
    forbidden: [...own.forbidden, ...others.forbidden],
  };
  if (cell.arnFormat === null) {
    // The `*` request is one string: test it.
    const ok = problem.required.every((g) => g.some((p) => matchesPattern(p, '*'))) && !problem.forbidden.some((p) => matchesPattern(p, '*'));
    return ok ? { found: true, witness: '*' } : { found: false, budgetExceeded: false };
  }
  const result = findString(problem);
  return result.found ? result : { found: false, budgetExceeded: !result.exhausted };
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
}

function refOf(c: Candidate): StatementRef {
  return { policy: c.label, index: c.statement.index, ...(c.statement.sid !== undefined ? { sid: c.statement.sid } : {}), effect: c.statement.effect };
}

function describeRef(c: Candidate): string {
  return `${c.label} statement ${c.statement.index}${c.statement.sid !== undefined ? ` (Sid "${c.statement.sid}")` : ''}`;
}

function describeResources(s: Statement): string {
  if (s.resource) return `Resource ${s.resource.map((r) => `"${r}"`).join(', ')}`;
  if (s.notResource) return `NotResource ${s.notResource.map((r) => `"${r}"`).join(', ')}`;
  return 'every resource';
}

// ---- the concrete witness -------------------------------------------------------------------------

type Value = string | string[] | undefined;

/**
 * Builds a request context for the witness and asks the evaluator: the Allow's conditions must hold
 * and every Deny that covers the witness must have a false condition. Null when no context was found.
 */
function concreteGrant(
  input: ReachInput,
  allow: Candidate,
  cell: SpaceCell,
  witness: string,
  region: string,
  fixed: ReadonlyMap<string, string>,
  denies: readonly Candidate[],
): ReachableGrant | null {
  const base = new Map<string, Value>(fixed);
  if (!base.has('aws:requestedregion')) base.set('aws:requestedregion', region);
  // Unknown variables in the Allow's Resource: the values that make it name the witness.
  for (const [k, v] of variableValues(allow, witness, (k) => fixed.get(k))) if (!base.has(k)) base.set(k, v);

  const baseLookup = lookupOf(base);
  const covering = denies.filter((d) => d.compiled.resource(witness, baseLookup));
  if (covering.some((d) => d.statement.conditions.length === 0)) return null;

  const context = solveContext(input.action, allow, covering, base);
  if (!context) return null;
  const request = { action: input.action, resource: witness, principal: input.principal.arn, context: toContext(context) };
  const result = evaluate(request, { identityPolicies: [...input.policies.identityPolicies] });
  if (result.decision !== 'Allow') return null;
  return {
    reachable: true,
    region,
    resource: witness,
    resourceType: cell.type,
    typeSource: cell.typeSource,
    resourcePattern: describeResources(allow.statement),
    statements: result.statements,
    context: request.context,
    certain: true,
    assumptions: [],
  };
}

function lookupOf(values: ReadonlyMap<string, Value>): ContextLookup {
  return (k) => values.get(k);
}

function toContext(values: ReadonlyMap<string, Value>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of values) if (v !== undefined) out[canonicalKey(k)] = v;
  return out;
}

/** The catalogue's spelling of a lower-cased key (keys compare case-insensitively; this is for people). */
function canonicalKey(lowerKey: string): string {
  return conditionKeyInfo(lowerKey)?.name ?? lowerKey;
}

/** Values of the Allow's unknown Resource variables that make one of its patterns match the witness. */
function variableValues(allow: Candidate, witness: string, fixed: (k: string) => string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const written of allow.statement.resource ?? []) {
    const template = parseResourceTemplate(written, allow.variablesEnabled);
    const names: string[] = [];
    let source = '';
    for (const part of template.parts) {
      if (part.kind === 'text') source += part.text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      else if (part.kind === 'star') source += '.*';
      else if (part.kind === 'qmark') source += '.';
      else {
        const known = fixed(part.key);
        if (known !== undefined) source += known.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        else {
          const at = names.indexOf(part.key);
          if (at >= 0) source += `\\${at + 1}`;
          else {
            names.push(part.key);
            source += '(.*)';
          }
        }
      }
    }
    if (names.length === 0) continue;
    const m = new RegExp(`^${source}$`, 's').exec(witness);
    if (!m) continue;
    names.forEach((name, i) => out.set(name, m[i + 1]!));
    return out;
  }
  return out;
}

const FRESH = 'sesguard-witness';
const OUTSIDE_IPS = ['192.0.2.1', '198.51.100.1', '203.0.113.1', '2001:db8::1', '100::1'];

/**
 * A context in which every condition of the Allow holds and each covering Deny has a false condition:
 * candidate values come from the clauses themselves (each value, wildcards filled, numbers and dates
 * either side of each bound, an address inside and one outside each range), plus absent and a fresh
 * value; a key the action's requests never carry can only be absent.
 */
function solveContext(action: string, allow: Candidate, denies: readonly Candidate[], base: ReadonlyMap<string, Value>): Map<string, Value> | null {
  const statements = [allow, ...denies];
  const clauses = statements.flatMap((s) => s.statement.conditions.map((clause) => ({ clause, variablesEnabled: s.variablesEnabled })));
  // Keys read as variables get a value first, so the clause values that use them can be rendered.
  const variableKeySet = new Set(clauses.flatMap(({ clause, variablesEnabled }) => clause.values.flatMap((v) => variableKeys(v, variablesEnabled))));
  const keys = [...new Set([...variableKeySet, ...clauses.map(({ clause }) => clause.key.toLowerCase())])].filter((k) => !base.has(k));

  const allowTests = allow.statement.conditions.map((clause) => ({ key: clause.key.toLowerCase(), test: compileCondition(clause, allow.variablesEnabled) }));
  const denyTests = denies.map((d) => d.statement.conditions.map((clause) => compileCondition(clause, d.variablesEnabled)));

  const assignment = new Map<string, Value>(base);
  const lookup = lookupOf(assignment);
  let tried = 0;

  const holds = (): boolean => allowTests.every((t) => t.test(lookup)) && denyTests.every((tests) => tests.some((t) => !t(lookup)));
  const choose = (i: number): boolean => {
    if (i === keys.length) return ++tried <= MAX_CONTEXTS && holds();
    const key = keys[i]!;
    for (const value of candidateValues(action, key, clauses, lookup, variableKeySet.has(key))) {
      assignment.set(key, value);
      // Prune: the Allow's own clauses on this key must already hold (their other keys are set before).
      if (allowTests.every((t) => t.key !== key || t.test(lookup)) && choose(i + 1)) return true;
      if (tried > MAX_CONTEXTS) break;
    }
    assignment.delete(key);
    return false;
  };
  return choose(0) ? assignment : null;
}

function candidateValues(
  action: string,
  key: string,
  clauses: ReadonlyArray<{ clause: ConditionClause; variablesEnabled: boolean }>,
  lookup: ContextLookup,
  readAsVariable: boolean,
): Value[] {
  if (!actionCarriesKey(action, key)) return [undefined];
  const singles = new Set<string>();
  let setOperator = false;
  for (const { clause, variablesEnabled } of clauses) {
    if (clause.key.toLowerCase() !== key) continue;
    const op = parseOperator(clause.operator);
    if (!op) continue;
    if (op.set) setOperator = true;
    for (const written of clause.values) {
      const text = renderText(parseTemplate(written, variablesEnabled), lookup);
      if (text === null) continue;
      for (const v of valuesAround(op.family, op.base, text)) singles.add(v);
    }
  }
  singles.add(readAsVariable ? 'team' : FRESH);
  const type = conditionKeyInfo(key)?.type ?? '';
  const list = [...singles];
  if (setOperator || type.startsWith('ArrayOf')) {
    return [undefined, [], ...list.map((v) => [v]), ...list.slice(0, 3).map((v) => [v, FRESH])];
  }
  return [undefined, ...list];
}

function valuesAround(family: string, base: string, text: string): string[] {
  switch (family) {
    case 'String':
      if (base === 'StringLike' || base === 'StringNotLike') return [text.replace(/\*/g, 'x').replace(/\?/g, 'x'), text.replace(/[*?]/g, '')];
      if (base.includes('IgnoreCase')) return [text, text.toUpperCase()];
      return [text];
    case 'Arn':
      return [text.replace(/\*/g, '').replace(/\?/g, 'x'), text.replace(/\*/g, 'x').replace(/\?/g, 'x')];
    case 'Numeric': {
      const n = parseNumber(text);
      return n === null ? [] : [String(n - 1), String(n), String(n + 1)];
    }
    case 'Date': {
      const d = parseDate(text);
      return d === null ? [] : [d - 1000, d, d + 1000].map((ms) => new Date(ms).toISOString());
    }
    case 'Bool':
      return ['true', 'false'];
    case 'Ip':
      return [text.split('/')[0]!, ...OUTSIDE_IPS];
    default:
      return [text];
  }
}
