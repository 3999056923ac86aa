import { actsWithAuthority } from '../../rules/protected-principal.ts';
import type { Rule } from '../../rules/types.ts';
import type { GuardIntegrityState } from './types.ts';

/** The one repair GUARD-001 makes (guard-integrity/plan.ts): put a detached quarantine back. */
export const REATTACH_QUARANTINE = 'reattach-quarantine';

/**
 * GUARD-001: a change that can blind, mute or disarm the guard. An attacker's first move is to switch the
 * guard off, so this always alerts (critical by default), whoever made the change, and never "repairs"
 * the guard's own resources: fighting an administrator who is deliberately changing the guard would be
 * worse than telling the team loudly. The one exception is a quarantine undone by someone who is not an
 * administrator: that undoes a repair, so the quarantine is re-attached (the rule's action, `revert` by
 * default). An administrator lifting a quarantine is reported, not fought.
 */
export const GUARD_INTEGRITY_RULES: readonly Rule<GuardIntegrityState>[] = [
  {
    id: 'GUARD-001',
    title: 'Guard resources or CloudTrail logging disabled, deleted, muted or rerouted',
    appliesTo: ['guard-integrity'],
    defaultSeverity: 'critical',
    defaultAction: 'revert',
    evaluate(state, ctx) {
      const { change } = state;
      const who = change.actor.arn ?? change.actor.type;
      const undone = change.quarantineUndone;
      if (undone && !actsWithAuthority(change.actor, ctx)) {
        return [
          {
            resource: change.resourceName,
            reason: `${change.eventName} by ${who} ${change.effect}; ${who} is not an administrator, so the quarantine is put back.`,
            fix: { kind: 'repair', what: REATTACH_QUARANTINE },
          },
        ];
      }
      return [
        {
          resource: change.resourceName,
          reason: `${change.eventName} by ${who} ${change.effect}.`,
          fix: {
            kind: 'none',
            note: undone
              ? 'an administrator lifted the quarantine: confirm it was intended; the guard does not fight an administrator.'
              : 'GUARD-001 only alerts: confirm the change was intended, or restore the guard by redeploying it.',
          },
        },
      ];
    },
  },
];
