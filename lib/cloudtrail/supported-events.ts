import type { ChangeFamily } from './types.ts';
import type { EventParser } from './event-parser.ts';
import { IDENTITY_POLICY_PARSERS } from './ses-identity-policy.ts';
import { EVENT_DESTINATION_PARSERS } from './ses-event-destination.ts';
import { CUSTOM_VERIFICATION_PARSERS } from './ses-custom-verification.ts';
import { IAM_GRANT_PARSERS } from './iam-grant.ts';
import { GUARD_INTEGRITY_PARSERS } from './guard-integrity.ts';

/**
 * Every parser, guard-integrity first: an event two families list (iam PutRolePolicy) is offered to
 * the guard-integrity parser before the grant parser, and each declines what is not its own.
 */
export const EVENT_PARSERS: readonly EventParser[] = [
  ...GUARD_INTEGRITY_PARSERS,
  ...IDENTITY_POLICY_PARSERS,
  ...EVENT_DESTINATION_PARSERS,
  ...CUSTOM_VERIFICATION_PARSERS,
  ...IAM_GRANT_PARSERS,
];

export interface SupportedEvent {
  eventSource: string;
  eventName: string;
  family: ChangeFamily;
}

/**
 * The table the deployment builds its EventBridge patterns from: the same rows the parser dispatches
 * on, so a pattern can never match an event the parser does not handle, nor miss one it does.
 */
export const SUPPORTED_EVENTS: readonly SupportedEvent[] = EVENT_PARSERS.map(({ eventSource, eventName, family }) => ({
  eventSource,
  eventName,
  family,
}));

const byEvent = new Map<string, EventParser[]>();
for (const parser of EVENT_PARSERS) {
  const key = `${parser.eventSource} ${parser.eventName}`;
  const list = byEvent.get(key) ?? [];
  list.push(parser);
  byEvent.set(key, list);
}

/** The parsers for one (eventSource, eventName), in the order they are offered the event. */
export function parsersFor(eventSource: string, eventName: string): readonly EventParser[] {
  return byEvent.get(`${eventSource} ${eventName}`) ?? [];
}
