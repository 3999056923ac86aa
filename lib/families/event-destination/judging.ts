import type { FamilyJudging } from '../family.ts';
import { EVENT_DESTINATION_CHECK } from './check.ts';
import { EVENT_DESTINATION_RULES, targetsOf } from './rules.ts';
import type { EventDestinationChange, EventDestinationState } from './types.ts';

/** What judging needs of this family (lib/families/judging.ts): pure, no AWS client. */
export const EVENT_DESTINATION_JUDGING: FamilyJudging<EventDestinationChange, EventDestinationState> = {
  id: 'event-destination',
  title: 'SES configuration-set event destinations',
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
  checks: [EVENT_DESTINATION_CHECK],
};
