import * as z from '../zod.ts';
import { UserIdentitySchema } from './actor.ts';

/**
 * The EventBridge envelope CloudTrail management events arrive in. `detail` is validated separately
 * (CloudTrailRecordSchema) so an error names `detail.<field>`.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
export const EnvelopeSchema = z.object({
  'detail-type': z.string(),
  source: z.string(),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  id: z.optional(z.string()),
  detail: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

/** `ses.amazonaws.com`: the only form a service's CloudTrail eventSource takes. */
const EVENT_SOURCE = /^[a-z0-9][a-z0-9-]*\.amazonaws\.com$/;

/**
 * The CloudTrail record (`detail`). Fields the guard relies on are required; requestParameters and
 * responseElements are null for calls without parameters, so both null and absent are accepted.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export const CloudTrailRecordSchema = z.object({
  eventID: z.string().check(z.minLength(1)),
  eventName: z.string().check(z.minLength(1)),
  eventSource: z.string().check(z.regex(EVENT_SOURCE, 'must be an AWS service event source like ses.amazonaws.com')),
  eventTime: z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time')),
  awsRegion: z.string().check(z.minLength(1)),
  userIdentity: UserIdentitySchema,
  recipientAccountId: z.optional(z.string()),
  sourceIPAddress: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  requestParameters: z.nullish(z.record(z.string(), z.unknown())),
  responseElements: z.nullish(z.record(z.string(), z.unknown())),
  /** The resources CloudTrail says the call touched (KMS records the key ARN here even when the call named an id). */
  resources: z.nullish(z.array(z.object({ ARN: z.optional(z.string()), type: z.optional(z.string()), accountId: z.optional(z.string()) }))),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;

/** `ses.amazonaws.com` -> `aws.ses`: the EventBridge source that carries that service's CloudTrail events. */
export function eventBridgeSourceOf(eventSource: string): string {
  return `aws.${eventSource.slice(0, eventSource.indexOf('.'))}`;
}
