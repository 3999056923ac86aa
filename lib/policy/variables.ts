/**
 * Policy variables in Resource and condition values: `${aws:username}`, `${aws:PrincipalTag/team}`,
 * `${key, 'default'}`, and the escapes `${*}` `${?}` `${$}` for a literal `*` `?` `$`.
 * Only 2012-10-17 documents have variables; in 2008-10-17 `${...}` is plain text.
 * A variable with no single value in the request and no default leaves the value unresolved: it can
 * never match. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

/** Reads a context key (lower-cased) from the request; multi-valued keys come back as arrays. */
export type ContextLookup = (lowerKey: string) => string | readonly string[] | undefined;

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'star' }
  | { kind: 'qmark' }
  | { kind: 'var'; key: string; fallback?: string };

export interface ValueTemplate {
  raw: string;
  parts: TemplatePart[];
  /** True when the raw text cannot be used as is: it has variables or `${*}`-style escapes. */
  needsRendering: boolean;
}

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

const PLAIN = /^[^*?$]*$/;

/**
 * A Resource/NotResource entry as a template. "You can use a policy variable in the Resource element,
 * but only in the resource portion of the ARN. This portion of the ARN appears after the fifth colon"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-wheretouse);
 * before it, `${...}` is plain text, as iam-simulate matches it (src/resource/resource.ts). Colons inside a
 * `${...}` count: AWS and iam-simulate split the written text.
 */
export function parseResourceTemplate(raw: string, variablesEnabled: boolean): ValueTemplate {
  if (!variablesEnabled || !raw.startsWith('arn:') || !raw.includes('${')) return parseTemplate(raw, variablesEnabled);
  let colons = 0;
  let resourceStart = -1;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) === 58 && ++colons === 5) {
      resourceStart = i + 1;
      break;
    }
  }
  if (resourceStart < 0) return parseTemplate(raw, false);
  const head = parseTemplate(raw.slice(0, resourceStart), false);
  const tail = parseTemplate(raw.slice(resourceStart), true);
  return { raw, parts: [...head.parts, ...tail.parts], needsRendering: tail.needsRendering };
}

export function parseTemplate(raw: string, variablesEnabled: boolean): ValueTemplate {
  // Most values are plain text: skip the character walk.
  if (PLAIN.test(raw)) return { raw, parts: raw ? [{ kind: 'text', text: raw }] : [], needsRendering: false };
  const parts: TemplatePart[] = [];
  let text = '';
  let needsRendering = false;
  const flush = () => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? { kind: 'star' } : { kind: 'qmark' });
      continue;
    }
    if (variablesEnabled && c === '$' && raw[i + 1] === '{') {
      const end = raw.indexOf('}', i + 2);
      if (end > 0) {
        const inner = raw.slice(i + 2, end);
        const escaped = ESCAPES[inner];
        if (escaped !== undefined) {
          text += escaped;
          // An escaped `*` must stay literal even in StringLike, so the value cannot use the plain glob path.
          needsRendering = true;
        } else {
          flush();
          parts.push(parseVariable(inner));
          needsRendering = true;
        }
        i = end;
        continue;
      }
    }
    text += c;
  }
  flush();
  return { raw, parts, needsRendering };
}

function parseVariable(inner: string): TemplatePart {
  const comma = inner.indexOf(',');
  if (comma < 0) return { kind: 'var', key: inner.trim().toLowerCase() };
  const key = inner.slice(0, comma).trim().toLowerCase();
  const rest = inner.slice(comma + 1).trim();
  // Defaults are single-quoted: ${aws:PrincipalTag/team, 'company-wide'}.
  if (rest.length >= 2 && rest.startsWith("'") && rest.endsWith("'")) return { kind: 'var', key, fallback: rest.slice(1, -1) };
  return { kind: 'var', key };
}

/** A variable's value: single-valued keys only (AWS does not substitute multivalued keys). */
export function resolveVariable(part: { key: string; fallback?: string }, lookup: ContextLookup): string | null {
  const value = lookup(part.key);
  if (typeof value === 'string') return value;
  return part.fallback ?? null;
}

/** The value with variables substituted and wildcards kept as written; null when unresolved. */
export function renderText(template: ValueTemplate, lookup: ContextLookup): string | null {
  let out = '';
  for (const part of template.parts) {
    switch (part.kind) {
      case 'text': out += part.text; break;
      case 'star': out += '*'; break;
      case 'qmark': out += '?'; break;
      case 'var': {
        const v = resolveVariable(part, lookup);
        if (v === null) return null;
        out += v;
      }
    }
  }
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A regex source for a wildcard pattern with variables substituted as literals. With `arn`, wildcards
 * in the first five colon-separated segments stay inside their segment (ARN matching rules).
 */
export function renderRegexSource(template: ValueTemplate, lookup: ContextLookup, arn: boolean): string | null {
  let out = '';
  let colons = 0;
  for (const part of template.parts) {
    const bounded = arn && colons < 5;
    switch (part.kind) {
      case 'text':
        for (const ch of part.text) if (ch === ':') colons++;
        out += escapeRegex(part.text);
        break;
      case 'star': out += bounded ? '[^:]*' : '.*'; break;
      case 'qmark': out += bounded ? '[^:]' : '.'; break;
      case 'var': {
        const v = resolveVariable(part, lookup);
        if (v === null) return null;
        out += escapeRegex(v);
      }
    }
  }
  return out;
}

const regexCache = new Map<string, RegExp>();

/** Compiles (and caches) `^source$`. */
export function cachedRegex(source: string, caseInsensitive: boolean): RegExp {
  const key = (caseInsensitive ? 'i' : 's') + source;
  let re = regexCache.get(key);
  if (!re) {
    if (regexCache.size >= 10_000) regexCache.clear();
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    regexCache.set(key, re);
  }
  return re;
}
