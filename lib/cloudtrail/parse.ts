import * as z from '../zod.ts';
import type { Change, ChangeBase, Skip } from './types.ts';
import { actorFromUserIdentity } from './actor.ts';
import { isOwnRole } from './own-role.ts';
import { CLOUDTRAIL_API_CALL, CloudTrailRecordSchema, EnvelopeSchema, eventBridgeSourceOf } from './record.ts';
import { isNotMine, type EventParser, type ParseContext, type ParseOptions } from './event-parser.ts';
import { describeZodIssues } from '../zod-issues.ts';

export type { ParseOptions } from './event-parser.ts';

/** The family whose changes are never skipped for their actor (GUARD-001). */
const GUARD_INTEGRITY = 'guard-integrity';

const indexes = new WeakMap<readonly EventParser[], Map<string, EventParser[]>>();

/** The parsers for one (eventSource, eventName), in the order they are listed (the order they are offered the event). */
function parsersFor(parsers: readonly EventParser[], eventSource: string, eventName: string): readonly EventParser[] {
  let index = indexes.get(parsers);
  if (!index) {
    index = new Map();
    for (const parser of parsers) {
      const key = `${parser.eventSource} ${parser.eventName}`;
      index.set(key, [...(index.get(key) ?? []), parser]);
    }
    indexes.set(parsers, index);
  }
  return index.get(`${eventSource} ${eventName}`) ?? [];
}

/**
 * EventBridge envelope -> the Change the guard judges, or the reason it does not. Never throws: an
 * event the guard cannot read is itself something to alert on (`malformed`), and a handler that
 * crashed on it would be a guard that fails silently.
 *
 * Order matters: a failed call changed nothing (skip before anything else is judged), and the guard's
 * own calls are its repairs (skip them, or the guard fights itself) unless they change the guard.
 */
export function parseCloudTrailEvent(envelope: unknown, parsers: readonly EventParser[], options: ParseOptions): Change | Skip {
  try {
    return parseUnsafe(envelope, parsers, options);
  } catch (error) {
    return { skip: true, reason: 'malformed', detail: `event could not be read: ${error instanceof Error ? error.message : String(error)}`, ...identify(envelope) };
  }
}

function parseUnsafe(input: unknown, eventParsers: readonly EventParser[], options: ParseOptions): Change | Skip {
  const ids = identify(input);
  const envelope = EnvelopeSchema.safeParse(input);
  if (!envelope.success) return { skip: true, reason: 'malformed', detail: describeZodIssues(envelope.error, { root: 'event' }).join('; '), ...ids };

  if (envelope.data['detail-type'] !== CLOUDTRAIL_API_CALL) {
    return { skip: true, reason: 'unsupported-event', detail: `detail-type "${envelope.data['detail-type']}" is not "${CLOUDTRAIL_API_CALL}"`, ...ids };
  }

  const record = CloudTrailRecordSchema.safeParse(envelope.data.detail);
  if (!record.success) return { skip: true, reason: 'malformed', detail: describeZodIssues(record.error, { prefix: 'detail' }).join('; '), ...ids };
  const r = record.data;

  // EventBridge sets `source` from the record's service; a mismatch means the envelope was assembled
  // by hand or tampered with, and its claims about the service cannot be trusted.
  const expectedSource = eventBridgeSourceOf(r.eventSource);
  if (envelope.data.source !== expectedSource) {
    return { skip: true, reason: 'malformed', detail: `source: "${envelope.data.source}" does not match detail.eventSource ${r.eventSource} (expected "${expectedSource}")`, ...ids };
  }

  if (r.errorCode !== undefined) {
    return { skip: true, reason: 'failed-call', detail: r.errorMessage ? `${r.errorCode}: ${r.errorMessage}` : r.errorCode, ...ids };
  }

  const actor = actorFromUserIdentity(r.userIdentity, { sourceIPAddress: r.sourceIPAddress, userAgent: r.userAgent });

  const parsers = parsersFor(eventParsers, r.eventSource, r.eventName);
  if (parsers.length === 0) {
    return { skip: true, reason: 'unsupported-event', detail: `${r.eventSource} ${r.eventName} is not an event the guard judges`, ...ids };
  }

  // recipientAccountId is the account whose resource changed; the envelope's account is where the
  // event was delivered, which is the same account unless the event was forwarded across a bus.
  const accountId = r.recipientAccountId ?? envelope.data.account;
  if (accountId === undefined) {
    return { skip: true, reason: 'malformed', detail: 'detail.recipientAccountId: is required when the envelope has no account', ...ids };
  }

  const base: ChangeBase = {
    eventId: r.eventID,
    eventName: r.eventName,
    eventSource: r.eventSource,
    eventTime: r.eventTime,
    region: r.awsRegion,
    accountId,
    actor,
  };
  const ctx: ParseContext = { record: r, base, options };
  const declined: string[] = [];
  for (const parser of parsers) {
    const result = parser.parse(ctx);
    if (isNotMine(result)) {
      declined.push(result.notMine);
      continue;
    }
    // The guard's roles have no business changing the guard: a guard-integrity change is judged whoever
    // made it. Any other change by one of the guard's exact roles is its own repair.
    if (!('skip' in result) && result.family !== GUARD_INTEGRITY && isOwnRole(actor, options.ownRoleArns)) {
      return { skip: true, reason: 'own-role', detail: `made by the guard's own role ${actor.sessionIssuerArn ?? actor.arn ?? ''}`.trim(), ...ids };
    }
    return result;
  }
  return { skip: true, reason: 'unsupported-event', detail: declined.join('; '), ...ids };
}

const Ids = z.object({
  detail: z.object({ eventID: z.catch(z.optional(z.string()), undefined), eventName: z.catch(z.optional(z.string()), undefined) }),
});

/** eventId/eventName for a skip, read leniently: a malformed event still says which event it was. */
function identify(input: unknown): Pick<Skip, 'eventId' | 'eventName'> {
  try {
    const ids = Ids.safeParse(input);
    if (!ids.success) return {};
    const { eventID, eventName } = ids.data.detail;
    return { ...(eventID !== undefined && { eventId: eventID }), ...(eventName !== undefined && { eventName }) };
  } catch {
    // Reading the ids is what failed (e.g. a throwing getter); the skip goes out without them.
    return {};
  }
}
