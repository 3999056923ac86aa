/**
 * What the guard learns from one CloudTrail event: who changed what. The payload is evidence of the
 * actor and the target, never the state to judge (events arrive late, twice and out of order). Each
 * family (lib/families/<family>/types.ts) extends `Change` with its own target.
 */

export type ActorType = 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser' | 'AWSService' | 'AWSAccount' | 'Unknown';

export interface Actor {
  /** userIdentity.arn; for an assumed role the STS session ARN (arn:aws:sts::123:assumed-role/Role/session). */
  arn?: string;
  type: ActorType;
  accountId?: string;
  principalId?: string;
  /** For assumed roles: the IAM role ARN (userIdentity.sessionContext.sessionIssuer.arn). */
  sessionIssuerArn?: string;
  /** For assumed roles: when the session was issued (sessionContext.attributes.creationDate). */
  sessionCreatedAt?: string;
  /** For AWSService callers: invokedBy. */
  invokedBy?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** The fields every change shares, whatever its family. */
export interface ChangeBase {
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  region: string;
  /** The account the change happened in (recipientAccountId, else the envelope's account). */
  accountId: string;
  actor: Actor;
}

/** A change of some family: the shared path (lib/guard) reads only these fields; families narrow it. */
export interface Change extends ChangeBase {
  /** The family id (lib/families registry key). */
  family: string;
}

/** SES API generation, which decides the parameter names in requestParameters. */
export type SesApiVersion = 'v1' | 'v2';

export type SkipReason = 'failed-call' | 'own-role' | 'unsupported-event' | 'malformed';

/** Not a change the guard judges. Every skip is logged with its reason; `malformed` is also alerted. */
export interface Skip {
  skip: true;
  reason: SkipReason;
  detail: string;
  eventId?: string;
  eventName?: string;
}
