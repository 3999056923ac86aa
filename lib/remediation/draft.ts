import type { Finding } from '../rules/types.ts';
import type { StepAction, Strategy } from './types.ts';

/**
 * What a family planner returns before the steps are numbered. Dependencies point at other drafts
 * (not ids) so each planner can be written and tested without knowing where its steps land in the plan.
 */
export interface DraftStep {
  action: StepAction;
  ruleIds: string[];
  reason: string;
  dependsOn?: DraftStep[];
}

export interface FamilyPlan {
  strategy: Strategy;
  steps: DraftStep[];
  /** One sentence per decision, in words a security engineer reads in an alert. */
  explanation: string;
  notRepaired: Array<{ ruleId: string; reason: string }>;
}

/** Not repaired, with the same reason for every finding of the group. */
export function notRepairedAll(findings: readonly Finding[], reason: string): FamilyPlan['notRepaired'] {
  const seen = new Set<string>();
  const out: FamilyPlan['notRepaired'] = [];
  for (const finding of findings) {
    if (seen.has(finding.ruleId)) continue;
    seen.add(finding.ruleId);
    out.push({ ruleId: finding.ruleId, reason });
  }
  return out;
}
