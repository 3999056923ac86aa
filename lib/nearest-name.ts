/**
 * "Did you mean ...?" for every name a person types into sesguard: config fields, rule ids, actions, the
 * members of a `sesguard check` input. A typo that is silently ignored is a setting that silently does
 * not apply, so every unknown name is an error, and the error names the closest valid one.
 */

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. With a
 * `limit` it gives up, returning `limit`, once the distance cannot be below it: the action catalogue has
 * thousands of names and almost all are far from the one typed.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) >= limit) return limit;
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    rows.push(row);
    if (i > 0 && rowMin >= limit) return limit;
  }
  return rows[s.length]![t.length]!;
}

/** The candidate closest to `input` at a distance below `limit`, if any (ties: the first). */
export function closestWithin(input: string, candidates: Iterable<string>, limit: number): string | undefined {
  let best: string | undefined;
  let bestDistance = limit;
  for (const candidate of candidates) {
    const d = editDistance(input, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
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
