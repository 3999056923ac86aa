import { accountOfPrincipal } from './arn.ts';
import type { PrincipalSet } from './types.ts';

/**
 * Does a Principal element name the caller? `principal` is the caller as IAM sees it: a user/role ARN,
 * an STS assumed-role session ARN, an account root ARN, a service principal (`ses.amazonaws.com`),
 * or undefined for an anonymous caller.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export function matchesPrincipalSet(set: PrincipalSet, principal: string | undefined | Caller): boolean {
  if (set.wildcard) return true;
  if (principal === undefined) return false;
  const arn = typeof principal === 'string' ? principal : principal.principal;
  if (set.Service.includes(arn) || set.Federated.includes(arn) || set.CanonicalUser.includes(arn)) {
    return true;
  }
  if (set.AWS.length === 0) return false;
  const { account, roleArn } = typeof principal === 'string' ? callerOf(principal) : principal;
  for (const p of set.AWS) {
    if (p === arn) return true;
    // An account id or its root ARN names every principal of the account.
    if (account !== undefined && (p === account || isRootOf(p, account))) return true;
    // A role ARN in a resource policy names the role's sessions too.
    if (roleArn !== undefined && p === roleArn) return true;
  }
  return false;
}

/**
 * The caller with what every Principal comparison derives from it (its account, the role of a session),
 * worked out once per request: a resource policy of thousands of statements compares it to each.
 */
export interface Caller {
  readonly principal: string;
  readonly account: string | undefined;
  readonly roleArn: string | undefined;
}

export function callerOf(principal: string): Caller {
  return { principal, account: accountOfPrincipal(principal), roleArn: roleOfSession(principal) };
}

function isRootOf(p: string, account: string): boolean {
  return p.endsWith(`:iam::${account}:root`) && p.startsWith('arn:');
}

/** arn:aws:sts::111122223333:assumed-role/Role/session -> arn:aws:iam::111122223333:role/Role */
function roleOfSession(principal: string): string | undefined {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}
