/**
 * The guard's own roles are the exact role ARNs its deployment created, never a name pattern: a pattern
 * such as `role/sesguard-prod-*` also covers `role/sesguard-prod-backdoor` and `role/sesguard-prod-/helper`
 * (a path), and whatever such a role did would be skipped as "the guard's own repair", with no alert.
 *
 * IAM role names are unique within an account regardless of case ("you can't create a role named both
 * ADMIN and admin"), so the name is compared case-insensitively; partition, account and path are
 * compared exactly, and nothing is ever read as a wildcard.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */

export interface RoleArn {
  partition: string;
  account: string;
  /** `/` for a role without a path, else `/<path>/`. */
  path: string;
  name: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/(?:[^/]+\/)*)([^/]+)$/;
const STS_SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

export function parseRoleArn(arn: string): RoleArn | undefined {
  const m = ROLE_ARN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, account: m[2]!, path: m[3]!, name: m[4]! };
}

/** Why `arn` cannot name one of the guard's roles (a usage or environment error), or undefined. */
export function ownRoleArnProblem(arn: string): string | undefined {
  if (/[*?]/.test(arn)) return `"${arn}" contains a wildcard: the guard's own roles are exact role ARNs, never patterns`;
  if (!parseRoleArn(arn)) return `"${arn}" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<path/>name)`;
  return undefined;
}

/** One role: partition, account and path exactly, the name case-insensitively. */
export function sameRole(a: string, b: string): boolean {
  const x = parseRoleArn(a);
  const y = parseRoleArn(b);
  if (!x || !y) return false;
  return x.partition === y.partition && x.account === y.account && x.path === y.path && x.name.toLowerCase() === y.name.toLowerCase();
}

export interface PrincipalIdentity {
  type?: string | undefined;
  /** userIdentity.arn: an STS session ARN for a role session, or a role/user ARN for a principal. */
  arn?: string | undefined;
  /** The role a session belongs to (userIdentity.sessionContext.sessionIssuer.arn), path included. */
  sessionIssuerArn?: string | undefined;
}

/**
 * Whether the call (or the principal) is one of the guard's own roles. A session is identified by its
 * issuer's role ARN, which carries the path; the STS session ARN (`assumed-role/<name>/<session>`) has
 * no path and is only checked to agree with the issuer. An assumed role without an issuer cannot be
 * identified exactly, so it is not the guard.
 */
export function isOwnRole(principal: PrincipalIdentity, ownRoleArns: readonly string[]): boolean {
  const listed = (roleArn: string) => ownRoleArns.some((own) => sameRole(own, roleArn));
  const issuer = principal.sessionIssuerArn;
  if (issuer !== undefined) {
    if (!listed(issuer)) return false;
    const session = principal.arn === undefined ? null : STS_SESSION.exec(principal.arn);
    if (principal.arn === undefined || principal.arn === issuer) return true;
    if (!session) return false;
    const role = parseRoleArn(issuer)!;
    return session[1] === role.partition && session[2] === role.account && session[3]!.toLowerCase() === role.name.toLowerCase();
  }
  if (principal.type === 'AssumedRole') return false;
  return principal.arn !== undefined && listed(principal.arn);
}
