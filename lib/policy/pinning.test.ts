import { describe, expect, it } from 'vitest';
import { clausePins, clauseRestricts, conditionsPinToTrusted, type Trust } from './pinning.ts';

const trust: Trust = { accounts: ['111122223333'], orgIds: ['o-a1b2c3d4e5'] };

describe('clausePins: a condition pins the principal only on keys the caller cannot choose', () => {
  it.each([
    ['StringEquals aws:PrincipalOrgID trusted org', 'StringEquals', 'aws:PrincipalOrgID', ['o-a1b2c3d4e5'], 'principal', true],
    ['key names compare case-insensitively (aws:principalorgid)', 'StringEquals', 'aws:principalorgid', ['o-a1b2c3d4e5'], 'principal', true],
    ['StringLike aws:PrincipalOrgPaths under a trusted org', 'ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'], 'principal', true],
    ['aws:PrincipalOrgPaths with a wildcard org', 'ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', ['o-*/r-ab12/*'], 'principal', false],
    ['StringEquals aws:PrincipalAccount trusted', 'StringEquals', 'aws:PrincipalAccount', ['111122223333'], 'principal', true],
    ['ArnLike aws:SourceArn in a trusted account', 'ArnLike', 'aws:SourceArn', ['arn:aws:sns:*:111122223333:*'], 'service', true],
    ['StringEquals aws:SourceOrgID trusted org pins a service', 'StringEquals', 'aws:SourceOrgID', ['o-a1b2c3d4e5'], 'service', true],
    ['aws:PrincipalAccount does not pin a service principal', 'StringEquals', 'aws:PrincipalAccount', ['111122223333'], 'service', false],
    ['aws:SourceIp is caller-controlled', 'IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], 'principal', false],
    ['aws:CurrentTime is caller-controlled', 'DateLessThan', 'aws:CurrentTime', ['2030-01-01T00:00:00Z'], 'principal', false],
    ['StringNotEquals excludes instead of requiring', 'StringNotEquals', 'aws:PrincipalAccount', ['999999999999'], 'principal', false],
    ['ArnNotLike excludes instead of requiring', 'ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::999999999999:*'], 'principal', false],
    ['Null only tests presence', 'Null', 'aws:PrincipalOrgID', ['false'], 'principal', false],
    ['an unknown operator pins nothing', 'StringMaybe', 'aws:PrincipalAccount', ['111122223333'], 'principal', false],
  ] as const)('%s -> %s', (_name, operator, key, values, scope, pins) => {
    expect(clausePins({ operator, key, values: [...values] }, trust, scope).pins).toBe(pins);
  });
});

describe('conditionsPinToTrusted', () => {
  it('one pinning clause pins the statement (conditions are ANDed)', () => {
    const verdict = conditionsPinToTrusted(
      [
        { operator: 'IpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8'] },
        { operator: 'StringEquals', key: 'aws:PrincipalOrgID', values: ['o-a1b2c3d4e5'] },
      ],
      trust,
      'principal',
    );
    expect(verdict.pinned).toBe(true);
    expect(verdict.by.map((c) => c.key)).toEqual(['aws:PrincipalOrgID']);
  });

  it('explains why nothing pins', () => {
    expect(conditionsPinToTrusted([], trust, 'service').why).toMatch(/no condition on aws:SourceAccount/);
    expect(conditionsPinToTrusted([{ operator: 'StringEqualsIfExists', key: 'aws:SourceAccount', values: ['111122223333'] }], trust, 'service').why).toMatch(
      /lets a request without aws:SourceAccount through/,
    );
  });
});

describe('clauseRestricts: does a content condition restrict what is sent', () => {
  it.each([
    ['StringEquals ses:FromAddress', 'StringEquals', 'ses:FromAddress', ['a@example.com'], true],
    ['StringLike ses:FromAddress on a domain', 'StringLike', 'ses:FromAddress', ['*@example.com'], true],
    ['StringLike "*" matches anything', 'StringLike', 'ses:FromAddress', ['*'], false],
    ['StringLike "*@*" matches anything', 'StringLike', 'ses:FromAddress', ['*@*'], false],
    ['StringEqualsIfExists lets a missing key through', 'StringEqualsIfExists', 'ses:FromAddress', ['a@example.com'], false],
    ['ForAllValues on ses:Recipients restricts every recipient', 'ForAllValues:StringLike', 'ses:Recipients', ['*@example.com'], true],
    ['ForAllValues on single-valued ses:FromAddress is true when absent', 'ForAllValues:StringEquals', 'ses:FromAddress', ['a@example.com'], false],
    ['StringNotLike excludes, the rest goes', 'StringNotLike', 'ses:FromAddress', ['ceo@*'], false],
  ] as const)('%s -> %s', (_name, operator, key, values, restricts) => {
    expect(clauseRestricts({ operator, key, values: [...values] })).toBe(restricts);
  });
});
