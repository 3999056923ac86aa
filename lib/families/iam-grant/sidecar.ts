import * as z from '../../zod.ts';
import { InvalidStateSidecarError } from '../state-errors.ts';
import { describeZodIssues } from '../../zod-issues.ts';

/**
 * The sidecar fixture `sesguard replay` reads beside an event (`<event>.state.json`): what IAM would
 * answer, for IAM events whose payload carries no document (attach, set-default-version, add-to-group)
 * and to give principals the rest of their effective set. Written by hand, so every part is optional
 * and ids are the ones alerts show. Example:
 *
 * {
 *   "policies": {
 *     "arn:aws:iam::aws:policy/AmazonSESFullAccess": { "Version": "2012-10-17", "Statement": [ ... ] },
 *     "inline:user/alice/send-only": "{\"Version\":\"2012-10-17\",\"Statement\":[ ... ]}"
 *   },
 *   "principals": [
 *     { "type": "user", "name": "alice", "policies": ["inline:user/alice/send-only"], "groups": ["mailers"] },
 *     { "type": "group", "name": "mailers", "policies": ["arn:aws:iam::aws:policy/AmazonSESFullAccess"], "members": ["bob"] },
 *     { "type": "role", "name": "ci", "arn": "arn:aws:iam::111122223333:role/build/ci", "policies": [] }
 *   ],
 *   "versions": [
 *     { "versionId": "v3", "isDefault": true, "createDate": "2026-11-20T10:00:00Z" },
 *     { "versionId": "v2", "isDefault": false, "document": { "Version": "2012-10-17", "Statement": [] } }
 *   ]
 * }
 *
 * - `policies`: document per id. A managed policy's entry is its DEFAULT version's document as of after
 *   the change; an inline policy's id is `inline:<user|role|group>/<name>/<policyName>`. A document is
 *   JSON or its text (URL-encoded text, as IAM returns it, is decoded).
 * - `principals`: who holds which policy ids. Group membership may be written on either side (`groups`
 *   of a user, `members` of a group). `arn` is needed only when the principal has a path.
 * - `versions`: the changed managed policy's versions (for rollback and the five-version limit); a
 *   version's `document` is used when the event names that version.
 */

/**
 * Built on the first parse: only `sesguard replay` reads sidecars, and the Lambda functions that carry this
 * module (the pacer judges an event's payload offline, without one) never pay for its 250 zod objects.
 */
export const StateSidecarSchema = z.lazy(() => {
  const DocumentInput = z.union([z.string().check(z.minLength(1, 'must not be empty')), z.record(z.string(), z.unknown())], {
    error: 'must be a policy document (a JSON object, or its text)',
  });

  const MANAGED_ID = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/.+$/;
  const INLINE_ID = /^inline:(user|role|group)\/[^/]+\/[^/]+$/;
  const PolicyId = z.string().check(z.refine((id) => MANAGED_ID.test(id) || INLINE_ID.test(id), {
    error: 'must be a managed policy ARN (arn:aws:iam::<account|aws>:policy/...) or an inline id (inline:<user|role|group>/<name>/<policyName>)',
  }));

  const PrincipalEntry = z.strictObject({
    type: z.enum(['user', 'role', 'group']),
    name: z.string().check(z.minLength(1)),
    arn: z.optional(z.string().check(z.regex(/^arn:aws[\w-]*:iam::\d{12}:(user|role|group)\//, 'must be an IAM user, role or group ARN'))),
    policies: z._default(z.array(PolicyId), []),
    groups: z.optional(z.array(z.string().check(z.minLength(1)))),
    members: z.optional(z.array(z.string().check(z.minLength(1)))),
  }).check(z.superRefine((entry, ctx) => {
    if (entry.groups && entry.type !== 'user') ctx.addIssue({ code: 'custom', path: ['groups'], message: 'only users belong to groups' });
    if (entry.members && entry.type !== 'group') ctx.addIssue({ code: 'custom', path: ['members'], message: 'only groups have members' });
  }));

  const VersionEntry = z.strictObject({
    versionId: z.string().check(z.regex(/^v[1-9]\d*$/, 'must be a version id such as v2')),
    isDefault: z.boolean(),
    createDate: z.optional(z.iso.datetime({ offset: true })),
    document: z.optional(DocumentInput),
  });

  return z.strictObject({
    policies: z._default(z.record(PolicyId, DocumentInput), {}),
    principals: z._default(z.array(PrincipalEntry), []),
    versions: z.optional(z.array(VersionEntry)),
  }).check(z.superRefine((sidecar, ctx) => {
    sidecar.principals.forEach((principal, i) => {
      principal.policies.forEach((id, j) => {
        if (!Object.hasOwn(sidecar.policies, id)) {
          ctx.addIssue({ code: 'custom', path: ['principals', i, 'policies', j], message: `"${id}" has no document in "policies"` });
        }
      });
      (principal.groups ?? []).forEach((group, j) => {
        if (!sidecar.principals.some((p) => p.type === 'group' && p.name === group)) {
          ctx.addIssue({ code: 'custom', path: ['principals', i, 'groups', j], message: `group "${group}" is not listed in "principals", so its policies are unknown` });
        }
      });
      const duplicate = sidecar.principals.findIndex((p) => p.type === principal.type && p.name === principal.name);
      if (duplicate !== i) ctx.addIssue({ code: 'custom', path: ['principals', i], message: `${principal.type} "${principal.name}" is listed twice` });
    });
    if (sidecar.versions && sidecar.versions.filter((v) => v.isDefault).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['versions'], message: 'at most one version can be the default' });
    }
  }));
});

export type StateSidecar = z.infer<typeof StateSidecarSchema>;
export type SidecarPrincipal = StateSidecar['principals'][number];

export function parseStateSidecar(input: unknown): StateSidecar {
  const parsed = StateSidecarSchema.safeParse(input);
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error, '(sidecar)');
    throw new InvalidStateSidecarError(`state sidecar is invalid:\n  - ${issues.join('\n  - ')}`);
  }
  return parsed.data;
}
