import { parseResourceTemplate } from './variables.ts';
import { expandShortArn, hasWildcard, splitArn } from './wildcard.ts';

/**
 * Exact search over resource strings: "is there a string that matches at least one pattern of each
 * required group and none of the forbidden patterns — and which?" Patterns are IAM Resource patterns
 * compiled to token lists that mirror the evaluator's matching (wildcard.ts / evaluate.ts) exactly:
 * in an ARN, `*` and `?` stay inside their segment for the first five segments and span colons in the
 * resource part; a non-ARN pattern is a plain glob. The search walks the product of the patterns'
 * automata breadth-first over the characters the patterns name plus one character none of them names,
 * so it is complete (any satisfying string implies one it finds) and its witness is a shortest one.
 */

export type Token =
  | { kind: 'char'; char: string }
  /** `?`: one character; `bounded` excludes ':' (an ARN segment before the resource part). */
  | { kind: 'one'; bounded: boolean }
  /** `*`: any run; `bounded` excludes ':'. */
  | { kind: 'star'; bounded: boolean };

export type Pattern = readonly Token[];

/** A policy variable's value when the pattern is read: known text, or unknown. */
export type VariableValue = (lowerKey: string) => string | undefined;

/**
 * How an unknown variable reads: `widen` — it may take any value, so it matches any run (the choice
 * that lets the statement apply: an Allow's Resource, a Deny's NotResource); `drop` — it may fail to
 * match, so the pattern matches nothing (a Deny's Resource, an Allow's NotResource).
 */
export type UnknownVariables = 'widen' | 'drop';

const STAR_ANY: Token = { kind: 'star', bounded: false };

export function literal(text: string): Pattern {
  return [...text].map((char) => ({ kind: 'char', char }) as const);
}

/**
 * The tokens of one Resource/NotResource entry, or null when it matches nothing. Mirrors
 * `compileResources`: short ARNs are padded, a truncated ARN without a trailing `*` matches nothing,
 * variables are substituted as literal text, and only colons in the pattern's own text count towards
 * the five bounded segments (renderRegexSource).
 */
export function resourcePattern(written: string, variablesEnabled: boolean, variables: VariableValue, unknown: UnknownVariables): Pattern | null {
  const p = expandShortArn(written);
  if (p === '*') return [STAR_ANY];
  const template = parseResourceTemplate(p, variablesEnabled);
  const arn = splitArn(p) !== null;
  if (!template.needsRendering) {
    if (!hasWildcard(p)) return literal(p);
    if (!arn && p.startsWith('arn:')) return null;
  }
  const tokens: Token[] = [];
  let colons = 0;
  for (const part of template.parts) {
    const bounded = arn && colons < 5;
    switch (part.kind) {
      case 'text':
        for (const char of part.text) {
          if (char === ':') colons++;
          tokens.push({ kind: 'char', char });
        }
        break;
      case 'star': tokens.push({ kind: 'star', bounded }); break;
      case 'qmark': tokens.push({ kind: 'one', bounded }); break;
      case 'var': {
        const known = variables(part.key);
        if (known !== undefined) {
          for (const char of known) tokens.push({ kind: 'char', char });
          break;
        }
        // Unknown: the key may be absent (then a default applies, or the pattern fails) or hold any value.
        if (unknown === 'drop') return null;
        tokens.push(STAR_ANY);
      }
    }
  }
  return tokens;
}

/** Does one concrete string match a token pattern? */
export function matchesPattern(pattern: Pattern, text: string): boolean {
  let states = closure(pattern, new Set([0]));
  for (const char of text) {
    states = step(pattern, states, char);
    if (states.size === 0) return false;
  }
  return states.has(pattern.length);
}

function closure(pattern: Pattern, states: Set<number>): Set<number> {
  const out = new Set(states);
  const stack = [...states];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (i < pattern.length && pattern[i]!.kind === 'star' && !out.has(i + 1)) {
      out.add(i + 1);
      stack.push(i + 1);
    }
  }
  return out;
}

function step(pattern: Pattern, states: ReadonlySet<number>, char: string): Set<number> {
  const next = new Set<number>();
  for (const i of states) {
    if (i >= pattern.length) continue;
    const t = pattern[i]!;
    if (t.kind === 'char') {
      if (t.char === char) next.add(i + 1);
    } else if (!(t.bounded && char === ':')) {
      next.add(t.kind === 'star' ? i : i + 1);
    }
  }
  return closure(pattern, next);
}

export interface SearchProblem {
  /** Each group: the string must match at least one of its patterns. */
  required: ReadonlyArray<readonly Pattern[]>;
  /** The string must match none of these. */
  forbidden: readonly Pattern[];
}

export type SearchResult = { found: true; witness: string } | { found: false; exhausted: boolean };

const FRESH_CANDIDATES = 'qzjxkvwyfgbhmpdrncluoitaes0123456789';

/**
 * Answers already computed, by problem. The search is pure and the same problems recur: every statement
 * with `Resource: "*"` and an SES action asks it for each SES resource type and region, in every policy of
 * a `sesguard check` run (one process, many files) and in every statement of one policy. Bounded: cleared
 * when full, so a long run's memory does not grow with the number of distinct problems.
 */
const SOLVED = new Map<string, SearchResult>();
const SOLVED_LIMIT = 5_000;

/**
 * Breadth-first search of the product automaton; `exhausted` is false when the state budget ran out
 * before the search could conclude (the caller must then treat the answer as unknown).
 */
export function findString(problem: SearchProblem, maxStates = 50_000): SearchResult {
  const key = JSON.stringify([problem.required, problem.forbidden, maxStates]);
  const known = SOLVED.get(key);
  if (known) return known;
  const result = Object.freeze(searchProduct(problem, maxStates));
  if (SOLVED.size >= SOLVED_LIMIT) SOLVED.clear();
  SOLVED.set(key, result);
  return result;
}

function searchProduct(problem: SearchProblem, maxStates: number): SearchResult {
  const patterns: Pattern[] = [...problem.required.flat(), ...problem.forbidden];
  const groupOf: number[] = [];
  problem.required.forEach((group, g) => group.forEach(() => groupOf.push(g)));
  const forbiddenStart = groupOf.length;
  if (problem.required.some((group) => group.length === 0)) return { found: false, exhausted: true };

  const used = new Set<string>();
  for (const p of patterns) for (const t of p) if (t.kind === 'char') used.add(t.char);
  const fresh = [...FRESH_CANDIDATES].find((c) => !used.has(c)) ?? '~';
  const alphabet = [...used, fresh];
  if (!used.has(':')) alphabet.push(':');

  type State = Array<Set<number>>;
  const key = (s: State) => s.map((set) => [...set].sort((a, b) => a - b).join(',')).join('|');
  const alive = (s: State) => problem.required.every((_g, g) => s.some((set, i) => i < forbiddenStart && groupOf[i] === g && set.size > 0));
  const accepting = (s: State) =>
    problem.required.every((_g, g) => s.some((set, i) => i < forbiddenStart && groupOf[i] === g && set.has(patterns[i]!.length))) &&
    s.every((set, i) => i < forbiddenStart || !set.has(patterns[i]!.length));

  const start: State = patterns.map((p) => closure(p, new Set([0])));
  const seen = new Map<string, { parent: string | null; char: string }>();
  const startKey = key(start);
  seen.set(startKey, { parent: null, char: '' });
  let frontier: Array<[string, State]> = [[startKey, start]];
  const witnessOf = (k: string): string => {
    const chars: string[] = [];
    for (let at: string | null = k; at !== null; ) {
      const entry: { parent: string | null; char: string } = seen.get(at)!;
      if (entry.parent !== null) chars.push(entry.char);
      at = entry.parent;
    }
    return chars.reverse().join('');
  };
  if (!alive(start)) return { found: false, exhausted: true };
  if (accepting(start)) return { found: true, witness: '' };
  while (frontier.length > 0) {
    const next: Array<[string, State]> = [];
    for (const [k, state] of frontier) {
      for (const char of alphabet) {
        const moved = state.map((set, i) => step(patterns[i]!, set, char));
        if (!alive(moved)) continue;
        const mk = key(moved);
        if (seen.has(mk)) continue;
        seen.set(mk, { parent: k, char });
        if (accepting(moved)) return { found: true, witness: witnessOf(mk) };
        if (seen.size > maxStates) return { found: false, exhausted: false };
        next.push([mk, moved]);
      }
    }
    frontier = next;
  }
  return { found: false, exhausted: true };
}
