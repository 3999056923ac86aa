import * as z from '../../zod.ts';

/**
 * Revoking a role's older sessions with a policy the guard owns, never an inline policy it writes.
 *
 * IAM's own "Revoke active sessions" writes an inline policy that denies every action to sessions
 * whose `aws:TokenIssueTime` is before now. Writing inline policies needs iam:PutRolePolicy, which IAM
 * cannot restrict by document: a role holding it can make any role an administrator. The guard instead
 * owns one managed policy, `<quarantinePolicyName>-revoke-sessions`, holding exactly that deny, and
 *  - advances its cut-off with iam:CreatePolicyVersion on that one policy ARN (IAM keeps 5 versions: the
 *    oldest non-default one is deleted first),
 *  - attaches it to the quarantined role, allowed only by an `iam:PolicyARN` condition naming it.
 * The cut-off is shared: every role carrying the policy loses its sessions issued before the newest
 * quarantine. That role is quarantined already, and fresh sessions keep working.
 * The document is checked here, in one place, so GUARD-001 can tell the guard's cut-off from any other
 * rewrite of the policy (lib/families/guard-integrity/events.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */

/** The revoke-sessions policy's name, beside the configured quarantine policy. IAM caps names at 128. */
export function revokeSessionsPolicyName(quarantinePolicyName: string): string {
  return `${quarantinePolicyName}-revoke-sessions`.slice(0, 128);
}

/** Before any quarantine the cut-off revokes nothing: no session was issued before it. */
export const INITIAL_CUT_OFF = '2000-01-01T00:00:00Z';

export function revokeSessionsDocument(before: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'RevokeOlderSessions', Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': before } } }],
  });
}

// Built on the first check: most cold starts judge no revoke-sessions document at all.
const RevokeSessionsDocument = z.lazy(() => {
  const star = z.union([z.literal('*'), z.tuple([z.literal('*')])]);
  return z.strictObject({
    Version: z.literal('2012-10-17'),
    Statement: z.tuple([
      z.strictObject({
        Sid: z.optional(z.string()),
        Effect: z.literal('Deny'),
        Action: star,
        Resource: star,
        Condition: z.strictObject({ DateLessThan: z.strictObject({ 'aws:TokenIssueTime': z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)))) }) }),
      }),
    ]),
  });
});

/** Whether `text` is exactly a session cut-off: one Deny of everything before a time, nothing else. */
export function isRevokeSessionsDocument(text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    try {
      json = JSON.parse(decodeURIComponent(text));
    } catch {
      return false;
    }
  }
  return RevokeSessionsDocument.safeParse(json).success;
}
