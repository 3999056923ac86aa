import type { Rule } from '../../rules/types.ts';
import type { GuardIntegrityState } from './types.ts';

/**
 * GUARD-001: a change that can blind or disarm the guard. An attacker's first move is to switch the guard
 * off, so this always alerts (critical by default) and never repairs: fighting an administrator who is
 * deliberately changing the guard would be worse than telling the team loudly.
 */
export const GUARD_INTEGRITY_RULES: readonly Rule<GuardIntegrityState>[] = [
  {
    id: 'GUARD-001',
    title: 'Guard resources or CloudTrail logging disabled, deleted or rerouted',
    appliesTo: ['guard-integrity'],
    defaultSeverity: 'critical',
    defaultAction: 'alert',
    evaluate(state) {
      const { change } = state;
      const who = change.actor.arn ?? change.actor.type;
      return [
        {
          resource: change.resourceName,
          reason: `${change.eventName} by ${who} ${change.effect}.`,
          fix: { kind: 'none', note: 'GUARD-001 only alerts: confirm the change was intended, or restore the guard by redeploying it.' },
        },
      ];
    },
  },
];
