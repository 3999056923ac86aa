import { QUARANTINE_STEPS } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { sesConnection } from '../ses-connection.ts';
import { eventDestinationInventory } from './inventory.ts';
import { EVENT_DESTINATION_CHECK } from './check.ts';
import { EVENT_DESTINATION_EVENTS } from './events.ts';
import { planEventDestinationRepair } from './plan.ts';
import { EVENT_DESTINATION_RULES, targetsOf } from './rules.ts';
import { configurationSetArn, offlineEventDestination, readEventDestination } from './state.ts';
import { DELETE_EVENT_DESTINATION, UPDATE_EVENT_DESTINATION } from './steps.ts';
import type { EventDestinationChange, EventDestinationState } from './types.ts';

const STEPS = [DELETE_EVENT_DESTINATION, UPDATE_EVENT_DESTINATION, ...QUARANTINE_STEPS] as const;

/** Configuration-set event destinations (SES v1 and v2 share the event names). */
export const eventDestination: Family<EventDestinationChange, EventDestinationState> = {
  id: 'event-destination',
  title: 'SES configuration-set event destinations',
  events: EVENT_DESTINATION_EVENTS,
  resourceOf: (change) => configurationSetArn(change.region, change.accountId, change.target.configurationSet),
  states: {
    'event-destination': {
      resource: (state) => state.configurationSetArn,
      document: (state) => (state.destination ? JSON.stringify(state.destination, null, 2) : null),
      unreadable: (state) =>
        state.destination
          ? targetsOf(state.destination)
              .filter((target) => target.arn === '')
              .map((target) => `event destination "${state.destination?.name}" of configuration set "${state.configurationSet}": its ${target.what} has no ARN`)
          : [],
      baseline: (state) =>
        state.destination ? { key: `${state.configurationSetArn}#destination/${state.destination.name}`, document: JSON.stringify(state.destination) } : undefined,
    },
  },
  rules: EVENT_DESTINATION_RULES,
  plan: planEventDestinationRepair,
  steps: STEPS,
  connect: (make) => sesConnection(make, readEventDestination, STEPS),
  offlineState: offlineEventDestination,
  checks: [EVENT_DESTINATION_CHECK],
  inventory: eventDestinationInventory,
};

export default eventDestination;
