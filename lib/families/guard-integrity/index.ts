import { lazyIamClient } from '../../aws/lazy-client.ts';
import { bindSteps } from '../../remediation/step.ts';
import { ATTACH_QUARANTINE_POLICY } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { GUARD_INTEGRITY_JUDGING } from './judging.ts';
import { GUARD_INTEGRITY_EVENTS } from './events.ts';
import { planGuardIntegrityRepair } from './plan.ts';
import { guardIntegrityInventory } from './inventory.ts';
import type { GuardIntegrityChange, GuardIntegrityState } from './types.ts';

const fromEvent = (change: GuardIntegrityChange): GuardIntegrityState => ({ kind: 'guard-integrity', change });

const STEPS = [ATTACH_QUARANTINE_POLICY] as const;

/**
 * GUARD-001: changes that blind, mute or disarm the guard. Alerts; its one repair puts back a quarantine
 * someone took off. It reads nothing: the event is the state.
 */
export const guardIntegrity: Family<GuardIntegrityChange, GuardIntegrityState> = {
  ...GUARD_INTEGRITY_JUDGING,
  events: GUARD_INTEGRITY_EVENTS,
  resourceOf: (change) => change.resourceName,
  plan: planGuardIntegrityRepair,
  steps: STEPS,
  // A deleted rule or a stopped trail leaves nothing to read: the event itself is the state.
  connect: (make) => ({ read: (change) => Promise.resolve(fromEvent(change)), senders: bindSteps(STEPS, { actorIam: lazyIamClient(make) }) }),
  offlineState: fromEvent,
  inventory: guardIntegrityInventory,
};

export default guardIntegrity;
