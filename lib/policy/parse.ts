import * as z from '../zod.ts';
import { classifyAction } from './action-pattern.ts';
import { decodePolicyDocumentText } from './document-text.ts';
import { parseOperator } from './operators.ts';
import type {
  ConditionClause,
  Effect,
  ParseResult,
  PolicyError,
  PolicyVersion,
  PrincipalSet,
  Statement,
} from './types.ts';

/**
 * Parses a policy document the way IAM/SES accept it, into the normalised `Policy`.
 * Never throws: anything AWS would reject comes back as errors naming the statement index and field.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
const PRINCIPAL_KINDS = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

const stringList = z.union([z.string(), z.array(z.string()).check(z.minLength(1, 'must not be an empty list'))]);
const conditionValue = z.union([z.string(), z.number(), z.boolean()]);
const conditionValues = z.union([conditionValue, z.array(conditionValue)]);

/**
 * Hot path: policies are parsed for every event and every simulate line, and almost all are well formed,
 * so plain type checks settle the valid shapes and the zod schemas above decide (and word) the rest.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const v of value) if (typeof v !== 'string') return false;
  return true;
}


export function parsePolicy(input: unknown): ParseResult {
  try {
    return parseDocument(input);
  } catch (err) {
    // Defensive: a bug here must surface as a rejected document, never as an exception in the guard.
    return fail([{ field: 'Document', message: `could not be parsed: ${err instanceof Error ? err.message : String(err)}` }]);
  }
}

function fail(errors: PolicyError[]): ParseResult {
  return { ok: false, errors };
}

function parseDocument(input: unknown): ParseResult {
  let doc: unknown = input;
  if (typeof input === 'string') {
    const text = decodePolicyDocumentText(input);
    if (text === null) return fail([{ field: 'Document', message: 'is URL-encoded but not valid percent-encoding' }]);
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return fail([{ field: 'Document', message: `is not valid JSON: ${err instanceof Error ? err.message : String(err)}` }]);
    }
  }
  if (!isRecord(doc)) {
    return fail([{ field: 'Document', message: 'must be a JSON object' }]);
  }
  const raw = doc;
  const errors: PolicyError[] = [];
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL.has(key)) errors.push({ field: key, message: `is not a policy element (expected Version, Id, Statement)` });
  }

  // A document without Version is read by AWS as 2008-10-17 (no policy variables).
  let version: PolicyVersion = '2008-10-17';
  if ('Version' in raw) {
    if (raw.Version === '2012-10-17' || raw.Version === '2008-10-17') version = raw.Version;
    else errors.push({ field: 'Version', message: `must be "2012-10-17" or "2008-10-17", got ${describe(raw.Version)}` });
  }
  let id: string | undefined;
  if ('Id' in raw) {
    if (typeof raw.Id === 'string') id = raw.Id;
    else errors.push({ field: 'Id', message: `must be a string, got ${describe(raw.Id)}` });
  }

  const statements: Statement[] = [];
  if (!('Statement' in raw)) {
    errors.push({ field: 'Statement', message: 'is required' });
  } else {
    const rawStatements = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
    if (rawStatements.length === 0) errors.push({ field: 'Statement', message: 'must contain at least one statement' });
    const sids = new Map<string, number>();
    rawStatements.forEach((rawStatement: unknown, index: number) => {
      const parsed = parseStatement(rawStatement, index, errors);
      if (!parsed) return;
      if (parsed.sid !== undefined) {
        const first = sids.get(parsed.sid);
        if (first !== undefined) {
          errors.push({ statement: index, field: 'Sid', message: `"${parsed.sid}" duplicates the Sid of statement ${first}` });
        } else sids.set(parsed.sid, index);
      }
      statements.push(parsed);
    });
  }

  if (errors.length > 0) return fail(errors);
  return { ok: true, policy: { version, ...(id !== undefined ? { id } : {}), statements } };
}

/** Collects one statement's errors under its index (a class, so no closure is allocated per statement). */
class StatementErrors {
  constructor(private readonly errors: PolicyError[], private readonly index: number) {}
  add(field: string, message: string): void {
    this.errors.push({ statement: this.index, field, message });
  }
}

function parseStatement(input: unknown, index: number, errors: PolicyError[]): Statement | null {
  if (!isRecord(input)) {
    errors.push({ statement: index, field: 'Statement', message: `must be an object, got ${describe(input)}` });
    return null;
  }
  const raw = input;
  const before = errors.length;
  const err = new StatementErrors(errors, index);

  for (const key in raw) {
    if (Object.hasOwn(raw, key) && !STATEMENT_ELEMENTS.has(key)) err.add(key, 'is not a statement element');
  }

  let sid: string | undefined;
  if ('Sid' in raw) {
    if (typeof raw.Sid === 'string') sid = raw.Sid;
    else err.add('Sid', `must be a string, got ${describe(raw.Sid)}`);
  }

  let effect: Effect | undefined;
  if (!('Effect' in raw)) err.add('Effect', 'is required');
  else if (raw.Effect === 'Allow' || raw.Effect === 'Deny') effect = raw.Effect;
  else err.add('Effect', `must be "Allow" or "Deny", got ${describe(raw.Effect)}`);

  const action = exclusivePair(raw, 'Action', 'NotAction', true, err);
  if (action.list) {
    for (const a of action.list) {
      // `*` alone, or `service:action` — IAM answers "Actions/Conditions must be prefaced by a vendor".
      // Entries with stray whitespace are kept as written: they are valid and match nothing (action-pattern.ts).
      if (!classifyAction(a)) err.add(action.field, `"${a}" is not "*" or "service:action"`);
    }
  }

  const hasPrincipal = 'Principal' in raw || 'NotPrincipal' in raw;
  // Trust policies carry no Resource (the role is the resource); every other statement needs one.
  const resource = exclusivePair(raw, 'Resource', 'NotResource', !hasPrincipal, err);
  if (resource.list) {
    for (const r of resource.list) {
      if (r !== '*' && !isArnShaped(r)) err.add(resource.field, `"${r}" is not "*" or an ARN`);
    }
  }

  if ('Principal' in raw && 'NotPrincipal' in raw) err.add('NotPrincipal', 'cannot be used together with Principal');
  const principal = 'Principal' in raw ? parsePrincipal(raw.Principal, 'Principal', err) : undefined;
  const notPrincipal = 'NotPrincipal' in raw ? parsePrincipal(raw.NotPrincipal, 'NotPrincipal', err) : undefined;

  const conditions = 'Condition' in raw ? parseCondition(raw.Condition, err) : [];

  if (errors.length > before || !effect) return null;
  // Assigned in the established key order (index, sid, effect, principal, ..., conditions), without spreads.
  const statement: Partial<Statement> = { index };
  if (sid !== undefined) statement.sid = sid;
  statement.effect = effect;
  if (principal) statement.principal = principal;
  if (notPrincipal) statement.notPrincipal = notPrincipal;
  if (action.list) statement[action.negated ? 'notAction' : 'action'] = action.list;
  if (resource.list) statement[resource.negated ? 'notResource' : 'resource'] = resource.list;
  statement.conditions = conditions;
  return statement as Statement;
}

/**
 * `*`, a six-segment ARN, or a shorter ARN whose last segment ends in `*` (`arn:aws:ses:*`, seen in AWS's
 * own FMSServiceRolePolicy and NeptuneFullAccess): the trailing wildcard spans the segments it leaves
 * out, as iam-simulate reads it (src/resource/resource.ts pads short ARNs with `*` segments) and as
 * `expandShortArn` matches it. A short ARN without that wildcard does not say what the missing
 * segments are, so it stays an error.
 */
function isArnShaped(value: string): boolean {
  if (!value.startsWith('arn:')) return false;
  let colons = 0;
  for (let i = 0; i < value.length && colons < 5; i++) if (value.charCodeAt(i) === 58) colons++;
  return colons >= 5 || value.endsWith('*');
}

function exclusivePair(
  raw: Record<string, unknown>,
  positive: string,
  negative: string,
  required: boolean,
  err: StatementErrors,
): { list?: string[]; negated: boolean; field: string } {
  const hasPos = positive in raw;
  const hasNeg = negative in raw;
  if (hasPos && hasNeg) {
    err.add(negative, `cannot be used together with ${positive}`);
    return { negated: false, field: positive };
  }
  if (!hasPos && !hasNeg) {
    if (required) err.add(positive, `is required (or ${negative})`);
    return { negated: false, field: positive };
  }
  const field = hasPos ? positive : negative;
  const list = toStringList(raw[field], field, err);
  return list ? { list, negated: !hasPos, field } : { negated: !hasPos, field };
}

function toStringList(value: unknown, field: string, err: StatementErrors): string[] | null {
  if (typeof value === 'string') return [value];
  if (isStringArray(value)) return value.slice();
  const parsed = stringList.safeParse(value);
  if (!parsed.success) {
    err.add(field, `must be a string or a non-empty list of strings, got ${describe(value)}`);
    return null;
  }
  return typeof parsed.data === 'string' ? [parsed.data] : parsed.data;
}

function parsePrincipal(value: unknown, field: string, err: StatementErrors): PrincipalSet | undefined {
  const set: PrincipalSet = { wildcard: false, AWS: [], Service: [], Federated: [], CanonicalUser: [] };
  if (value === '*') return { ...set, wildcard: true };
  if (!isRecord(value)) {
    err.add(field, `must be "*" or an object of AWS/Service/Federated/CanonicalUser, got ${describe(value)}`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    err.add(field, 'must name at least one principal');
    return undefined;
  }
  let ok = true;
  for (const key of keys) {
    const kind = PRINCIPAL_KINDS.find((k) => k === key);
    if (!kind) {
      err.add(`${field}.${key}`, 'is not a principal type (expected AWS, Service, Federated or CanonicalUser)');
      ok = false;
      continue;
    }
    const list = toStringList(value[key], `${field}.${key}`, err);
    if (!list) {
      ok = false;
      continue;
    }
    for (const p of list) {
      if (kind === 'AWS' && p === '*') set.wildcard = true;
      else set[kind].push(p);
    }
  }
  return ok ? set : undefined;
}

function parseCondition(value: unknown, err: StatementErrors): ConditionClause[] {
  if (!isRecord(value)) {
    err.add('Condition', `must be an object of operator -> {key: values}, got ${describe(value)}`);
    return [];
  }
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const field = `Condition.${operator}`;
    if (!parseOperator(operator)) {
      err.add(field, 'is not a condition operator AWS knows');
      continue;
    }
    if (!isRecord(block)) {
      err.add(field, `must be an object of condition key -> values, got ${describe(block)}`);
      continue;
    }
    const entries = Object.entries(block);
    if (entries.length === 0) {
      err.add(field, 'must name at least one condition key');
      continue;
    }
    for (const [key, rawValues] of entries) {
      if (typeof rawValues === 'string') {
        clauses.push({ operator, key, values: [rawValues] });
        continue;
      }
      if (isStringArray(rawValues)) {
        clauses.push({ operator, key, values: rawValues.slice() });
        continue;
      }
      const values = conditionValues.safeParse(rawValues);
      if (!values.success) {
        err.add(`${field}.${key}`, `must be a string, number, boolean or a list of them, got ${describe(rawValues)}`);
        continue;
      }
      const list = Array.isArray(values.data) ? values.data : [values.data];
      clauses.push({ operator, key, values: list.map((v) => String(v)) });
    }
  }
  return clauses;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return typeof value;
}
