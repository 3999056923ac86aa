/**
 * What the guard learns from one CloudTrail event: who changed what. The payload is evidence of the
 * actor and the target, never the state to judge (events arrive late, twice and out of order).
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

/** SES API generation, which decides the parameter names in requestParameters. */
export type SesApiVersion = 'v1' | 'v2';

export interface IdentityPolicyChange extends ChangeBase {
  family: 'identity-policy';
  apiVersion: SesApiVersion;
  operation: 'put' | 'create' | 'update';
  target: { identity: string; policyName: string };
  /** The document as sent in the call (evidence; offline replay judges it when nothing can be read). */
  requestedPolicy?: unknown;
}

export interface EventDestinationChange extends ChangeBase {
  family: 'event-destination';
  apiVersion: SesApiVersion;
  operation: 'create' | 'update';
  target: { configurationSet: string; destinationName: string };
  /** The destination as sent, normalised to the v2 shape (see lib/state EventDestination). */
  requestedDestination?: unknown;
}

export interface CustomVerificationSendChange extends ChangeBase {
  family: 'custom-verification';
  operation: 'send';
  target: { templateName: string; emailAddress: string; configurationSet?: string };
}

export interface VerificationTemplateChange extends ChangeBase {
  family: 'custom-verification';
  operation: 'create-template' | 'update-template';
  apiVersion: SesApiVersion;
  target: { templateName: string };
  requestedTemplate?: {
    fromEmailAddress?: string;
    templateSubject?: string;
    successRedirectionURL?: string;
    failureRedirectionURL?: string;
  };
}

export type IamPrincipalRef = { type: 'user' | 'role' | 'group'; name: string };

export type IamGrantChange = ChangeBase & {
  family: 'iam-grant';
} & (
    | { operation: 'attach'; principal: IamPrincipalRef; policyArn: string }
    | { operation: 'put-inline'; principal: IamPrincipalRef; policyName: string; requestedPolicy?: unknown }
    | { operation: 'create-version'; policyArn: string; versionId?: string; setAsDefault: boolean; requestedPolicy?: unknown }
    | { operation: 'set-default-version'; policyArn: string; versionId: string }
    | { operation: 'add-to-group'; groupName: string; userName: string }
  );

/** A change that can blind or disarm the guard (GUARD-001). */
export interface GuardIntegrityChange extends ChangeBase {
  family: 'guard-integrity';
  /** The guard resource or trail touched, as named in the event (rule name, function name, topic ARN, ...). */
  resourceType: 'events-rule' | 'lambda-function' | 'sns-topic' | 'iam-role' | 'cloudtrail' | 'dynamodb-table';
  resourceName: string;
  /** Short, human description of what the call does to the guard. */
  effect: string;
}

export type Change =
  | IdentityPolicyChange
  | EventDestinationChange
  | CustomVerificationSendChange
  | VerificationTemplateChange
  | IamGrantChange
  | GuardIntegrityChange;

export type ChangeFamily = Change['family'];

export type SkipReason = 'failed-call' | 'own-role' | 'unsupported-event' | 'malformed';

/** Not a change the guard judges. Every skip is logged with its reason; `malformed` is also alerted. */
export interface Skip {
  skip: true;
  reason: SkipReason;
  detail: string;
  eventId?: string;
  eventName?: string;
}

export type ParsedEvent = Change | Skip;
