import { matchesArnPattern } from '../policy/index.ts';
import type { Actor } from './types.ts';

/**
 * Whether the call was made by one of the guard's own roles. For an assumed role the role ARN is the
 * session issuer; the session ARN (`arn:aws:sts::...:assumed-role/<role>/<session>`) is matched too, so
 * patterns written against either form work.
 */
export function isOwnRole(actor: Actor, ownRoleArns: readonly string[]): boolean {
  const candidates = [actor.sessionIssuerArn, actor.arn].filter((a): a is string => typeof a === 'string' && a.length > 0);
  return ownRoleArns.some((pattern) => candidates.some((arn) => matchesArnPattern(pattern, arn)));
}
