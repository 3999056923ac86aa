import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileArnPattern, expandShortArn } from './wildcard.ts';
import { findString, literal, matchesPattern, resourcePattern, type Pattern } from './pattern-search.ts';

const noVariables = () => undefined;
const tokens = (p: string): Pattern => {
  const t = resourcePattern(p, true, noVariables, 'widen');
  if (!t) throw new Error(`${p} matches nothing`);
  return t;
};

describe('resourcePattern mirrors the evaluator\'s Resource matching', () => {
  it.each([
    ['a region wildcard stays in its segment', 'arn:aws:ses:*:111122223333:identity/*', 'arn:aws:ses:eu-west-1:111122223333:identity/a.com', true],
    ['a region wildcard does not span a colon', 'arn:aws:ses:*:identity/*', 'arn:aws:ses:us-east-1:111122223333:identity/a', false],
    ['the resource part spans colons', 'arn:aws:logs:*:*:log-group:*', 'arn:aws:logs:us-east-1:1:log-group:g:log-stream:s', true],
    ['a short ARN is padded', 'arn:aws:ses:*', 'arn:aws:ses:us-east-1:111122223333:identity/a', true],
    ['a literal pattern is equality', 'arn:aws:ses:us-east-1:111122223333:identity/a', 'arn:aws:ses:us-east-1:111122223333:identity/a', true],
    ['* matches a non-ARN request resource', '*', '*', true],
  ])('%s', (_name, pattern, value, expected) => {
    expect(matchesPattern(tokens(pattern), value)).toBe(expected);
  });

  it('an unknown variable widens (Allow) or drops the pattern (Deny)', () => {
    expect(matchesPattern(resourcePattern('arn:aws:ses:*:1:identity/${aws:username}', true, noVariables, 'widen')!, 'arn:aws:ses:r:1:identity/x:y')).toBe(true);
    expect(resourcePattern('arn:aws:ses:*:1:identity/${aws:username}', true, noVariables, 'drop')).toBeNull();
  });

  it('a known variable is literal text', () => {
    const p = resourcePattern('arn:aws:ses:*:1:identity/${aws:username}', true, (k) => (k === 'aws:username' ? 'a*' : undefined), 'drop')!;
    expect(matchesPattern(p, 'arn:aws:ses:r:1:identity/a*')).toBe(true);
    expect(matchesPattern(p, 'arn:aws:ses:r:1:identity/ab')).toBe(false);
  });

  // Agreement with compileArnPattern on generated patterns and values.
  const piece = fc.constantFrom('arn', ':', '*', '?', 'aws', 'ses', 'a', 'b', '/', 'identity', '1');
  const text = fc.array(piece, { maxLength: 10 }).map((xs) => xs.join(''));
  it('agrees with compileArnPattern on generated patterns and values', () => {
    fc.assert(fc.property(text, text, (p, v) => {
      const written = `arn:${p}`;
      const t = resourcePattern(written, false, noVariables, 'widen');
      const expected = compileArnPattern(expandShortArn(written))(v);
      expect(t === null ? false : matchesPattern(t, v)).toBe(expected);
    }), { numRuns: 3000, seed: 7 });
  });
});

describe('findString', () => {
  it('finds a string in one pattern and outside another', () => {
    const r = findString({ required: [[tokens('arn:aws:ses:*:1:*')]], forbidden: [tokens('arn:aws:ses:us-east-1:*:*')] });
    expect(r.found).toBe(true);
    if (r.found) {
      expect(matchesPattern(tokens('arn:aws:ses:*:1:*'), r.witness)).toBe(true);
      expect(matchesPattern(tokens('arn:aws:ses:us-east-1:*:*'), r.witness)).toBe(false);
    }
  });

  it('reports nothing when the forbidden patterns cover the required one', () => {
    expect(findString({ required: [[tokens('arn:aws:ses:us-*:1:*')]], forbidden: [tokens('arn:aws:ses:us-east-?:*:*'), tokens('arn:aws:ses:us-*:*:*')] })).toEqual({ found: false, exhausted: true });
  });

  it('needs a region longer than the forbidden ? patterns when only that is left', () => {
    const r = findString({ required: [[tokens('arn:aws:ses:*:1:x')]], forbidden: [tokens('arn:aws:ses::1:x'), tokens('arn:aws:ses:?:1:x'), tokens('arn:aws:ses:??:1:x')] });
    expect(r).toMatchObject({ found: true });
    if (r.found) expect(r.witness.split(':')[3]!.length).toBe(3);
  });

  const piece = fc.constantFrom('*', '?', 'a', 'b', ':');
  const glob = fc.array(piece, { minLength: 1, maxLength: 5 }).map((xs) => `arn:aws:ses:${xs.join('')}`);
  it('is complete and sound on generated problems (brute force over short strings)', () => {
    const alphabet = ['a', 'b', 'c', ':'];
    const all: string[] = [''];
    for (let len = 1; len <= 4; len++) for (const prefix of all.filter((s) => s.length === len - 1)) for (const c of alphabet) all.push(prefix + c);
    const orNothing = (p: string) => resourcePattern(p, false, noVariables, 'widen');
    fc.assert(fc.property(glob, fc.array(glob, { maxLength: 3 }), (req, forb) => {
      const first = orNothing(req);
      if (!first) return;
      const required = [[first]];
      const forbidden = forb.map(orNothing).filter((p): p is Pattern => p !== null);
      const r = findString({ required, forbidden });
      const satisfies = (s: string) => required.every((g) => g.some((p) => matchesPattern(p, s))) && !forbidden.some((p) => matchesPattern(p, s));
      if (r.found) expect(satisfies(r.witness)).toBe(true);
      else expect(all.map((s) => `arn:aws:ses:${s}`).some(satisfies)).toBe(false);
    }), { numRuns: 1500, seed: 11 });
  });
});

describe('a literal against a pattern: matchesPattern answers what findString would (lint.ts takes it as a fast path)', () => {
  const token = fc.oneof(
    fc.constantFrom('a', 'b', ':', '/').map((char) => ({ kind: 'char' as const, char })),
    fc.boolean().map((bounded) => ({ kind: 'star' as const, bounded })),
    fc.boolean().map((bounded) => ({ kind: 'one' as const, bounded })),
  );
  it('agrees on generated patterns and strings (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', ':', '/'), maxLength: 10 }), (pattern, text) => {
        const r = findString({ required: [[literal(text)], [pattern]], forbidden: [] }, 5000);
        expect(matchesPattern(pattern, text)).toBe(r.found || !r.exhausted);
      }),
      { numRuns: 400, seed: 20261202 },
    );
  });
});

describe('findString remembers answers by problem', () => {
  it('answers a repeated problem with the same result, and a problem that differs only in what is forbidden on its own', () => {
    const arn = (s: string) => resourcePattern(s, false, () => undefined, 'widen')!;
    const open = { required: [[arn('arn:aws:ses:us-east-1:111122223333:identity/*')]], forbidden: [] };
    const closed = { required: open.required, forbidden: [arn('arn:aws:ses:us-east-1:111122223333:identity/*')] };
    const first = findString(open);
    expect(first.found).toBe(true);
    expect(findString({ required: [[arn('arn:aws:ses:us-east-1:111122223333:identity/*')]], forbidden: [] })).toBe(first);
    expect(findString(closed)).toEqual({ found: false, exhausted: true });
    expect(findString(open, 1)).not.toBe(first);
  });
});
