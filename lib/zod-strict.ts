import * as z from './zod.ts';
import { didYouMean, oneOf, unknownKeysMessage } from './nearest-name.ts';

/**
 * zod schemas for input people write by hand (config, `sesguard check` files): an unknown member or a
 * mistyped value is an error that names it and suggests the nearest valid name, never a silent default.
 */

/** An object that refuses unknown members, suggesting the member that was probably meant. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, valid) : undefined),
  });
}

/** One of `values`; a near miss is named (`"enforced" (did you mean "enforce"?)`). */
export function oneOfValues<const T extends readonly [string, ...string[]]>(values: T, noun = 'value') {
  return z.enum(values, {
    error: (issue) => {
      if (issue.code !== 'invalid_value') return undefined;
      const input = issue.input;
      const near = typeof input === 'string' ? didYouMean(input, values) : '';
      const given = typeof input === 'string' ? `"${input}"` : (JSON.stringify(input) ?? String(input));
      return near !== '' ? `${given} is not a known ${noun}${near}` : `${given} is not a known ${noun}; expected ${oneOf(values)}`;
    },
  });
}

/** A record keyed by known names only (rule ids), each unknown key named with its nearest valid one. */
export function partialRecordOf<const K extends readonly [string, ...string[]], V extends z.ZodMiniType>(keys: K, value: V, noun = 'key') {
  return z.partialRecord(z.enum(keys), value, {
    // zod reports keys outside the enum of a partial record as unrecognized_keys, which its types for a record's error map do not list.
    error: (issue) => {
      const raw = issue as { code: string; keys?: string[] };
      return raw.code === 'unrecognized_keys' && raw.keys ? unknownKeysMessage(raw.keys, keys, noun) : undefined;
    },
  });
}
