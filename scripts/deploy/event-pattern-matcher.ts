/**
 * An EventBridge event-pattern matcher for the operators sesguard's rules use: exact values, prefix,
 * suffix, equals-ignore-case, anything-but (value, list, prefix, suffix), exists and $or.
 * No maintained matcher is published on npm (AWS's own, event-ruler, is Java), and testing against AWS
 * is not possible here, so this follows the documented semantics:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * An operator it does not know throws: a silently wrong match would make the deployment tests lie.
 */

export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const MISSING = Symbol('missing');
type FieldValue = Json | typeof MISSING;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new UnsupportedPatternError('an event pattern must be a JSON object');
  return matchObject(pattern, event as Json);
}

function matchObject(pattern: Record<string, unknown>, value: FieldValue): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2) throw new UnsupportedPatternError('$or needs an array of at least two patterns');
      if (!sub.some((branch) => isObject(branch) && matchObject(branch, value))) return false;
      continue;
    }
    const field: FieldValue = isObject(value) && key in value ? (value[key] as Json) : MISSING;
    if (!matchField(sub, field, key)) return false;
  }
  return true;
}

function matchField(sub: unknown, field: FieldValue, key: string): boolean {
  if (Array.isArray(sub)) {
    if (sub.length === 0) throw new UnsupportedPatternError(`"${key}": an empty array matches nothing and is rejected by EventBridge`);
    return sub.some((leaf) => matchLeaf(leaf, field, key));
  }
  if (isObject(sub)) {
    if (field === MISSING) return false;
    // A nested pattern against an array of objects matches when any element does (event-ruler flattens arrays).
    if (Array.isArray(field)) return field.some((element) => matchObject(sub, element));
    return matchObject(sub, field);
  }
  throw new UnsupportedPatternError(`"${key}": a pattern value must be an array of matchers or an object`);
}

function matchLeaf(leaf: unknown, field: FieldValue, key: string): boolean {
  if (isObject(leaf)) {
    const operators = Object.keys(leaf);
    if (operators.length !== 1) throw new UnsupportedPatternError(`"${key}": a matcher object has exactly one operator`);
    const operator = operators[0]!;
    const operand = leaf[operator];
    if (operator === 'exists') {
      if (typeof operand !== 'boolean') throw new UnsupportedPatternError(`"${key}": exists takes true or false`);
      const present = field !== MISSING && !isObject(field);
      return operand ? present : field === MISSING;
    }
    if (field === MISSING) return false;
    return scalarsOf(field).some((scalar) => matchOperator(operator, operand, scalar, key));
  }
  if (field === MISSING) return false;
  return scalarsOf(field).some((scalar) => equalsScalar(leaf as Json, scalar));
}

function scalarsOf(field: Json): Json[] {
  return Array.isArray(field) ? field : [field];
}

function equalsScalar(expected: Json, actual: Json): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') return expected === actual;
  return expected === actual;
}

function matchOperator(operator: string, operand: unknown, value: Json, key: string): boolean {
  switch (operator) {
    case 'prefix':
      return typeof operand === 'string' && typeof value === 'string' && value.startsWith(operand);
    case 'suffix':
      return typeof operand === 'string' && typeof value === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      return typeof operand === 'string' && typeof value === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but':
      return !anythingButExcludes(operand, value, key);
    default:
      throw new UnsupportedPatternError(`"${key}": operator "${operator}" is not supported by this matcher`);
  }
}

function anythingButExcludes(operand: unknown, value: Json, key: string): boolean {
  if (Array.isArray(operand)) return operand.some((excluded) => equalsScalar(excluded as Json, value));
  if (isObject(operand)) {
    const [operator, inner] = Object.entries(operand)[0] ?? [];
    if (operator === 'prefix' || operator === 'suffix' || operator === 'equals-ignore-case') {
      return matchOperator(operator, inner, value, key);
    }
    throw new UnsupportedPatternError(`"${key}": anything-but with "${String(operator)}" is not supported by this matcher`);
  }
  return equalsScalar(operand as Json, value);
}
