import { QUARANTINE_STEPS } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { EVENT_DESTINATION_JUDGING } from './judging.ts';
import { sesConnection } from '../ses-connection.ts';
import { eventDestinationInventory } from './inventory.ts';
import { EVENT_DESTINATION_EVENTS } from './events.ts';
import { planEventDestinationRepair } from './plan.ts';
import { offlineEventDestination, readEventDestination } from './state.ts';
import { configurationSetArn } from '../../aws/arns.ts';
import { DELETE_EVENT_DESTINATION, UPDATE_EVENT_DESTINATION } from './steps.ts';
import type { EventDestinationChange, EventDestinationState } from './types.ts';

const STEPS = [DELETE_EVENT_DESTINATION, UPDATE_EVENT_DESTINATION, ...QUARANTINE_STEPS] as const;

/** Configuration-set event destinations (SES v1 and v2 share the event names). */
export const eventDestination: Family<EventDestinationChange, EventDestinationState> = {
  ...EVENT_DESTINATION_JUDGING,
  events: EVENT_DESTINATION_EVENTS,
  resourceOf: (change) => configurationSetArn(change.region, change.accountId, change.target.configurationSet),
  plan: planEventDestinationRepair,
  steps: STEPS,
  connect: (make) => sesConnection(make, readEventDestination, STEPS),
  offlineState: offlineEventDestination,
  inventory: eventDestinationInventory,
};

export default eventDestination;
