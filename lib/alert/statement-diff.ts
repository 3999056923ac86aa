import type { AlertDiff } from './alert-schema.ts';

/**
 * A diff a person reads in ten seconds: for policy documents one line per statement (who, what, on
 * what, under which conditions), for other JSON definitions one line per changed key. It works on the
 * raw JSON on purpose: a document the policy parser rejects must still be shown as it is.
 */

/** A statement list longer than this is summarised: the alert is not the place to read 200 statements. */
const MAX_LINES = 60;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function diffDocuments(before: string | null | undefined, after: string | null | undefined): AlertDiff {
  const b = before ?? null;
  const a = after ?? null;
  if (b === null && a === null) return { kind: 'none', changed: false, lines: [] };
  const bJson = b === null ? undefined : parseJson(b);
  const aJson = a === null ? undefined : parseJson(a);
  const bOk = b === null || bJson !== undefined;
  const aOk = a === null || aJson !== undefined;
  if (bOk && aOk && (isPolicy(bJson) || isPolicy(aJson)) && (bJson === undefined || isPolicy(bJson)) && (aJson === undefined || isPolicy(aJson))) {
    return limit({ kind: 'policy', ...diffPolicies(bJson, aJson) });
  }
  if (bOk && aOk && (isObject(bJson) || bJson === undefined) && (isObject(aJson) || aJson === undefined)) {
    return limit({ kind: 'keys', ...diffKeys(bJson ?? {}, aJson ?? {}) });
  }
  return limit({ kind: 'text', ...diffLines(b ?? '', a ?? '') });
}

function limit(diff: AlertDiff): AlertDiff {
  if (diff.lines.length <= MAX_LINES) return diff;
  const hidden = diff.lines.length - MAX_LINES;
  return { ...diff, lines: [...diff.lines.slice(0, MAX_LINES), `… ${hidden} more line(s) not shown`] };
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPolicy(value: Json | undefined): value is { [key: string]: Json } {
  return isObject(value) && 'Statement' in value;
}

/** Statement may be one object or a list (IAM accepts both); a single object is index 0. */
function statementsOf(policy: { [key: string]: Json } | undefined): Json[] {
  if (!policy) return [];
  const s = policy['Statement'];
  if (Array.isArray(s)) return s;
  return s === undefined || s === null ? [] : [s];
}

/** Canonical JSON: key order never makes two statements differ. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface IndexedStatement {
  index: number;
  sid: string | undefined;
  canonical: string;
  value: Json;
}

function indexStatements(policy: { [key: string]: Json } | undefined): IndexedStatement[] {
  return statementsOf(policy).map((value, index) => {
    const sid = isObject(value) && typeof value['Sid'] === 'string' && value['Sid'] !== '' ? value['Sid'] : undefined;
    return { index, sid, canonical: canonicalJson(value), value };
  });
}

function diffPolicies(before: { [key: string]: Json } | undefined, after: { [key: string]: Json } | undefined): { changed: boolean; lines: string[] } {
  const b = indexStatements(before);
  const a = indexStatements(after);
  const lines: string[] = [];
  let changed = false;
  const matchedAfter = new Set<number>();

  // Pair statements first by identical content, then by Sid (same Sid, new content = modified).
  const pairFor = (s: IndexedStatement): IndexedStatement | undefined => {
    const same = a.find((x) => !matchedAfter.has(x.index) && x.canonical === s.canonical);
    if (same) return same;
    return s.sid === undefined ? undefined : a.find((x) => !matchedAfter.has(x.index) && x.sid === s.sid);
  };

  for (const s of b) {
    const pair = pairFor(s);
    if (pair) matchedAfter.add(pair.index);
    if (pair && pair.canonical === s.canonical) {
      lines.push(`  [${s.index}] ${describeStatement(s.value)}`);
      continue;
    }
    changed = true;
    lines.push(`- [${s.index}] ${describeStatement(s.value)}`);
    if (pair) lines.push(`+ [${pair.index}] ${describeStatement(pair.value)}`);
  }
  for (const s of a) {
    if (matchedAfter.has(s.index)) continue;
    changed = true;
    lines.push(`+ [${s.index}] ${describeStatement(s.value)}`);
  }
  if (before === undefined && after !== undefined) lines.unshift('+ (policy created)');
  if (after === undefined && before !== undefined) lines.push('- (policy deleted)');
  return { changed: changed || (before === undefined) !== (after === undefined), lines };
}

function asList(value: Json | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : canonicalJson(v)));
  return [typeof value === 'string' ? value : canonicalJson(value)];
}

/** `*` and `{"AWS":"*"}` read the same to AWS, so they read the same here. */
function describePrincipal(value: Json | undefined): string {
  if (value === undefined) return '';
  if (value === '*') return '*';
  if (!isObject(value)) return canonicalJson(value);
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const entries = asList(value[key]);
    if (key === 'AWS' && entries.length === 1 && entries[0] === '*') parts.push('*');
    else parts.push(key === 'AWS' ? entries.join(',') : `${key}:${entries.join(',')}`);
  }
  return parts.join(' ');
}

function describeConditions(value: Json | undefined): string {
  if (!isObject(value)) return '';
  const clauses: string[] = [];
  for (const operator of Object.keys(value).sort()) {
    const block = value[operator];
    if (!isObject(block)) continue;
    for (const key of Object.keys(block).sort()) clauses.push(`${operator} ${key}=${asList(block[key]).join(',')}`);
  }
  return clauses.join('; ');
}

/** `Sid=PublicSend Allow * ses:SendEmail on arn:… if StringEquals aws:SourceAccount=111122223333`. */
export function describeStatement(statement: unknown): string {
  // Callers hand in JSON.parse output (or literals of the same shape): the Json type describes it exactly.
  const value = statement as Json;
  if (!isObject(value)) return canonicalJson(value);
  const parts: string[] = [];
  if (typeof value['Sid'] === 'string' && value['Sid'] !== '') parts.push(`Sid=${value['Sid']}`);
  parts.push(typeof value['Effect'] === 'string' ? value['Effect'] : '(no Effect)');
  if ('Principal' in value) parts.push(describePrincipal(value['Principal']));
  if ('NotPrincipal' in value) parts.push(`NotPrincipal=${describePrincipal(value['NotPrincipal'])}`);
  if ('Action' in value) parts.push(asList(value['Action']).join(','));
  if ('NotAction' in value) parts.push(`NotAction=${asList(value['NotAction']).join(',')}`);
  const resources = asList(value['Resource']);
  if (resources.length > 0 && !(resources.length === 1 && resources[0] === '*')) parts.push(`on ${resources.join(',')}`);
  if ('NotResource' in value) parts.push(`not on ${asList(value['NotResource']).join(',')}`);
  const conditions = describeConditions(value['Condition']);
  if (conditions) parts.push(`if ${conditions}`);
  return parts.filter((p) => p !== '').join(' ');
}

/** Flattens nested objects to dotted paths; arrays are compared whole (their order is meaningful). */
function flatten(value: { [key: string]: Json }, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const key of Object.keys(value).sort()) {
    const v = value[key] as Json;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(v) && Object.keys(v).length > 0) flatten(v, path, out);
    else out.set(path, canonicalJson(v));
  }
  return out;
}

function diffKeys(before: { [key: string]: Json }, after: { [key: string]: Json }): { changed: boolean; lines: string[] } {
  const b = flatten(before);
  const a = flatten(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
  const lines: string[] = [];
  let changed = false;
  for (const key of keys) {
    const old = b.get(key);
    const now = a.get(key);
    if (old === now) {
      lines.push(`  ${key}: ${old}`);
      continue;
    }
    changed = true;
    if (old !== undefined) lines.push(`- ${key}: ${old}`);
    if (now !== undefined) lines.push(`+ ${key}: ${now}`);
  }
  return { changed, lines };
}

/** Neither side is JSON: a plain line comparison (no alignment; enough to see what appeared or went). */
function diffLines(before: string, after: string): { changed: boolean; lines: string[] } {
  const b = before === '' ? [] : before.split('\n');
  const a = after === '' ? [] : after.split('\n');
  const inAfter = new Set(a);
  const inBefore = new Set(b);
  const lines = [...b.filter((l) => !inAfter.has(l)).map((l) => `- ${l}`), ...a.filter((l) => !inBefore.has(l)).map((l) => `+ ${l}`)];
  return { changed: before !== after, lines };
}
