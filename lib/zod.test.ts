import { describe, expect, it } from 'vitest';
import * as z from './zod.ts';

/**
 * zod/mini sets no locale: without lib/zod.ts's English every built-in issue would read "Invalid input".
 * These are the texts classic zod gave (and users saw, after the field's path) before the move to mini.
 */
describe('zod, as the code imports it', () => {
  const cases: Array<[string, z.ZodMiniType, unknown, string]> = [
    ['a missing member', z.object({ n: z.string() }), {}, 'Invalid input: expected string, received undefined'],
    ['a member of the wrong type', z.object({ n: z.string() }), { n: 1 }, 'Invalid input: expected string, received number'],
    ['an empty string', z.string().check(z.minLength(1)), '', 'Too small: expected string to have >=1 characters'],
    ['an empty array', z.array(z.string()).check(z.minLength(1)), [], 'Too small: expected array to have >=1 items'],
    ['a number too big', z.number().check(z.lte(20)), 21, 'Too big: expected number to be <=20'],
    ['a fraction for an integer', z.number().check(z.int()), 1.5, 'Invalid input: expected int, received number'],
    ['a value outside an enum', z.enum(['a', 'b']), 'c', 'Invalid option: expected one of "a"|"b"'],
    ['an unknown member', z.strictObject({ a: z.string() }), { a: '', b: 1 }, 'Unrecognized key: "b"'],
    ['a string for a record', z.record(z.string(), z.unknown()), 'x', 'Invalid input: expected record, received string'],
    ['a bad datetime', z.iso.datetime({ offset: true }), 'yesterday', 'Invalid ISO datetime'],
    ['a bad URL', z.url(), 'nope', 'Invalid URL'],
  ];
  it.each(cases)('words %s as classic zod did', (_name, schema, input, message) => {
    expect(schema.safeParse(input).error?.issues.map((issue) => issue.message)).toEqual([message]);
  });
});
