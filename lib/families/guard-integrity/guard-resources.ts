import { parseRoleArn } from '../../cloudtrail/own-role.ts';
import type { ParseOptions } from '../../cloudtrail/event-parser.ts';

/**
 * Which resources are the guard's, as an event names them. Roles and keys are known exactly (the
 * deployment passes their ARNs); the rest are named `sesguard-<stage>-...` by the template, and a
 * resource of another stage never shares that prefix (stages have no hyphen: scripts/deploy/functions.ts).
 */

/**
 * `guard`: one of the deployment's roles. `look-alike`: a role whose name starts with the guard prefix,
 * or whose path contains it, in any case, that is not one of them — a role posing as the guard (it used
 * to be skipped as the guard's own, so creating one was the way around the guard).
 */
export type RoleStanding = 'guard' | 'look-alike' | undefined;

export function roleStanding(roleName: string, path: string | undefined, options: ParseOptions): RoleStanding {
  const name = roleName.toLowerCase();
  // Role names are unique in an account regardless of case; events name the role, not its path.
  if (options.ownRoleArns.some((arn) => parseRoleArn(arn)?.name.toLowerCase() === name)) return 'guard';
  const prefix = options.guardResourcePrefix.toLowerCase();
  if (prefix.length === 0) return undefined;
  if (name.startsWith(prefix) || (path ?? '').toLowerCase().includes(prefix)) return 'look-alike';
  return undefined;
}

/** A guard resource named by the template (`sesguard-<stage>-...`). An empty prefix names nothing. */
export function isGuardName(name: string, options: ParseOptions): boolean {
  const prefix = options.guardResourcePrefix;
  return prefix.length > 0 && name.startsWith(prefix);
}

/**
 * The guard's own managed policies (the quarantine policy and its revoke-sessions companion), by ARN in
 * the event's partition and account.
 */
export function isGuardPolicy(policyArn: string, options: ParseOptions): boolean {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn);
  return m !== null && (options.guardPolicyNames ?? []).includes(m[1]!);
}

/**
 * KMS calls on a key accept only its id or ARN (DisableKey, ScheduleKeyDeletion and PutKeyPolicy reject
 * aliases), and CloudTrail records the ARN in `resources` and, since December 2022, in the response.
 * https://docs.aws.amazon.com/kms/latest/developerguide/ct-disablekey.html
 */
export function isGuardKey(candidates: readonly string[], options: ParseOptions): boolean {
  const keys = options.guardKeyArns ?? [];
  return candidates.some((candidate) => keys.some((arn) => arn === candidate || arn.endsWith(`:key/${candidate}`)));
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (or a queue ARN) -> the queue name. */
export function queueName(queueUrlOrArn: string): string {
  const parts = queueUrlOrArn.split(/[/:]/);
  return parts[parts.length - 1] ?? queueUrlOrArn;
}

/** A subscription ARN is its topic's ARN plus `:<subscription-id>`. */
export function topicOfSubscription(subscriptionArn: string): string {
  const parts = subscriptionArn.split(':');
  return parts.length >= 7 ? parts.slice(0, 6).join(':') : subscriptionArn;
}

/** `arn:...:function:name[:qualifier]`, `account:function:name` or a bare name -> the name. */
export function lambdaFunctionName(functionName: string): string {
  const marker = ':function:';
  const at = functionName.indexOf(marker);
  const rest = at >= 0 ? functionName.slice(at + marker.length) : functionName;
  return rest.split(':')[0] ?? rest;
}

/** The last `separator`-separated segment (`arn:...:topic` -> `topic`, `.../table/name` -> `name`). */
export function lastSegment(arnOrName: string, separator: string): string {
  const parts = arnOrName.split(separator);
  return parts[parts.length - 1] ?? arnOrName;
}
