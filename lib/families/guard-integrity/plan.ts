import { draftStep } from '../../remediation/step.ts';
import { ATTACH_QUARANTINE_POLICY } from '../../remediation/quarantine/steps.ts';
import { notRepairedAll, type FamilyPlan, type FamilyPlanInput } from '../../remediation/types.ts';
import { REATTACH_QUARANTINE } from './rules.ts';
import type { GuardIntegrityChange, GuardIntegrityState } from './types.ts';

/**
 * The guard does not repair its own resources (a person redeploys it); it only puts back a quarantine
 * that someone other than an administrator took off, because that undoes one of its repairs.
 */
export function planGuardIntegrityRepair(input: FamilyPlanInput<GuardIntegrityChange, GuardIntegrityState>): FamilyPlan {
  const undone = input.change.quarantineUndone;
  const reattach = input.findings.filter((f) => f.fix.kind === 'repair' && f.fix.what === REATTACH_QUARANTINE);
  const others = input.findings.filter((f) => !reattach.includes(f));
  const notRepaired = notRepairedAll(others, 'guard resources are repaired by a person');
  if (!undone || reattach.length === 0) {
    return {
      strategy: 'alert-only',
      steps: [],
      explanation: 'Changes to the guard itself are reported for a person to undo; the guard does not repair its own resources.',
      notRepaired: [...notRepaired, ...notRepairedAll(reattach, 'the event names no quarantine to put back')],
    };
  }
  const why = `Re-attaches ${undone.policyArn} to ${undone.principalType} ${undone.principalName}: the quarantine was taken off by someone who is not an administrator.`;
  const step = draftStep(
    ATTACH_QUARANTINE_POLICY,
    { type: 'iam.attach-quarantine-policy', principalType: undone.principalType, principalName: undone.principalName, policyArn: undone.policyArn },
    { ruleIds: ['GUARD-001'], reason: why },
  );
  return { strategy: 'quarantine', steps: [step], explanation: why, notRepaired };
}
