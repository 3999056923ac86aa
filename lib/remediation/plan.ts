import type { Change } from '../cloudtrail/types.ts';
import type { Finding, ResourceState } from '../rules/types.ts';
import { planQuarantine } from './quarantine/plan.ts';
import type { StepDefinition } from './step.ts';
import type { DraftStep, FamilyPlan, FamilyPlanInput, Plan, PlanStep, StepAction, Strategy } from './types.ts';

export interface PlanInput<C extends Change = Change, S extends ResourceState = ResourceState> extends FamilyPlanInput<C, S> {
  /** The family's planner, given the findings it must repair, and its step definitions (which describe each step). */
  planner: { plan(input: FamilyPlanInput<C, S>): FamilyPlan; steps: readonly StepDefinition<StepAction, never>[] };
  /** ARNs of the guard's own roles: never quarantined. */
  ownRoleArns: readonly string[];
}

const NO_REPAIR: FamilyPlan = { strategy: 'none', steps: [], explanation: '', notRepaired: [] };

/** Which findings the guard acts on, and why the others are only reported. */
function triage(findings: readonly Finding[]): { repair: Finding[]; quarantine: Finding[]; notRepaired: Plan['notRepaired'] } {
  const repair: Finding[] = [];
  const quarantine: Finding[] = [];
  const notRepaired: Plan['notRepaired'] = [];
  for (const finding of findings) {
    if (finding.exemption) {
      notRepaired.push({ ruleId: finding.ruleId, reason: `exempt until ${finding.exemption.expires}: ${finding.exemption.reason}` });
    } else if (finding.action === 'alert') {
      const note = finding.fix.kind === 'none' ? ` (${finding.fix.note})` : '';
      notRepaired.push({ ruleId: finding.ruleId, reason: `the rule's action is alert: reported, nothing changed${note}` });
    } else if (finding.action === 'quarantine') {
      quarantine.push(finding);
    } else {
      repair.push(finding);
    }
  }
  return { repair, quarantine, notRepaired };
}

/** Numbers the steps s1, s2, ... and turns draft dependencies into step ids. */
function numberSteps(drafts: readonly DraftStep[], definitions: readonly StepDefinition<StepAction, never>[]): PlanStep[] {
  const describe = (action: StepAction): string => definitions.find((d) => d.type === action.type)?.describe(action) ?? `${action.type} (no step definition in this family)`;
  const ids = new Map<DraftStep, string>();
  drafts.forEach((draft, index) => ids.set(draft, `s${index + 1}`));
  return drafts.map((draft) => {
    const dependsOn = (draft.dependsOn ?? []).map((d) => ids.get(d)).filter((id): id is string => id !== undefined);
    return {
      id: ids.get(draft) ?? '',
      action: draft.action,
      target: draft.target ?? describe(draft.action),
      ruleIds: [...draft.ruleIds],
      reason: draft.reason,
      ...(dependsOn.length > 0 && { dependsOn }),
    };
  });
}

function overallStrategy(parts: readonly FamilyPlan[], hadFindings: boolean): Strategy {
  const acting = parts.find((p) => p.steps.length > 0);
  if (acting) return acting.strategy;
  const gone = parts.find((p) => p.strategy === 'none' && p.explanation !== '');
  if (gone) return 'none';
  return hadFindings ? 'alert-only' : 'none';
}

/**
 * PURE: findings + current state + baseline + config -> the ordered steps that repair the state, each
 * with the rules it answers and why. Nothing here talks to AWS; `judge` is the rule engine passed in so
 * a candidate (baseline or stripped) document is accepted only if today's rules accept it.
 * In dry-run the steps are still planned, so the alert says exactly what enforcement would have done.
 */
export function planRepair<C extends Change, S extends ResourceState>(input: PlanInput<C, S>): Plan {
  const dryRun = input.config.mode === 'dry-run';
  const { repair, quarantine, notRepaired } = triage(input.findings);
  const { planner, ownRoleArns, ...familyInput } = input;
  const resource = repair.length > 0 ? planner.plan({ ...familyInput, findings: repair }) : NO_REPAIR;
  const actor =
    quarantine.length > 0
      ? planQuarantine({ change: input.change, findings: quarantine, config: input.config, now: input.now, ownRoleArns })
      : NO_REPAIR;
  const parts = [resource, actor];
  const steps = numberSteps(parts.flatMap((p) => p.steps), planner.steps);
  const sentences = parts.map((p) => p.explanation).filter((s) => s !== '');
  if (sentences.length === 0) {
    sentences.push(
      input.findings.length === 0
        ? 'No findings: nothing to repair.'
        : 'Nothing is changed: every finding is exempt or alert-only.',
    );
  }
  if (dryRun && steps.length > 0) sentences.unshift('Dry-run: nothing is changed; enforce mode would do the following.');
  return {
    strategy: overallStrategy(parts, input.findings.length > 0),
    steps,
    dryRun,
    explanation: sentences.join(' '),
    notRepaired: [...notRepaired, ...parts.flatMap((p) => p.notRepaired)],
  };
}
