import { Buffer } from 'node:buffer';
import { cidrContains, parseCidr, parseIp } from './ip.ts';
import { parseOperator, type ParsedOperator } from './operators.ts';
import {
  cachedRegex,
  parseTemplate,
  renderRegexSource,
  renderText,
  type ContextLookup,
  type ValueTemplate,
} from './variables.ts';
import { compileArnPattern, compileGlob, splitArn } from './wildcard.ts';
import type { ConditionClause } from './types.ts';

/**
 * Condition evaluation with AWS's documented semantics
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 *  .../reference_policies_condition-single-vs-multi-valued-context-keys.html):
 * - several values for one key OR together; a negated operator (StringNotEquals, NotIpAddress, ...)
 *   matches when NONE of them matches (NOR);
 * - a missing key makes the condition false, except: negated operators and `...IfExists` are true,
 *   `ForAllValues:` is true (also on an empty set), `ForAnyValue:` is false (also on an empty set, and
 *   also with `IfExists`: the set operator is evaluated first);
 * - a multivalued request key needs a set operator: a plain operator on it does not match;
 * - `Null: true` matches when the key is absent, `Null: false` when present.
 * Clauses are compiled once per policy; at evaluation only the request values are parsed.
 */

export type ConditionPredicate = (lookup: ContextLookup) => boolean;

/** Per request value: true/false, or null when the values cannot be compared (bad number, unresolved variable). */
type ValueTest = (requestValue: string, lookup: ContextLookup) => boolean | null;

export class UnknownConditionOperatorError extends Error {
  override name = 'UnknownConditionOperatorError';
}

export function compileCondition(clause: ConditionClause, variablesEnabled: boolean): ConditionPredicate {
  const op = parseOperator(clause.operator);
  if (!op) throw new UnknownConditionOperatorError(`unknown condition operator ${clause.operator}`);
  const key = clause.key.toLowerCase();

  if (op.family === 'Null') {
    const wantAbsent = clause.values.some((v) => v.toLowerCase() === 'true');
    const wantPresent = clause.values.some((v) => v.toLowerCase() === 'false');
    return (lookup) => {
      const raw = lookup(key);
      const present = raw !== undefined && (typeof raw === 'string' || raw.length > 0);
      return present ? wantPresent : wantAbsent;
    };
  }

  const tests = clause.values.map((v) => compileValueTest(op, v, variablesEnabled));
  const single = op.negated ? noneMatch(tests) : anyMatch(tests);

  if (op.set === 'ForAllValues') {
    return (lookup) => {
      const raw = lookup(key);
      if (raw === undefined) return true;
      if (typeof raw === 'string') return single(raw, lookup);
      for (const v of raw) if (!single(v, lookup)) return false;
      return true;
    };
  }
  if (op.set === 'ForAnyValue') {
    // The set operator comes first: "some request value matches" is false when there are no values,
    // and IfExists does not change that (a missing key denies, it is not waved through).
    return (lookup) => {
      const raw = lookup(key);
      if (raw === undefined) return false;
      if (typeof raw === 'string') return single(raw, lookup);
      for (const v of raw) if (single(v, lookup)) return true;
      return false;
    };
  }
  const whenMissing = op.ifExists || op.negated;
  return (lookup) => {
    const raw = lookup(key);
    if (raw === undefined) return whenMissing;
    if (typeof raw !== 'string') return false;
    return single(raw, lookup);
  };
}

function anyMatch(tests: ValueTest[]): (v: string, lookup: ContextLookup) => boolean {
  if (tests.length === 1) {
    const t = tests[0]!;
    return (v, lookup) => t(v, lookup) === true;
  }
  return (v, lookup) => {
    for (const t of tests) if (t(v, lookup) === true) return true;
    return false;
  };
}

function noneMatch(tests: ValueTest[]): (v: string, lookup: ContextLookup) => boolean {
  return (v, lookup) => {
    for (const t of tests) if (t(v, lookup) !== false) return false;
    return true;
  };
}

function compileValueTest(op: ParsedOperator, value: string, variablesEnabled: boolean): ValueTest {
  switch (op.family) {
    case 'String':
      return stringTest(op, parseTemplate(value, variablesEnabled));
    case 'Arn':
      return arnTest(parseTemplate(value, variablesEnabled));
    case 'Numeric':
      return numericTest(op, value);
    case 'Date':
      return dateTest(op, value);
    case 'Bool':
      return boolTest(parseTemplate(value, variablesEnabled));
    case 'Binary':
      return binaryTest(value);
    case 'Ip':
      return ipTest(value);
    case 'Null':
      return () => null;
  }
}

function stringTest(op: ParsedOperator, template: ValueTemplate): ValueTest {
  const like = op.base === 'StringLike' || op.base === 'StringNotLike';
  const ignoreCase = op.base === 'StringEqualsIgnoreCase' || op.base === 'StringNotEqualsIgnoreCase';
  if (like) {
    if (!template.needsRendering) {
      const match = compileGlob(template.raw, false);
      return (v) => match(v);
    }
    return (v, lookup) => {
      const source = renderRegexSource(template, lookup, false);
      return source === null ? null : cachedRegex(source, false).test(v);
    };
  }
  // StringEquals treats `*` and `?` as literal characters.
  if (!template.needsRendering) {
    const text = ignoreCase ? template.raw.toLowerCase() : template.raw;
    return ignoreCase ? (v) => v.toLowerCase() === text : (v) => v === text;
  }
  return (v, lookup) => {
    const text = renderText(template, lookup);
    if (text === null) return null;
    return ignoreCase ? v.toLowerCase() === text.toLowerCase() : v === text;
  };
}

/** ArnEquals and ArnLike behave alike: both match segment by segment and both accept wildcards. */
function arnTest(template: ValueTemplate): ValueTest {
  if (!template.needsRendering) {
    if (!splitArn(template.raw)) return () => null;
    const match = compileArnPattern(template.raw);
    return (v) => (splitArn(v) ? match(v) : null);
  }
  return (v, lookup) => {
    const source = renderRegexSource(template, lookup, true);
    if (source === null || !splitArn(v)) return null;
    return cachedRegex(source, false).test(v);
  };
}

/** AWS numbers: integers or decimals, optionally signed. */
export function parseNumber(text: string): number | null {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) return null;
  return Number(text);
}

function compare(op: ParsedOperator, policy: number, request: number): boolean {
  switch (op.base) {
    case 'NumericEquals': case 'NumericNotEquals': case 'DateEquals': case 'DateNotEquals':
      return request === policy;
    case 'NumericLessThan': case 'DateLessThan':
      return request < policy;
    case 'NumericLessThanEquals': case 'DateLessThanEquals':
      return request <= policy;
    case 'NumericGreaterThan': case 'DateGreaterThan':
      return request > policy;
    case 'NumericGreaterThanEquals': case 'DateGreaterThanEquals':
      return request >= policy;
    default:
      return false;
  }
}

function numericTest(op: ParsedOperator, value: string): ValueTest {
  const policy = parseNumber(value);
  if (policy === null) return () => null;
  return (v) => {
    const n = parseNumber(v);
    return n === null ? null : compare(op, policy, n);
  };
}

/**
 * Dates are ISO 8601 (`2026-01-01`, `2026-01-01T00:00:00Z`) or epoch SECONDS (`1767225600`), as the
 * Date operators document; returns epoch milliseconds.
 */
export function parseDate(text: string): number | null {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}(-\d{2})?([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

function dateTest(op: ParsedOperator, value: string): ValueTest {
  const policy = parseDate(value);
  if (policy === null) return () => null;
  return (v) => {
    const d = parseDate(v);
    return d === null ? null : compare(op, policy, d);
  };
}

function boolTest(template: ValueTemplate): ValueTest {
  const asBool = (s: string): boolean | null => {
    const l = s.toLowerCase();
    return l === 'true' ? true : l === 'false' ? false : null;
  };
  const fixed = template.needsRendering ? undefined : asBool(template.raw);
  return (v, lookup) => {
    const request = asBool(v);
    const policy = fixed !== undefined ? fixed : asBool(renderText(template, lookup) ?? '');
    if (request === null || policy === null) return null;
    return request === policy;
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** BinaryEquals compares base64-encoded bytes; both sides are decoded so padding/format differences do not matter. */
function binaryTest(value: string): ValueTest {
  if (!BASE64.test(value)) return () => null;
  const policy = Buffer.from(value, 'base64');
  return (v) => (BASE64.test(v) ? Buffer.from(v, 'base64').equals(policy) : null);
}

function ipTest(value: string): ValueTest {
  const cidr = parseCidr(value);
  if (!cidr) return () => null;
  return (v) => {
    const ip = parseIp(v);
    return ip ? cidrContains(cidr, ip) : null;
  };
}
