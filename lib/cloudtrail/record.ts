import * as z from 'zod';
import { UserIdentitySchema } from './actor.ts';

/**
 * The EventBridge envelope CloudTrail management events arrive in. `detail` is validated separately
 * (CloudTrailRecordSchema) so an error names `detail.<field>`.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
export const EnvelopeSchema = z.object({
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  id: z.string().optional(),
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
  eventID: z.string().min(1),
  eventName: z.string().min(1),
  eventSource: z.string().regex(EVENT_SOURCE, 'must be an AWS service event source like ses.amazonaws.com'),
  eventTime: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time'),
  awsRegion: z.string().min(1),
  userIdentity: UserIdentitySchema,
  recipientAccountId: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullish(),
  responseElements: z.record(z.string(), z.unknown()).nullish(),
  /** The resources CloudTrail says the call touched (KMS records the key ARN here even when the call named an id). */
  resources: z.array(z.object({ ARN: z.string().optional(), type: z.string().optional(), accountId: z.string().optional() })).nullish(),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;

/** `ses.amazonaws.com` -> `aws.ses`: the EventBridge source that carries that service's CloudTrail events. */
export function eventBridgeSourceOf(eventSource: string): string {
  return `aws.${eventSource.slice(0, eventSource.indexOf('.'))}`;
}
