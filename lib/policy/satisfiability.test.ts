import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileCondition } from './conditions.ts';
import { neverTrue } from './satisfiability.ts';
import type { ConditionClause } from './types.ts';

const clause = (operator: string, key: string, ...values: string[]): ConditionClause => ({ operator, key, values });

describe('neverTrue: proves only what no request can satisfy', () => {
  it.each([
    ['two StringEquals-like clauses with disjoint values', [clause('StringEquals', 'aws:RequestedRegion', 'us-east-1'), clause('StringLike', 'aws:RequestedRegion', 'eu-*')], true],
    ['StringEquals and StringEqualsIgnoreCase that overlap', [clause('StringEquals', 'ses:FromAddress', 'a@x.com'), clause('StringEqualsIgnoreCase', 'ses:FromAddress', 'A@X.COM')], false],
    ['NumericLessThan 0 on aws:MultiFactorAuthAge', [clause('NumericLessThan', 'aws:MultiFactorAuthAge', '0')], true],
    ['NumericLessThanEquals 0 on aws:MultiFactorAuthAge (0 is possible)', [clause('NumericLessThanEquals', 'aws:MultiFactorAuthAge', '0')], false],
    ['NumericLessThan 0 on a key that may be negative', [clause('NumericLessThan', 'ec2:Quantity', '0')], false],
    ['NumericLessThan 0 with IfExists (absent is true)', [clause('NumericLessThanIfExists', 'aws:MultiFactorAuthAge', '0')], false],
    ['< 10 and > 20 on one key', [clause('NumericLessThan', 'k:n', '10'), clause('NumericGreaterThan', 'k:n', '20')], true],
    ['> 10 and < 20 on one key', [clause('NumericGreaterThan', 'k:n', '10'), clause('NumericLessThan', 'k:n', '20')], false],
    ['dates that exclude each other', [clause('DateLessThan', 'aws:CurrentTime', '2020-01-01T00:00:00Z'), clause('DateGreaterThan', 'aws:CurrentTime', '2021-01-01T00:00:00Z')], true],
    ['Null true with a positive match on the key', [clause('Null', 'aws:ResourceTag/team', 'true'), clause('StringEquals', 'aws:ResourceTag/team', 'mail')], true],
    ['Null true with ForAnyValue on the key', [clause('Null', 'aws:TagKeys', 'true'), clause('ForAnyValue:StringEquals', 'aws:TagKeys', 'team')], true],
    ['Null true with ForAllValues (true when absent)', [clause('Null', 'aws:TagKeys', 'true'), clause('ForAllValues:StringEquals', 'aws:TagKeys', 'team')], false],
    ['Null true with a negated operator (true when absent)', [clause('Null', 'aws:ResourceTag/team', 'true'), clause('StringNotEquals', 'aws:ResourceTag/team', 'mail')], false],
    ['IpAddress and NotIpAddress with the same range', [clause('IpAddress', 'aws:SourceIp', '203.0.113.0/24'), clause('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24')], true],
    ['IpAddress and NotIpAddress with different ranges', [clause('IpAddress', 'aws:SourceIp', '203.0.113.0/24'), clause('NotIpAddress', 'aws:SourceIp', '203.0.113.0/25')], false],
    ['a number that is not a number', [clause('NumericEquals', 'aws:MultiFactorAuthAge', 'ten')], true],
    ['an address that is not an address', [clause('IpAddress', 'aws:SourceIp', '300.1.1.1')], true],
    ['a variable in the value: unknown, so not provable', [clause('StringEquals', 'aws:RequestedRegion', 'us-east-1'), clause('StringEquals', 'aws:RequestedRegion', '${aws:PrincipalTag/region}')], false],
    ['clauses on different keys', [clause('StringEquals', 'a:x', '1'), clause('StringEquals', 'a:y', '2')], false],
  ] as const)('%s -> %s', (_name, clauses, never) => {
    expect(neverTrue([...clauses], true) !== null).toBe(never);
  });

  // Soundness: whenever neverTrue answers, no context built from the clauses' own values (and neighbours)
  // satisfies them all under compileCondition.
  const KEYS = ['k:s', 'aws:MultiFactorAuthAge', 'k:n'];
  const OPS = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase', 'NumericLessThan', 'NumericGreaterThanEquals', 'NumericEquals', 'NumericNotEquals', 'StringEqualsIfExists', 'Null', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'Bool'];
  const VALUES = ['a', 'b', 'a*', '*', '0', '1', '-1', '10', 'true', 'false', 'x?'];
  const gen = fc.array(fc.record({ operator: fc.constantFrom(...OPS), key: fc.constantFrom(...KEYS), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 4 });
  it('is sound on generated clause sets', () => {
    const candidates: Array<string | string[] | undefined> = [undefined, [], ...VALUES, ...VALUES.map((v) => v.replace(/[*?]/g, 'z')), 'A', '0.5', '5', '100', '-5', ['a'], ['a', 'b'], ['A']];
    let proved = 0;
    fc.assert(fc.property(gen, (clauses) => {
      // One clause per operator and key, as a Condition block can hold.
      const unique = clauses.filter((c, i) => clauses.findIndex((d) => d.operator === c.operator && d.key === c.key) === i);
      if (!neverTrue(unique, true)) return;
      proved++;
      const tests = unique.map((c) => compileCondition(c, true));
      const keys = [...new Set(unique.map((c) => c.key.toLowerCase()))];
      const assign = (i: number, ctx: Map<string, string | string[] | undefined>): boolean => {
        if (i === keys.length) return tests.every((t) => t((k) => ctx.get(k)));
        // aws:MultiFactorAuthAge is never negative (the one domain fact neverTrue uses).
        const domain = keys[i] === 'aws:multifactorauthage' ? candidates.filter((v) => typeof v !== 'string' || !v.startsWith('-')) : candidates;
        return domain.some((v) => assign(i + 1, new Map(ctx).set(keys[i]!, v)));
      };
      expect(assign(0, new Map())).toBe(false);
    }), { numRuns: 2000, seed: 3 });
    expect(proved).toBeGreaterThan(50);
  });
});
