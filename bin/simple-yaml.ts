/**
 * The plain YAML a sesguard config is written in, read without the `yaml` library: nested block mappings
 * of simple keys, one-line scalars, one-line flow lists and maps, block lists of scalars, comments.
 * Loading `yaml` was about a fifth of a one-file `sesguard check` (issue 15), for a dozen lines of config.
 *
 * It answers only when it is sure to give exactly what `yaml`'s parse (YAML 1.2, core schema) gives;
 * anything else — anchors, tags, multi-line or escaped scalars, tabs, document markers, duplicate keys,
 * numbers it does not know, errors of any kind — is `undefined`, and the caller hands the text to `yaml`,
 * which then decides the value or the error. simple-yaml.test.ts holds the two equal on generated
 * documents.
 */

interface Line {
  indent: number;
  /** The line without its indentation. */
  text: string;
}

/** Thrown inside the reader when the text leaves the subset; never escapes readSimpleYaml. */
class Unsure extends Error {}
const unsure = (): never => {
  throw new Unsure();
};

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Plain words the core schema reads as something other than a string. */
const NULL_WORDS = new Set(['null', 'Null', 'NULL', '~']);
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false]]);
/** Decimal integers that stay exact, without leading zeros; and plain decimal fractions. */
const INTEGER = /^-?(0|[1-9][0-9]{0,14})$/;
const DECIMAL = /^-?(0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;
/** A plain scalar in block context: starts with a letter, `_` or `/`; no `#`, quotes, flow or other indicators. */
const PLAIN_BLOCK = /^[A-Za-z_/][A-Za-z0-9 _./:*()?=+~$@^-]*$/;
/** Inside `[...]` / `{...}` a plain scalar may not hold `:` or `,` either. */
const PLAIN_FLOW = /^[A-Za-z_/][A-Za-z0-9 _./*()?=+~$@^-]*$/;
/** Quoted scalars without escapes, of printable ASCII. */
const DOUBLE_QUOTED = /^"([\x20-\x21\x23-\x5b\x5d-\x7e]*)"/;
const SINGLE_QUOTED = /^'([\x20-\x26\x28-\x7e]*)'/;

function keyOf(text: string): string {
  if (!KEY.test(text) || NULL_WORDS.has(text) || BOOLEANS.has(text) || text === '__proto__') unsure();
  return text;
}

function plainScalar(text: string, pattern: RegExp): unknown {
  if (NULL_WORDS.has(text)) return null;
  const boolean = BOOLEANS.get(text);
  if (boolean !== undefined) return boolean;
  if (INTEGER.test(text) || DECIMAL.test(text)) {
    const n = Number(text);
    if (Object.is(n, -0)) unsure();
    return n;
  }
  if (!pattern.test(text) || text.includes(': ') || text.endsWith(':') || text.endsWith(' ') || text.includes('  ')) unsure();
  return text;
}

/** A quoted scalar at the start of `text`: its value and the rest of the text after the closing quote. */
function quoted(text: string): { value: string; rest: string } | undefined {
  const m = DOUBLE_QUOTED.exec(text) ?? SINGLE_QUOTED.exec(text);
  return m ? { value: m[1]!, rest: text.slice(m[0].length) } : undefined;
}

/** What may follow a value on its line: nothing, or a comment after a space. */
function endOfLine(rest: string): void {
  if (rest !== '' && !/^ +(#.*)?$/.test(rest)) unsure();
}

/** `a, "b", c` inside a flow collection, each item as `item` reads it. */
function flowItems<T>(inner: string, item: (text: string) => T): T[] {
  const items: T[] = [];
  let rest = inner.trim();
  if (rest === '') return items;
  for (;;) {
    let text: string;
    const q = quoted(rest);
    if (q) {
      text = rest.slice(0, rest.length - q.rest.length);
      rest = q.rest.trimStart();
    } else {
      const comma = rest.indexOf(',');
      text = (comma < 0 ? rest : rest.slice(0, comma)).trim();
      rest = comma < 0 ? '' : rest.slice(comma);
    }
    items.push(item(text));
    if (rest === '') return items;
    if (!rest.startsWith(',')) unsure();
    rest = rest.slice(1).trim();
    if (rest === '') unsure(); // a trailing comma
  }
}

function flowScalar(text: string): unknown {
  if (text === '') unsure();
  const q = quoted(text);
  if (q) {
    if (q.rest !== '') unsure();
    return q.value;
  }
  return plainScalar(text, PLAIN_FLOW);
}

/** A value written on the key's (or the `- `'s) line; never empty. */
function inlineValue(text: string): unknown {
  if (text.startsWith('[') || text.startsWith('{')) {
    const close = text.startsWith('[') ? ']' : '}';
    const end = text.indexOf(close);
    if (end < 0 || text.slice(1, end).includes(text[0]!)) unsure();
    endOfLine(text.slice(end + 1));
    const inner = text.slice(1, end);
    if (close === ']') return flowItems(inner, flowScalar);
    const map: Record<string, unknown> = {};
    for (const [key, value] of flowItems(inner, (pair) => {
      const colon = pair.indexOf(': ');
      if (colon < 0) unsure();
      return [keyOf(pair.slice(0, colon)), flowScalar(pair.slice(colon + 2).trim())] as const;
    })) {
      if (Object.hasOwn(map, key)) unsure();
      map[key] = value;
    }
    return map;
  }
  const q = quoted(text);
  if (q) {
    endOfLine(q.rest);
    return q.value;
  }
  const hash = text.indexOf(' #');
  if (text.includes('#') && (hash < 0 || text.indexOf('#') < hash)) unsure();
  return plainScalar((hash < 0 ? text : text.slice(0, hash)).trimEnd(), PLAIN_BLOCK);
}

class Reader {
  private at = 0;
  constructor(private readonly lines: readonly Line[]) {}

  private peek(): Line | undefined {
    return this.lines[this.at];
  }

  document(): Record<string, unknown> {
    const first = this.peek();
    if (!first || first.indent !== 0 || isItem(first.text)) unsure();
    const map = this.mapping(0);
    if (this.peek()) unsure();
    return map;
  }

  /** The node under a key written without a value: a deeper block, a list at the key's own indent, or null. */
  private nested(indent: number): unknown {
    const next = this.peek();
    if (next && next.indent > indent) return isItem(next.text) ? this.sequence(next.indent) : this.mapping(next.indent);
    if (next && next.indent === indent && isItem(next.text)) return this.sequence(indent);
    return null;
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let line = this.peek(); line && line.indent === indent && !isItem(line.text); line = this.peek()) {
      this.at++;
      const colon = line.text.indexOf(':');
      if (colon < 0) unsure();
      const key = keyOf(line.text.slice(0, colon));
      if (Object.hasOwn(map, key)) unsure();
      const rest = line.text.slice(colon + 1);
      if (rest !== '' && !rest.startsWith(' ')) unsure();
      const value = rest.trim();
      map[key] = value === '' || value.startsWith('#') ? this.nested(indent) : inlineValue(value);
      const next = this.peek();
      if (next && next.indent > indent) unsure(); // a continuation line, or indentation YAML would refuse
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (let line = this.peek(); line && line.indent === indent && isItem(line.text); line = this.peek()) {
      this.at++;
      const value = line.text.slice(2).trim();
      if (value === '' || value.startsWith('#') || value.startsWith('- ')) unsure();
      // `- key: value` is a mapping inside the list: left to yaml.
      if (/^[A-Za-z_][A-Za-z0-9_.-]*:( |$)/.test(value)) unsure();
      items.push(inlineValue(value));
      const next = this.peek();
      if (next && next.indent > indent) unsure();
    }
    return items;
  }
}

const isItem = (text: string): boolean => text === '-' || text.startsWith('- ');

/** The value `yaml` would read from `text`, when it is a mapping in the subset above; otherwise undefined. */
export function readSimpleYaml(text: string): Record<string, unknown> | undefined {
  if (/[\t\r\uFEFF]/.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const body = raw.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    if (raw.endsWith(' ') && !/ #.*$/.test(raw)) return undefined; // trailing spaces: let yaml judge
    lines.push({ indent: raw.length - body.length, text: body });
  }
  try {
    return new Reader(lines).document();
  } catch (error) {
    if (error instanceof Unsure) return undefined;
    throw error;
  }
}
