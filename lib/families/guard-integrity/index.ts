import type { Family } from '../family.ts';
import { GUARD_INTEGRITY_EVENTS } from './events.ts';
import { guardIntegrityInventory } from './inventory.ts';
import { GUARD_INTEGRITY_RULES } from './rules.ts';
import type { GuardIntegrityChange, GuardIntegrityState } from './types.ts';

const fromEvent = (change: GuardIntegrityChange): GuardIntegrityState => ({ kind: 'guard-integrity', change });

/** GUARD-001: changes that blind or disarm the guard. Alerts only, so it reads nothing and repairs nothing. */
export const guardIntegrity: Family<GuardIntegrityChange, GuardIntegrityState> = {
  id: 'guard-integrity',
  title: "the guard's own resources and CloudTrail logging",
  events: GUARD_INTEGRITY_EVENTS,
  resourceOf: (change) => change.resourceName,
  states: {
    'guard-integrity': {
      resource: (state) => state.change.resourceName,
      document: () => null,
      unreadable: () => [],
      baseline: () => undefined,
    },
  },
  rules: GUARD_INTEGRITY_RULES,
  plan: (input) => ({
    strategy: 'alert-only',
    steps: [],
    explanation: 'Changes to the guard itself are reported for a person to undo; the guard does not repair its own resources.',
    notRepaired: input.findings.map((f) => ({ ruleId: f.ruleId, reason: 'guard resources are repaired by a person' })),
  }),
  steps: [],
  // A deleted rule or a stopped trail leaves nothing to read: the event itself is the state.
  connect: () => ({ read: (change) => Promise.resolve(fromEvent(change)), senders: new Map() }),
  offlineState: fromEvent,
  checks: [],
  inventory: guardIntegrityInventory,
};

export default guardIntegrity;
