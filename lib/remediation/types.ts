import type { BaselineRecord } from '../baseline/types.ts';
import type { Change } from '../cloudtrail/types.ts';
import type { Config } from '../config/schema.ts';
import type { Finding, ResourceState } from '../rules/types.ts';

/**
 * A Plan is data: the ordered steps the executor will take, each explained. dry-run keeps the plan and
 * marks it would-do, so the alert says exactly what enforcement would have done.
 */

/** What a step does, as data. Each step type is defined once (lib/remediation/step.ts defineStep). */
export interface StepAction {
  type: string;
}

export interface PlanStep {
  /** Stable within the plan: `s1`, `s2`, ... */
  id: string;
  action: StepAction;
  /** What the step touches, in words (the step definition's description); never the document itself. */
  target: string;
  /** Why: the rule ids and a sentence. */
  ruleIds: string[];
  reason: string;
  /**
   * Steps that must be `done` before this one may run (e.g. deleting a policy version only after the
   * default moved away from it). The executor skips this step, with the reason, when one of them is not.
   */
  dependsOn?: string[];
}

export type Strategy =
  | 'none'
  | 'revert'
  | 'strip'
  | 'delete'
  | 'remove-destination'
  | 'disable-destination'
  | 'restore-destination'
  | 'revert-template'
  | 'quarantine'
  | 'revert-grant'
  /** The guard's static perimeter-deny policy attached to the principal (lib/families/iam-grant/perimeter-plan.ts). */
  | 'perimeter-deny'
  | 'alert-only';

export interface Plan {
  strategy: Strategy;
  steps: PlanStep[];
  dryRun: boolean;
  /** One or two sentences: what will be done and why that strategy (e.g. why no revert was possible). */
  explanation: string;
  /** Findings deliberately not repaired (exempt, alert-only) with the reason. */
  notRepaired: Array<{ ruleId: string; reason: string }>;
}

export type StepOutcome = 'done' | 'failed' | 'skipped' | 'would-do';

export interface StepResult {
  stepId: string;
  action: string;
  outcome: StepOutcome;
  /** failed: the AWS error name and message; skipped: why. */
  detail?: string;
  at: string;
}

/**
 * What a family planner returns before the steps are numbered. Dependencies point at other drafts
 * (not ids) so each planner can be written and tested without knowing where its steps land in the plan.
 */
export interface DraftStep {
  action: StepAction;
  /** The step definition's description; filled from the family's step definitions when a planner has none. */
  target?: string;
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

/** What a family's planner is given: the findings it must repair (not exempt, not alert-only, not quarantine). */
export interface FamilyPlanInput<C extends Change = Change, S extends ResourceState = ResourceState> {
  change: C;
  /** The current state the findings were made on. */
  state: S;
  findings: Finding[];
  /** Last-known-good record for the state (lib/baseline), when one exists. */
  baseline?: BaselineRecord;
  config: Config;
  /** The family's rules with their context bound: whether a candidate state would be compliant. */
  judge(state: S): Finding[];
  now: Date;
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
