/**
 * Glob matching as IAM does it: `*` any run of characters (including none), `?` exactly one character,
 * everything else literal. Actions compare case-insensitively, resources and StringLike case-sensitively.
 * Compiled matchers are cached because the same patterns are tested on every evaluation.
 */

export type Matcher = (value: string) => boolean;

const sensitiveCache = new Map<string, Matcher>();
const insensitiveCache = new Map<string, Matcher>();
const CACHE_LIMIT = 50_000;

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function compileGlob(pattern: string, caseInsensitive: boolean): Matcher {
  const cache = caseInsensitive ? insensitiveCache : sensitiveCache;
  const hit = cache.get(pattern);
  if (hit) return hit;
  const matcher = buildMatcher(pattern, caseInsensitive);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, matcher);
  return matcher;
}

export function matchGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  return compileGlob(pattern, caseInsensitive)(value);
}

/**
 * A pattern from config (adminPrincipals, exemptions) against an ARN: a plain glob over the whole ARN,
 * case-insensitive, because IAM names (users, roles, policies) and SES identities (domains, addresses)
 * are unique regardless of case, so a case difference never names a different thing; matching
 * case-sensitively would turn an administrator into a "non-administrator" over a capital letter.
 */
export function matchesArnPattern(pattern: string, value: string): boolean {
  return compileGlob(pattern, true)(value);
}

export function matchesAnyArnPattern(patterns: readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  return patterns.some((pattern) => matchesArnPattern(pattern, value));
}

function buildMatcher(pattern: string, caseInsensitive: boolean): Matcher {
  if (pattern === '*') return () => true;
  if (!hasWildcard(pattern)) {
    if (!caseInsensitive) return (v) => v === pattern;
    const lower = pattern.toLowerCase();
    return (v) => v.length === lower.length && v.toLowerCase() === lower;
  }
  const star = pattern.indexOf('*');
  // `prefix*` is the commonest shape (`ses:Send*`, `arn:...:identity/*`): avoid a regex for it.
  if (star === pattern.length - 1 && !pattern.includes('?')) {
    const prefix = caseInsensitive ? pattern.slice(0, -1).toLowerCase() : pattern.slice(0, -1);
    return caseInsensitive ? (v) => v.toLowerCase().startsWith(prefix) : (v) => v.startsWith(prefix);
  }
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
  return (v) => re.test(v);
}

/**
 * ARN matching for Resource elements and Arn* operators: the first five colon-separated segments
 * (arn, partition, service, region, account) are matched one by one, so a wildcard never spills from
 * one segment into the next; the resource part, which may itself contain colons, is matched whole.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function compileArnPattern(pattern: string): Matcher {
  const hit = arnCache.get(pattern);
  if (hit) return hit;
  const matcher = buildArnMatcher(pattern);
  if (arnCache.size >= CACHE_LIMIT) arnCache.clear();
  arnCache.set(pattern, matcher);
  return matcher;
}

const arnCache = new Map<string, Matcher>();

export function matchArn(pattern: string, arn: string): boolean {
  return compileArnPattern(pattern)(arn);
}

/** Splits an ARN into its six segments; null when it has fewer than six. */
export function splitArn(arn: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return null;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/**
 * A short ARN pattern whose last segment ends in `*` (`arn:aws:ses:*`, `arn:aws:ses:us-*`) padded to six
 * segments with `*`: the trailing wildcard spans the segments the pattern leaves out. Matching the padded
 * pattern segment by segment is the same as letting that last `*` span colons, and it is how
 * iam-simulate reads short ARNs in identity policies (src/resource/resource.ts, "expand").
 * Any other pattern is returned unchanged.
 */
export function expandShortArn(pattern: string): string {
  if (!pattern.startsWith('arn:') || !pattern.endsWith('*')) return pattern;
  let colons = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === 58) colons++;
  return colons >= 5 ? pattern : pattern + ':*'.repeat(5 - colons);
}

function buildArnMatcher(written: string): Matcher {
  if (written === '*') return () => true;
  if (!hasWildcard(written)) return (v) => v === written;
  const pattern = expandShortArn(written);
  const segments = splitArn(pattern);
  if (!segments) {
    // A truncated ARN that does not end in `*` (`arn:aws:ses:us-*:identity/x`) is not a valid pattern
    // (the parser rejects it): matching it as a plain glob would let `*` swallow whole segments, so it
    // matches nothing. Other values are plain globs.
    return pattern.startsWith('arn:') ? () => false : compileGlob(pattern, false);
  }
  const matchers = segments.map((s) => compileGlob(s, false));
  return (value) => {
    const parts = splitArn(value);
    if (!parts) return false;
    for (let i = 0; i < 6; i++) {
      if (!matchers[i]!(parts[i]!)) return false;
    }
    return true;
  };
}
