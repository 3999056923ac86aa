import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate } from './evaluate.ts';
import { parsePolicy } from './parse.ts';
import type { Policy } from './types.ts';
import { clausePins, clauseRestricts, conditionsPinToTrusted, type Trust } from './pinning.ts';

function policyOf(statements: object[]): Policy {
  const r = parsePolicy({ Version: '2012-10-17', Statement: statements });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.policy;
}

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
    // A value pins only when no wildcard or variable can reach into or past the account field. IAM paths
    // may contain ":", and StringLike's * spans colons: "arn:aws:iam:*:111122223333:*" matches
    // arn:aws:iam::444455556666:user/:111122223333:/mallory.
    ['StringLike aws:PrincipalArn with a wildcard before the account field', 'StringLike', 'aws:PrincipalArn', ['arn:aws:iam:*:111122223333:*'], 'principal', false],
    ['StringLike aws:PrincipalArn with a ? before the account field', 'StringLike', 'aws:PrincipalArn', ['arn:aws:ia?::111122223333:*'], 'principal', false],
    ['StringLike aws:PrincipalArn with a wildcard partition', 'StringLike', 'aws:PrincipalArn', ['arn:*:iam::111122223333:role/*'], 'principal', false],
    ['StringLike aws:PrincipalArn literal through the account field', 'StringLike', 'aws:PrincipalArn', ['arn:aws:iam::111122223333:role/*'], 'principal', true],
    ['StringLike aws:PrincipalArn with a wildcard inside the account field', 'StringLike', 'aws:PrincipalArn', ['arn:aws:iam::1111222233*:role/x'], 'principal', false],
    ['StringEquals aws:PrincipalArn with a variable before the account field', 'StringEquals', 'aws:PrincipalArn', ['arn:${aws:username}:iam::111122223333:root'], 'principal', false],
    ['StringEquals aws:PrincipalArn with a variable after the account field', 'StringEquals', 'aws:PrincipalArn', ['arn:aws:iam::111122223333:user/${aws:username}'], 'principal', true],
    // ArnLike and ArnEquals match segment by segment: a wildcard stays in its segment.
    ['ArnLike aws:PrincipalArn with a region wildcard pins (segment-wise)', 'ArnLike', 'aws:PrincipalArn', ['arn:aws:iam:*:111122223333:*'], 'principal', true],
    ['ArnEquals aws:PrincipalArn with wildcards outside the account field pins', 'ArnEquals', 'aws:PrincipalArn', ['arn:*:iam::111122223333:user/*'], 'principal', true],
    ['ArnLike aws:PrincipalArn with a wildcard in the account field', 'ArnLike', 'aws:PrincipalArn', ['arn:aws:iam::*:root'], 'principal', false],
    ['ArnLike aws:PrincipalArn with the caller\'s own account as the account', 'ArnLike', 'aws:PrincipalArn', ['arn:aws:iam::${aws:PrincipalAccount}:*'], 'principal', false],
    ['ArnLike aws:PrincipalArn with a variable in an earlier segment', 'ArnLike', 'aws:PrincipalArn', ['arn:${aws:username}:iam::111122223333:*'], 'principal', false],
    ['ArnLike on a short ARN never matches, so it pins nothing', 'ArnLike', 'aws:PrincipalArn', ['arn:aws:iam::111122223333'], 'principal', false],
    ['StringLike aws:SourceArn with a wildcard before the account field', 'StringLike', 'aws:SourceArn', ['arn:aws:sns:*:111122223333:*'], 'service', false],
    ['ArnLike aws:SourceArn with a wildcard before the account field', 'ArnLike', 'aws:SourceArn', ['arn:aws:sns:*:111122223333:*'], 'service', true],
    ['StringLike aws:SourceArn of an S3 bucket (no account field)', 'StringLike', 'aws:SourceArn', ['arn:aws:s3:::bucket'], 'service', false],
    ['StringLike aws:PrincipalOrgID with a wildcard', 'StringLike', 'aws:PrincipalOrgID', ['o-a1b2c3d4e5*'], 'principal', false],
    ['StringEquals aws:PrincipalOrgID as a variable', 'StringEquals', 'aws:PrincipalOrgID', ['${aws:PrincipalOrgID}'], 'principal', false],
    ['StringEqualsIgnoreCase aws:PrincipalOrgID in another case', 'StringEqualsIgnoreCase', 'aws:PrincipalOrgID', ['O-A1B2C3D4E5'], 'principal', true],
    ['aws:PrincipalOrgPaths with a wildcard inside the org id', 'ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', ['o-a1b2c3d4e5*/*'], 'principal', false],
    ['aws:PrincipalOrgPaths beginning with a wildcard', 'ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', ['*/o-a1b2c3d4e5/*'], 'principal', false],
    ['aws:PrincipalOrgPaths with a variable org', 'ForAnyValue:StringEquals', 'aws:PrincipalOrgPaths', ['${aws:PrincipalOrgID}/r-ab12/'], 'principal', false],
    ['aws:SourceOrgPaths under a trusted org pins a service', 'ForAnyValue:StringLike', 'aws:SourceOrgPaths', ['o-a1b2c3d4e5/*'], 'service', true],
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

describe('clausePins is sound: a pinned clause never lets a principal outside the trusted accounts and orgs in', () => {
  // The oracle is the engine itself: the clause goes into a resource policy that allows Principal "*",
  // and evaluate() decides for an adversary whose account and org are NOT trusted. Whenever clausePins
  // says "pinned", no adversary may be allowed.
  const TRUSTED = '111122223333';
  const ORG = 'o-a1b2c3d4e5';
  const FOREIGN = ['444455556666', '999988887777'];
  const FOREIGN_ORG = 'o-zz9yy8xx7w';
  const IDENTITY = `arn:aws:ses:us-east-1:${TRUSTED}:identity/example.com`;
  const pinTrust: Trust = { accounts: [TRUSTED], orgIds: [ORG] };

  type KeyKind = 'arn' | 'account' | 'org' | 'org-path';
  const KEYS: ReadonlyArray<readonly [string, KeyKind, 'principal' | 'service']> = [
    ['aws:PrincipalArn', 'arn', 'principal'], ['aws:SourceArn', 'arn', 'service'],
    ['aws:PrincipalAccount', 'account', 'principal'], ['aws:SourceAccount', 'account', 'service'],
    ['aws:PrincipalOrgID', 'org', 'principal'], ['aws:SourceOrgID', 'org', 'service'],
    ['aws:PrincipalOrgPaths', 'org-path', 'principal'], ['aws:SourceOrgPaths', 'org-path', 'service'],
  ];
  const OPERATORS = ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase', 'ArnLike', 'ArnEquals', 'ForAnyValue:StringLike', 'ForAnyValue:StringEquals', 'ForAnyValue:ArnLike'];
  // Pieces that put wildcards and variables before, inside and after the account field, and the trusted
  // account/org where an adversary can place it (paths and resource names may contain ":").
  const TOKENS = ['arn', ':', ':', '*', '?', 'aws', 'iam', 'sts', 'sns', '', TRUSTED, FOREIGN[0]!, '1111222233?3', 'user/', 'role/', '/', ORG, FOREIGN_ORG, 'r-ab12', '${aws:username}', '${aws:PrincipalAccount}', '${aws:PrincipalOrgID}', '${aws:SourceAccount}', '${*}'];
  const piece = fc.constantFrom(...TOKENS);
  const segment = fc.array(piece, { maxLength: 3 }).map((xs) => xs.join(''));
  const arnShaped = fc.tuple(segment, segment, segment, segment, fc.array(piece, { maxLength: 5 })).map(([p, s, r, a, rest]) => `arn:${p}:${s}:${r}:${a}:${rest.join('')}`);
  const trustedArn = fc.tuple(segment, segment, segment, fc.array(piece, { maxLength: 5 })).map(([p, sv, r, rest]) => `arn:${p}:${sv}:${r}:${TRUSTED}:${rest.join('')}`);
  const pattern = fc.oneof(
    arnShaped,
    { arbitrary: trustedArn, weight: 3 },
    fc.constantFrom(`arn:aws:iam::${TRUSTED}:*`, `arn:aws:iam:*:${TRUSTED}:*`, `arn:*:iam::${TRUSTED}:*`, `arn:aws:sns:*:${TRUSTED}:*`, TRUSTED, ORG, `${ORG}/*`, `*/${ORG}/*`, `${ORG}*`, '*'),
    fc.array(piece, { minLength: 1, maxLength: 10 }).map((xs) => xs.join('')),
  );

  // Fill a pattern's wildcards the way an attacker would: with nothing, a colon, or text that moves the
  // trusted account or org into a later field (IAM paths and resource names may contain ":" and "/").
  const FILLERS = ['', ':', 'x', `:${FOREIGN[0]}:user/`, `${FOREIGN[0]}:user/`, `:${FOREIGN[0]}:user/a:`, `/${FOREIGN_ORG}/`, `${FOREIGN_ORG}/r-ab12/`, 'evil/', '/x:'];
  function instantiate(value: string, fills: readonly string[], vars: Record<string, string>, wildcards: boolean): string {
    let i = 0;
    const substituted = value.replace(/\$\{([^}]*)\}/g, (_m, name: string) => (name === '*' ? '*' : vars[name.toLowerCase()] ?? ''));
    // StringEquals compares * and ? as literal characters: the attacker must present them as written.
    if (!wildcards) return substituted;
    return substituted
      .replace(/[*?]/g, (c) => {
        const fill = fills[i++ % fills.length] ?? '';
        return c === '?' ? (fill[0] ?? 'x') : fill;
      });
  }

  interface Adversary {
    arn: string;
    account: string;
    org: string;
    path: string;
    username: string;
  }
  /** An IAM user whose path the attacker chose; its account is the ARN's account field (always foreign). */
  function adversaryFrom(candidateArn: string, fallbackAccount: string): Adversary {
    const parts = candidateArn.split(':');
    const account = parts[4] && /^\d{12}$/.test(parts[4]) && parts[4] !== TRUSTED ? parts[4] : fallbackAccount;
    // Keep the attacker's text as the user's path so the principal ARN stays a valid IAM ARN.
    const tail = parts.slice(5).join(':').replace(/[^\x21-\x7e]/g, '');
    const path = `/${tail.replace(/^\/+/, '')}/`.replace(/\/+$/, '/');
    return { arn: `arn:aws:iam::${account}:user${path}mallory`, account, org: FOREIGN_ORG, path: `${FOREIGN_ORG}/r-ab12/`, username: 'mallory' };
  }

  function allowed(operator: string, key: string, values: string[], scope: 'principal' | 'service', adversary: Adversary, raw: string): boolean {
    const resourcePolicy = { label: 'rp', policy: policyOf([{ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY, Condition: { [operator]: { [key]: values } } }]) };
    // A caller from another account also needs its own IAM to allow; a service principal has no IAM policies.
    const identityPolicies = scope === 'principal' ? [{ label: 'own', policy: policyOf([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }] : [];
    // The adversary controls the strings AWS reports for it: its ARN (path), and for a service's source
    // the source resource's ARN — here the raw instantiated value, which may be any ARN it owns.
    const context: Record<string, string | string[]> = scope === 'principal'
      ? { 'aws:PrincipalArn': adversary.arn, 'aws:PrincipalAccount': adversary.account, 'aws:PrincipalOrgID': adversary.org, 'aws:PrincipalOrgPaths': [adversary.path], 'aws:username': adversary.username }
      : { 'aws:SourceArn': raw, 'aws:SourceAccount': adversary.account, 'aws:SourceOrgID': adversary.org, 'aws:SourceOrgPaths': [adversary.path] };
    const principal = scope === 'principal' ? adversary.arn : 'ses.amazonaws.com';
    const decision = evaluate({ action: 'ses:SendEmail', resource: IDENTITY, principal, context }, { identityPolicies, resourcePolicy }).decision;
    return decision === 'Allow';
  }

  /** For a service source ARN, the account AWS reports is the ARN's own account field; keep only foreign ones. */
  function sourceArnIsForeign(raw: string): boolean {
    const account = raw.split(':')[4];
    return account !== TRUSTED;
  }

  it('for generated patterns and adversarial principals', () => {
    let pinned = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...KEYS),
        fc.constantFrom(...OPERATORS),
        fc.array(pattern, { minLength: 1, maxLength: 2 }),
        fc.array(fc.constantFrom(...FILLERS), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...FOREIGN),
        ([key, kind, scope], operator, values, fills, foreign) => {
          const verdict = clausePins({ operator, key, values }, pinTrust, scope);
          if (!verdict.pins) return;
          pinned++;
          const vars = { 'aws:username': 'mallory', 'aws:principalaccount': foreign, 'aws:sourceaccount': foreign, 'aws:principalorgid': FOREIGN_ORG };
          for (const value of values) {
            const raw = instantiate(value, fills, vars, /Like|Arn/.test(operator));
            const adversaries: Adversary[] = [
              adversaryFrom(raw, foreign),
              { arn: `arn:aws:iam::${foreign}:user/:${TRUSTED}:/mallory`, account: foreign, org: FOREIGN_ORG, path: `${FOREIGN_ORG}/r-ab12/`, username: 'mallory' },
              { arn: `arn:aws:sts::${foreign}:assumed-role/${TRUSTED}/${ORG}`, account: foreign, org: FOREIGN_ORG, path: `${FOREIGN_ORG}/${ORG}/`, username: 'mallory' },
            ];
            // For account/org keys the attacker reports its own values; the instantiated value is tried as
            // the org path too (the attacker cannot choose its org id, only where the trusted one appears).
            if (kind === 'org-path') adversaries.push({ ...adversaries[1]!, path: raw.startsWith(ORG) ? `${FOREIGN_ORG}/${raw}` : raw });
            for (const adversary of adversaries) {
              if (scope === 'service' && kind === 'arn' && !sourceArnIsForeign(raw)) continue;
              if (allowed(operator, key, values, scope, adversary, raw)) {
                throw new Error(`pinned by ${operator} ${key} ${JSON.stringify(values)}, yet ${adversary.arn} (${adversary.account}, source ${raw}) is allowed`);
              }
            }
          }
        },
      ),
      { numRuns: 10_000, seed: 20260512 },
    );
    // The generator must reach the interesting side: many clauses are judged pinned.
    expect(pinned).toBeGreaterThan(250);
  });
});
