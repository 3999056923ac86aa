import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import * as z from '../../zod.ts';
import { UserIdentitySchema } from '../../cloudtrail/actor.ts';
import type { Actor, ChangeBase } from '../../cloudtrail/types.ts';
import { configuredVerifyDelays } from './verify-wait.ts';

/**
 * Quarantine acts on a principal because an event says that principal did something. The event reaches
 * the function through EventBridge, but anyone with identity-based lambda:InvokeFunction on it can hand
 * it a well-formed record naming any principal. Before a quarantine the guard therefore looks the event
 * up in CloudTrail itself (LookupEvents by EventId, in the event's region) and compares what matters.
 * A verification that fails is an alert, never a quarantine.
 *
 * CloudTrail's event history is not immediately searchable: delivery "typically within an average of
 * about 5 minutes ... not guaranteed" (CloudTrail User Guide, "Getting and viewing your CloudTrail log
 * files"), and EventBridge may deliver the event first. "Not found yet" is retried with backoff within
 * a bounded wait; only then is it "not recorded". LookupEvents is limited to two requests per second per
 * account per Region, so the polling is slow on purpose.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */

/** What the delivered event claims, and what the guard will act on: the change's ids and its actor. */
export type EventClaim = Pick<ChangeBase, 'eventId' | 'eventName' | 'eventSource' | 'eventTime' | 'region' | 'accountId'> & {
  actor: Pick<Actor, 'arn' | 'sessionIssuerArn'> & { type: string };
};

/** The verification could not confirm the event: the quarantine that depends on it does not run. */
export class EventNotVerifiedError extends Error {
  override readonly name = 'EventNotVerifiedError';
}

export interface VerifyOptions {
  /** Waits between lookups (default verifyDelays()); tests pass a fake sleep, never real time. */
  delays?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

const RecordedEvent = z.object({
  eventID: z.string(),
  eventName: z.string(),
  eventSource: z.string(),
  eventTime: z.string(),
  awsRegion: z.string(),
  recipientAccountId: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  userIdentity: UserIdentitySchema,
});

/** Fields where the recorded event differs from the claim, as `field: recorded X, delivered Y`. */
export function claimDifferences(claim: EventClaim, recordedJson: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(recordedJson);
  } catch {
    return ['CloudTrailEvent: is not JSON'];
  }
  const parsed = RecordedEvent.safeParse(json);
  if (!parsed.success) return ['CloudTrailEvent: is not a CloudTrail record'];
  const r = parsed.data;
  const differences: string[] = [];
  const compare = (field: string, recorded: string | undefined, delivered: string | undefined) => {
    if (recorded !== delivered) differences.push(`${field}: recorded ${recorded ?? '(none)'}, delivered ${delivered ?? '(none)'}`);
  };
  compare('eventID', r.eventID, claim.eventId);
  compare('eventName', r.eventName, claim.eventName);
  compare('eventSource', r.eventSource, claim.eventSource);
  compare('awsRegion', r.awsRegion, claim.region);
  compare('recipientAccountId', r.recipientAccountId ?? claim.accountId, claim.accountId);
  if (Date.parse(r.eventTime) !== Date.parse(claim.eventTime)) differences.push(`eventTime: recorded ${r.eventTime}, delivered ${claim.eventTime}`);
  compare('userIdentity.type', r.userIdentity.type, claim.actor.type);
  compare('userIdentity.arn', r.userIdentity.arn, claim.actor.arn);
  compare('userIdentity.sessionContext.sessionIssuer.arn', r.userIdentity.sessionContext?.sessionIssuer?.arn, claim.actor.sessionIssuerArn);
  // A call that failed changed nothing; a delivered copy claiming success is forged.
  if (r.errorCode !== undefined) differences.push(`errorCode: recorded ${r.errorCode} (the call failed), delivered as a success`);
  return differences;
}

const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Resolves when CloudTrail recorded the claimed event as claimed; throws EventNotVerifiedError (with the
 * reason, which the alert shows) when it differs, when the client is in another region than the event,
 * or when the event is still not found after the bounded wait. Other errors (AccessDenied) propagate.
 */
export async function verifyEventInCloudTrail(cloudtrail: CloudTrailClient, claim: EventClaim, options: VerifyOptions = {}): Promise<void> {
  const clientRegion = await cloudtrail.config.region();
  if (clientRegion !== claim.region) {
    throw new EventNotVerifiedError(`event ${claim.eventId} claims region ${claim.region}, but this guard looks up CloudTrail in ${clientRegion}; an event is only verified in its own region's event history`);
  }
  const delays = options.delays ?? configuredVerifyDelays();
  const sleep = options.sleep ?? wait;
  let lookups = 0;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    lookups++;
    try {
      const { Events } = await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: claim.eventId }], MaxResults: 1 }));
      const recorded = (Events ?? []).find((e) => e.EventId === claim.eventId);
      if (recorded) {
        if (recorded.CloudTrailEvent === undefined) throw new EventNotVerifiedError(`CloudTrail returned event ${claim.eventId} without its record, so it cannot be compared`);
        const differences = claimDifferences(claim, recorded.CloudTrailEvent);
        if (differences.length > 0) {
          throw new EventNotVerifiedError(`the delivered event ${claim.eventId} does not match what CloudTrail recorded (${differences.join('; ')}): it was altered or forged`);
        }
        return;
      }
    } catch (error) {
      if (!(error instanceof Error) || !THROTTLED.has(error.name)) throw error;
      // Throttled: CloudTrail's two-per-second limit is shared by the whole account; try again later.
    }
    const delay = delays[attempt];
    if (delay === undefined) break;
    await sleep(delay);
    waited += delay;
  }
  throw new EventNotVerifiedError(
    `event ${claim.eventId} (${claim.eventName} by ${claim.actor.arn ?? claim.actor.type}) is not in CloudTrail's event history of ${claim.region} after ${lookups} lookups over ${Math.round(waited / 1000)} s: ` +
      'it may have been handed to the function directly (lambda:InvokeFunction) rather than recorded by CloudTrail; nothing is quarantined on its word',
  );
}
