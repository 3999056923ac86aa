import type { Policy } from '../policy/types.ts';
import type { GuardIntegrityChange, IamPrincipalRef } from '../cloudtrail/types.ts';

/** The CURRENT state of a change's target, read from AWS (or, offline, taken from the event payload). */

export interface IdentityPolicyState {
  kind: 'identity-policy';
  identity: string;
  /** arn:aws:ses:<region>:<account>:identity/<identity> */
  identityArn: string;
  policyName: string;
  /** The document as AWS returned it (URL-decoded); null when the policy no longer exists. */
  rawDocument: string | null;
  /** Parsed document; null when absent. A document that does not parse is reported via parseErrors. */
  document: Policy | null;
  parseErrors?: string[];
}

/** An SES event destination in the SESv2 shape (v1 events are normalised to it). */
export interface EventDestination {
  name: string;
  enabled: boolean;
  matchingEventTypes: string[];
  snsDestination?: { topicArn: string };
  kinesisFirehoseDestination?: { deliveryStreamArn: string; iamRoleArn: string };
  eventBridgeDestination?: { eventBusArn: string };
  pinpointDestination?: { applicationArn: string };
  cloudWatchDestination?: { dimensionConfigurations: unknown[] };
}

export interface EventDestinationState {
  kind: 'event-destination';
  configurationSet: string;
  configurationSetArn: string;
  /** The destination the change named; null when it no longer exists. */
  destination: EventDestination | null;
}

export interface VerificationTemplateState {
  kind: 'verification-template';
  templateName: string;
  templateArn: string;
  /** null when the template no longer exists. */
  template: {
    fromEmailAddress: string;
    templateSubject: string;
    templateContent: string;
    successRedirectionURL: string;
    failureRedirectionURL: string;
  } | null;
}

/** Sending a custom verification email is an action, not a state: the actor is judged. */
export interface CustomVerificationSendState {
  kind: 'custom-verification-send';
  templateName: string;
  emailAddress: string;
}

/** One IAM policy in effect for a principal. */
export interface IamPolicyInEffect {
  /** Managed policy ARN, or `inline:<user|role|group>/<name>/<policyName>`. */
  source: string;
  kind: 'managed' | 'inline';
  /** For managed policies: the default version id the document came from. */
  versionId?: string;
  /** Whether the policy reaches the principal via a group. */
  viaGroup?: string;
  rawDocument: string;
  document: Policy | null;
  parseErrors?: string[];
}

export interface IamPrincipalState {
  principal: IamPrincipalRef;
  arn: string;
  policies: IamPolicyInEffect[];
}

export interface IamGrantState {
  kind: 'iam-grant';
  /** The policy the change touched (managed ARN or inline source id) — the grant that may be reverted. */
  changedPolicy: IamPolicyInEffect | null;
  /** Every principal that gains through the change, each with its full effective policy set. */
  principals: IamPrincipalState[];
  /** Managed policies: all versions, newest first (for rollback and the five-version limit). */
  versions?: Array<{ versionId: string; isDefault: boolean; createDate?: string }>;
  /**
   * add-to-group: the membership is the grant, so there is no single changedPolicy (null); these are
   * the group's policies the user gains through it (each with viaGroup set). Judge each of them.
   */
  gainedPolicies?: IamPolicyInEffect[];
}

/** A guard resource deleted or a trail stopped leaves nothing to read: the event itself is the state. */
export interface GuardIntegrityState {
  kind: 'guard-integrity';
  change: GuardIntegrityChange;
}

export type ResourceState =
  | IdentityPolicyState
  | EventDestinationState
  | VerificationTemplateState
  | CustomVerificationSendState
  | IamGrantState
  | GuardIntegrityState;
