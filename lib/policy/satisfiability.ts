import { compileCondition, parseDate, parseNumber } from './conditions.ts';
import { parseCidr } from './ip.ts';
import { parseOperator, type ParsedOperator } from './operators.ts';
import { parseTemplate } from './variables.ts';
import { splitArn } from './wildcard.ts';
import type { ConditionClause } from './types.ts';

/**
 * "Can these conditions ever all be true?" — a SOUND subset: `neverTrue` answers only when no request
 * context at all satisfies the clauses together, under the same semantics as `compileCondition`
 * (which agrees with iam-simulate). Anything it cannot prove returns null, so callers may treat null as
 * "maybe true": the reachability analysis keeps such an Allow, the linter says nothing.
 *
 * Proofs it makes (each uses only clauses without policy variables, whose values are fixed text):
 * - a positive clause whose every value can never compare (a number that is not a number, an address
 *   that is not a CIDR, ...): false when the key is absent, false for every value when present;
 * - a numeric or date key required present whose comparisons, together, exclude every number (or
 *   instant), e.g. NumericLessThan 0 on a key that is never negative, or `< 10` with `> 20`;
 * - a key required to equal one of a few literal strings (StringEquals) while another clause on it is
 *   false for each of them (two StringEquals with disjoint values, StringEquals "a" with StringLike "b*");
 * - Null true (the key must be absent) with a clause that holds only when the key is present.
 * "Required present": a plain (no set operator) positive operator without IfExists, which is false on a
 * missing key and on a multivalued one; ForAnyValue is false on a missing key too.
 */

export interface NeverTrue {
  /** Indexes of the clauses that together can never hold. */
  clauses: number[];
  reason: string;
}

/**
 * Keys whose value is never negative: a NumericLessThan 0 on them is never true.
 * aws:MultiFactorAuthAge is seconds since MFA authentication
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage).
 */
const NON_NEGATIVE_KEYS: ReadonlySet<string> = new Set(['aws:multifactorauthage', 's3:max-keys', 's3:signatureage']);

interface Parsed {
  index: number;
  clause: ConditionClause;
  op: ParsedOperator;
  key: string;
  /** True when a value holds a policy variable (its value depends on the request). */
  variables: boolean;
}

function hasVariable(value: string, variablesEnabled: boolean): boolean {
  return variablesEnabled && value.includes('${') && parseTemplate(value, true).parts.some((p) => p.kind === 'var');
}

/** Plain positive operator without IfExists: false when the key is absent or multivalued. */
function requiresSingleValue(op: ParsedOperator): boolean {
  return op.family !== 'Null' && !op.set && !op.negated && !op.ifExists;
}

/** The clause is false whenever the key is absent. */
function requiresPresence(op: ParsedOperator): boolean {
  if (op.family === 'Null') return false;
  if (op.set === 'ForAnyValue') return true;
  return requiresSingleValue(op);
}

function valueCanCompare(op: ParsedOperator, value: string): boolean {
  switch (op.family) {
    case 'Numeric': return parseNumber(value) !== null;
    case 'Date': return parseDate(value) !== null;
    case 'Ip': return parseCidr(value) !== null;
    case 'Bool': return value.toLowerCase() === 'true' || value.toLowerCase() === 'false';
    case 'Binary': return /^[A-Za-z0-9+/]*={0,2}$/.test(value);
    case 'Arn': return splitArn(value) !== null;
    default: return true;
  }
}

export function neverTrue(clauses: readonly ConditionClause[], variablesEnabled: boolean): NeverTrue | null {
  const parsed: Parsed[] = [];
  clauses.forEach((clause, index) => {
    const op = parseOperator(clause.operator);
    if (!op) return;
    parsed.push({ index, clause, op, key: clause.key.toLowerCase(), variables: clause.values.some((v) => hasVariable(v, variablesEnabled)) });
  });

  for (const p of parsed) {
    if (p.variables || p.op.negated || p.op.ifExists || p.op.set === 'ForAllValues' || p.op.family === 'Null') continue;
    if (p.clause.values.length > 0 && p.clause.values.every((v) => !valueCanCompare(p.op, v))) {
      return { clauses: [p.index], reason: `${p.clause.operator} on ${p.clause.key} has no value it can compare (${p.clause.values.map((v) => `"${v}"`).join(', ')}), so it is never true` };
    }
  }

  const byKey = new Map<string, Parsed[]>();
  for (const p of parsed) {
    const list = byKey.get(p.key);
    if (list) list.push(p);
    else byKey.set(p.key, [p]);
  }
  for (const [key, list] of byKey) {
    const found = nullContradiction(list) ?? negationContradiction(list) ?? equalityContradiction(list, variablesEnabled) ?? orderContradiction(key, list, 'Numeric') ?? orderContradiction(key, list, 'Date');
    if (found) return found;
  }
  return null;
}

function nullContradiction(list: Parsed[]): NeverTrue | null {
  const absent = list.find((p) => p.op.family === 'Null' && p.clause.values.every((v) => v.toLowerCase() === 'true'));
  if (!absent) return null;
  const present = list.find((p) => requiresPresence(p.op));
  if (!present) return null;
  return {
    clauses: [absent.index, present.index],
    reason: `Null "true" on ${absent.clause.key} requires the key to be absent, but ${present.clause.operator} on it is false when the key is absent`,
  };
}

const NEGATION: Readonly<Record<string, string>> = {
  StringEquals: 'StringNotEquals', StringEqualsIgnoreCase: 'StringNotEqualsIgnoreCase', StringLike: 'StringNotLike',
  NumericEquals: 'NumericNotEquals', DateEquals: 'DateNotEquals', IpAddress: 'NotIpAddress', ArnEquals: 'ArnNotEquals', ArnLike: 'ArnNotLike',
};

/**
 * A positive clause that requires the key and its negation over (at least) the same values: whatever
 * matches the first is one of the values the second excludes (IpAddress X with NotIpAddress X).
 */
function negationContradiction(list: Parsed[]): NeverTrue | null {
  for (const positive of list) {
    if (positive.variables || !requiresSingleValue(positive.op)) continue;
    const negated = NEGATION[positive.op.base];
    const other = list.find((n) => !n.variables && !n.op.set && n.op.base === negated && positive.clause.values.every((v) => n.clause.values.includes(v)));
    if (other) {
      return {
        clauses: [positive.index, other.index],
        reason: `${positive.clause.operator} and ${other.clause.operator} on ${positive.clause.key} with the same values contradict each other`,
      };
    }
  }
  return null;
}

/** A StringEquals that pins the key to a few literal strings, and another clause false on each of them. */
function equalityContradiction(list: Parsed[], variablesEnabled: boolean): NeverTrue | null {
  for (const eq of list) {
    if (eq.variables || eq.op.base !== 'StringEquals' || !requiresSingleValue(eq.op)) continue;
    for (const other of list) {
      if (other === eq || other.variables || other.op.set || other.op.family === 'Null') continue;
      // The key is present and single-valued (eq requires it), so IfExists changes nothing here.
      const predicate = compileCondition(other.clause, variablesEnabled);
      const holdsForSome = eq.clause.values.some((value) => predicate((k) => (k === eq.key ? value : undefined)));
      if (!holdsForSome) {
        return {
          clauses: [eq.index, other.index],
          reason: `${eq.clause.operator} on ${eq.clause.key} allows only ${eq.clause.values.map((v) => `"${v}"`).join(', ')}, and ${other.clause.operator} ${JSON.stringify(other.clause.values)} is false for each of them`,
        };
      }
    }
  }
  return null;
}

/**
 * Numeric or date comparisons on one key that is required present: the truth of every comparison is
 * constant between consecutive policy values, so testing each value, the midpoints and one point past
 * either end decides whether any request value satisfies them all.
 */
function orderContradiction(key: string, list: Parsed[], family: 'Numeric' | 'Date'): NeverTrue | null {
  const relevant = list.filter((p) => p.op.family === family && !p.variables && !p.op.set);
  const anchor = relevant.find((p) => requiresSingleValue(p.op));
  if (!anchor) return null;
  const parse = family === 'Numeric' ? parseNumber : parseDate;
  const bounds = [...new Set(relevant.flatMap((p) => p.clause.values.map(parse)).filter((n): n is number => n !== null))].sort((a, b) => a - b);
  if (bounds.length === 0) return null;
  const candidates = [bounds[0]! - 1, ...bounds, bounds[bounds.length - 1]! + 1];
  for (let i = 0; i + 1 < bounds.length; i++) candidates.push((bounds[i]! + bounds[i + 1]!) / 2);
  const nonNegative = family === 'Numeric' && NON_NEGATIVE_KEYS.has(key);
  const predicates = relevant.map((p) => compileCondition(p.clause, true));
  const render = (n: number) => (family === 'Numeric' ? String(n) : new Date(n).toISOString());
  const satisfiable = candidates.some((n) => {
    if (nonNegative && n < 0) return false;
    if (family === 'Date' && !Number.isFinite(new Date(n).getTime())) return false;
    const value = render(n);
    return predicates.every((pred) => pred((k) => (k === key ? value : undefined)));
  });
  if (satisfiable) return null;
  const what = relevant.map((p) => `${p.clause.operator} ${p.clause.values.join('/')}`).join(' and ');
  return {
    clauses: relevant.map((p) => p.index),
    reason: nonNegative && relevant.length === 1
      ? `${what} on ${relevant[0]!.clause.key}, which is never negative, is never true`
      : `${what} on ${relevant[0]!.clause.key} exclude every value, so they are never true together`,
  };
}
