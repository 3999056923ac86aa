import * as z from '../zod.ts';
import type { Actor, ActorType } from './types.ts';

/**
 * CloudTrail `userIdentity`. Only `type` is required: AWS documents every other field as optional
 * (an AWSService caller has only `invokedBy`; an AWSAccount caller has no ARN), and unknown fields are
 * kept out rather than rejected because AWS adds identity fields over time (onBehalfOf, credentialId).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
export const UserIdentitySchema = z.object({
  type: z.string().check(z.minLength(1)),
  principalId: z.optional(z.string()),
  arn: z.optional(z.string()),
  accountId: z.optional(z.string()),
  invokedBy: z.optional(z.string()),
  sessionContext: z.optional(z.object({
    sessionIssuer: z.optional(z.object({
      type: z.optional(z.string()),
      arn: z.optional(z.string()),
    })),
    attributes: z.optional(z.object({
      creationDate: z.optional(z.string()),
    })),
  })),
});
export type UserIdentity = z.infer<typeof UserIdentitySchema>;

const KNOWN_TYPES: ReadonlySet<string> = new Set<ActorType>(['Root', 'IAMUser', 'AssumedRole', 'FederatedUser', 'AWSService', 'AWSAccount']);

export interface CallOrigin {
  sourceIPAddress?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * Who made the call. Identity Center, SAML and web-identity users arrive as types this guard does not
 * act on (`IdentityCenterUser`, `SAMLUser`, `WebIdentityUser`, ...): they become `Unknown` so that
 * quarantine, which needs an IAM user or role to attach a deny to, never guesses.
 */
export function actorFromUserIdentity(identity: UserIdentity, origin: CallOrigin = {}): Actor {
  const type: ActorType = KNOWN_TYPES.has(identity.type) ? (identity.type as ActorType) : 'Unknown';
  const actor: Actor = { type };
  if (identity.arn !== undefined) actor.arn = identity.arn;
  if (identity.accountId !== undefined) actor.accountId = identity.accountId;
  if (identity.principalId !== undefined) actor.principalId = identity.principalId;
  if (identity.invokedBy !== undefined) actor.invokedBy = identity.invokedBy;
  // Only a role session has a role to answer for; a FederatedUser's issuer is an IAM user, which
  // quarantine must not mistake for a role.
  if (type === 'AssumedRole') {
    const issuer = identity.sessionContext?.sessionIssuer;
    if (issuer?.arn !== undefined) actor.sessionIssuerArn = issuer.arn;
    const created = identity.sessionContext?.attributes?.creationDate;
    if (created !== undefined) actor.sessionCreatedAt = created;
  }
  if (origin.sourceIPAddress !== undefined) actor.sourceIp = origin.sourceIPAddress;
  if (origin.userAgent !== undefined) actor.userAgent = origin.userAgent;
  return actor;
}
