import type { Actor } from './types.ts';

const cache = new Map<string, RegExp>();

/**
 * IAM-style wildcard match (`*` any run, `?` one character), case-insensitive because IAM role names
 * are unique regardless of case: a pattern written `SesGuard-*` must still recognise the guard's own
 * `sesguard-prod-...` role, or the guard would start reverting its own repairs.
 */
export function matchesWildcard(pattern: string, value: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, 'is');
    cache.set(pattern, regex);
  }
  return regex.test(value);
}

/**
 * Whether the call was made by one of the guard's own roles. For an assumed role the role ARN is the
 * session issuer; the session ARN (`arn:aws:sts::...:assumed-role/<role>/<session>`) is matched too, so
 * patterns written against either form work.
 */
export function isOwnRole(actor: Actor, ownRoleArns: readonly string[]): boolean {
  const candidates = [actor.sessionIssuerArn, actor.arn].filter((a): a is string => typeof a === 'string' && a.length > 0);
  return ownRoleArns.some((pattern) => candidates.some((arn) => matchesWildcard(pattern, arn)));
}
