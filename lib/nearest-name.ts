/**
 * "Did you mean ...?" for every name a person types into sesguard: config fields, rule ids, actions, the
 * members of a `sesguard check` input. A typo that is silently ignored is a setting that silently does
 * not apply, so every unknown name is an error, and the error names the closest valid one.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[s.length] as number[])[t.length] as number;
}

/** Separators people vary (`SES_IDP_001`, `ses idp 001`, `dry_run`) do not count as differences. */
const folded = (name: string): string => name.toLowerCase().replace(/[\s_.-]+/g, '');

/**
 * The valid name `input` most likely meant, or undefined when none is close: at most one edit for short
 * names, about a third of the length for longer ones, so unrelated names are never suggested.
 */
export function nearestName(input: string, names: Iterable<string>): string | undefined {
  const candidates = [...names];
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    if (name === input) return name;
    const distance = folded(name) === folded(input) ? 0 : editDistance(input, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(input.length, best.name.length) / 3));
  if (best.distance <= allowed) return best.name;
  // A name cut short (`Topic` for `TopicArn`) is as likely a slip as a typo.
  const lowered = input.toLowerCase();
  return input.length >= 4 ? candidates.find((name) => name.toLowerCase().startsWith(lowered)) : undefined;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const near = nearestName(input, candidates);
  return near !== undefined && near !== input ? ` (did you mean "${near}"?)` : '';
}

/** `unknown field "trustedAccount" (did you mean "trustedAccounts"?)` for each key, joined. */
export function unknownKeysMessage(keys: readonly string[], valid: readonly string[], noun = 'field'): string {
  const suggestions = keys.map((key) => didYouMean(key, valid));
  const described = keys.map((key, i) => `"${key}"${suggestions[i]}`);
  const plural = keys.length === 1 ? noun : `${noun}s`;
  // With a suggestion for every key the list of valid names is noise; without one it is the help.
  const expected = suggestions.every((s) => s !== '') ? '' : `; expected ${oneOf(valid)}`;
  return `unknown ${plural} ${described.join(', ')}${expected}`;
}

/** `a, b or c`. */
export function oneOf(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
