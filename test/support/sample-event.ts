import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A mutable copy of an EventBridge envelope from events/ (`sample('identity-policy/v2-create-policy-public-principal')`). */
export interface SampleEnvelope {
  id: string;
  region: string;
  account: string;
  detail: Record<string, unknown> & { eventID: string; eventName: string; userIdentity: Record<string, unknown>; requestParameters: Record<string, unknown> | null };
  [key: string]: unknown;
}

/**
 * Loads a sample and gives it a fresh CloudTrail eventID (and EventBridge id): each test decides its own
 * event, so one test's stored idempotency record never answers another's. A duplicate delivery is the
 * SAME returned envelope invoked twice. `edit` changes the copy (an actor, a parameter).
 */
export function sample(name: string, edit?: (event: SampleEnvelope) => void): SampleEnvelope {
  const text = readFileSync(new URL(`../../events/${name}.json`, import.meta.url), 'utf8');
  const event = JSON.parse(text) as SampleEnvelope;
  event.id = randomUUID();
  event.detail.eventID = randomUUID();
  edit?.(event);
  return event;
}
