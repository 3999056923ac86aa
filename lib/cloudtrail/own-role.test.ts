import { describe, expect, it } from 'vitest';
import { isOwnRole, ownRoleArnProblem, parseRoleArn, sameRole } from './own-role.ts';
import type { Actor } from './types.ts';

const ACCOUNT = '111122223333';
const GUARD_ROLE = `arn:aws:iam::${ACCOUNT}:role/sesguard-prod-identity-policy-eu-west-1`;
const OWN = [GUARD_ROLE, `arn:aws:iam::${ACCOUNT}:role/sesguard-prod-iam-grant-us-east-1`];

/** An assumed-role session of `roleArn`, as CloudTrail records it (sessionIssuer + the STS session ARN). */
function session(roleArn: string, sessionName = 'sesguard'): Actor {
  const role = parseRoleArn(roleArn);
  const name = role?.name ?? roleArn.split('/').pop() ?? '';
  return { type: 'AssumedRole', arn: `arn:aws:sts::${role?.account ?? ACCOUNT}:assumed-role/${name}/${sessionName}`, sessionIssuerArn: roleArn, accountId: ACCOUNT };
}

describe('isOwnRole: the guard is exactly the roles its deployment created', () => {
  it.each([
    ["the guard's role itself", session(GUARD_ROLE), true],
    ['IAM role names are unique case-insensitively: the same role written in another case', session(`arn:aws:iam::${ACCOUNT}:role/SesGuard-Prod-Identity-Policy-EU-West-1`), true],
    // The attacks of issue 11: every one of these was skipped as "own-role" by the name pattern.
    ['a role merely named like the guard (sesguard-prod-backdoor)', session(`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-backdoor`), false],
    ['the guard prefix used as a path (role/sesguard-prod-/helper)', session(`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-/helper`), false],
    ['a guard role name under another path: the path is part of the ARN', session(`arn:aws:iam::${ACCOUNT}:role/x/sesguard-prod-identity-policy-eu-west-1`), false],
    ['a mixed-case look-alike (SesGuard-Prod-x)', session(`arn:aws:iam::${ACCOUNT}:role/SesGuard-Prod-x`), false],
    ['the same role name in another account', session(`arn:aws:iam::444455556666:role/sesguard-prod-identity-policy-eu-west-1`), false],
    ['the same role in another partition', session(`arn:aws-cn:iam::${ACCOUNT}:role/sesguard-prod-identity-policy-eu-west-1`), false],
    ['an IAM user named like the guard role', { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/sesguard-prod-identity-policy-eu-west-1` } satisfies Actor, false],
    [
      'a session whose STS ARN names another role than its issuer (a hand-made record)',
      { ...session(GUARD_ROLE), arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-legacy/x` } satisfies Actor,
      false,
    ],
    ['an assumed role without a session issuer cannot be identified exactly', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/sesguard-prod-identity-policy-eu-west-1/s` } satisfies Actor, false],
  ] as const)('%s -> %s', (_name, actor, expected) => {
    expect(isOwnRole(actor, OWN)).toBe(expected);
  });

  it('never reads an entry as a pattern: a "*" in the list matches only a role literally named so', () => {
    const patterns = [`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-*`, 'arn:aws:iam::*:role/sesguard-*'];
    expect(isOwnRole(session(`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-backdoor`), patterns)).toBe(false);
    expect(isOwnRole(session(GUARD_ROLE), patterns)).toBe(false);
  });

  it('a principal named by its role ARN (not an actor) is the guard only when that ARN is listed', () => {
    expect(isOwnRole({ arn: GUARD_ROLE }, OWN)).toBe(true);
    expect(isOwnRole({ arn: `arn:aws:iam::${ACCOUNT}:role/sesguard-prod-backdoor` }, OWN)).toBe(false);
  });
});

describe('ownRoleArnProblem: what the environment and --own-role accept', () => {
  it.each([
    [GUARD_ROLE, undefined],
    [`arn:aws:iam::${ACCOUNT}:role/service-role/sesguard-prod-sweep-us-east-1`, undefined],
    [`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-*`, /wildcard/],
    [`arn:aws:iam::*:role/sesguard-prod-x`, /wildcard|12-digit/],
    [`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-?`, /wildcard/],
    [`arn:aws:sts::${ACCOUNT}:assumed-role/sesguard-prod-x/session`, /IAM role ARN/],
    [`arn:aws:iam::${ACCOUNT}:user/sesguard-prod-x`, /IAM role ARN/],
    ['sesguard-prod-x', /IAM role ARN/],
  ] as const)('%s', (arn, problem) => {
    if (problem === undefined) expect(ownRoleArnProblem(arn)).toBeUndefined();
    else expect(ownRoleArnProblem(arn)).toMatch(problem);
  });

  it('sameRole compares the name case-insensitively and everything else exactly', () => {
    expect(sameRole(GUARD_ROLE, GUARD_ROLE.toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam').replace(':ROLE/', ':role/'))).toBe(true);
    expect(sameRole(GUARD_ROLE, `arn:aws:iam::${ACCOUNT}:role/other/sesguard-prod-identity-policy-eu-west-1`)).toBe(false);
  });
});
