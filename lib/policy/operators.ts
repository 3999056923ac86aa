/**
 * The condition operator vocabulary: `[ForAllValues:|ForAnyValue:]<Base>[IfExists]`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';

export type BaseOperator =
  | 'StringEquals' | 'StringNotEquals' | 'StringEqualsIgnoreCase' | 'StringNotEqualsIgnoreCase'
  | 'StringLike' | 'StringNotLike'
  | 'NumericEquals' | 'NumericNotEquals' | 'NumericLessThan' | 'NumericLessThanEquals'
  | 'NumericGreaterThan' | 'NumericGreaterThanEquals'
  | 'DateEquals' | 'DateNotEquals' | 'DateLessThan' | 'DateLessThanEquals' | 'DateGreaterThan' | 'DateGreaterThanEquals'
  | 'Bool' | 'BinaryEquals' | 'IpAddress' | 'NotIpAddress'
  | 'ArnEquals' | 'ArnLike' | 'ArnNotEquals' | 'ArnNotLike'
  | 'Null';

export type SetOperator = 'ForAllValues' | 'ForAnyValue';

export interface ParsedOperator {
  base: BaseOperator;
  family: OperatorFamily;
  set?: SetOperator;
  ifExists: boolean;
  /** Negated operators match when NO value matches (AWS: "NOR" across the policy's values). */
  negated: boolean;
}

const BASES: ReadonlyArray<readonly [BaseOperator, OperatorFamily, boolean]> = [
  ['StringEquals', 'String', false], ['StringNotEquals', 'String', true],
  ['StringEqualsIgnoreCase', 'String', false], ['StringNotEqualsIgnoreCase', 'String', true],
  ['StringLike', 'String', false], ['StringNotLike', 'String', true],
  ['NumericEquals', 'Numeric', false], ['NumericNotEquals', 'Numeric', true],
  ['NumericLessThan', 'Numeric', false], ['NumericLessThanEquals', 'Numeric', false],
  ['NumericGreaterThan', 'Numeric', false], ['NumericGreaterThanEquals', 'Numeric', false],
  ['DateEquals', 'Date', false], ['DateNotEquals', 'Date', true],
  ['DateLessThan', 'Date', false], ['DateLessThanEquals', 'Date', false],
  ['DateGreaterThan', 'Date', false], ['DateGreaterThanEquals', 'Date', false],
  ['Bool', 'Bool', false], ['BinaryEquals', 'Binary', false],
  ['IpAddress', 'Ip', false], ['NotIpAddress', 'Ip', true],
  ['ArnEquals', 'Arn', false], ['ArnLike', 'Arn', false], ['ArnNotEquals', 'Arn', true], ['ArnNotLike', 'Arn', true],
  ['Null', 'Null', false],
];

const BY_LOWER = new Map(BASES.map(([name, family, negated]) => [name.toLowerCase(), { name, family, negated }]));
const cache = new Map<string, ParsedOperator | null>();

/** Parses an operator as written; null when AWS would reject it (unknown name, `NullIfExists`). */
export function parseOperator(written: string): ParsedOperator | null {
  const hit = cache.get(written);
  if (hit !== undefined) return hit;
  const result = parseUncached(written);
  if (cache.size < 10_000) cache.set(written, result);
  return result;
}

function parseUncached(written: string): ParsedOperator | null {
  let rest = written;
  let set: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'forallvalues') set = 'ForAllValues';
    else if (prefix === 'foranyvalue') set = 'ForAnyValue';
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BY_LOWER.get(rest.toLowerCase());
  if (!base) return null;
  // Null tests existence itself, so an IfExists form is meaningless and AWS rejects it.
  if (base.family === 'Null' && (ifExists || set)) return null;
  return { base: base.name, family: base.family, negated: base.negated, ifExists, ...(set ? { set } : {}) };
}
