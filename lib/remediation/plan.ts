import type { BaselineRecord } from '../baseline/types.ts';
import type { Change } from '../cloudtrail/types.ts';
import type { Config } from '../config/schema.ts';
import type { Finding } from '../rules/types.ts';
import type { ResourceState } from '../state/types.ts';
import type { DraftStep, FamilyPlan } from './draft.ts';
import { planEventDestinationRepair } from './plan-event-destination.ts';
import { planIamGrantRepair } from './plan-iam-grant.ts';
import { planIdentityPolicyRepair } from './plan-identity-policy.ts';
import { planQuarantine } from './plan-quarantine.ts';
import { planVerificationTemplateRepair } from './plan-verification-template.ts';
import type { Plan, PlanStep, Strategy } from './types.ts';

export interface PlanInput {
  change: Change;
  /** The current state the findings were made on. */
  state: ResourceState;
  findings: Finding[];
  /** Last-known-good record for the state (lib/baseline), when one exists. */
  baseline?: BaselineRecord;
  config: Config;
  /** The rule engine (lib/rules judge with its context bound): tells whether a candidate document is compliant. */
  judge: (state: ResourceState) => Finding[];
  now: Date;
  /** ARN of the deny policy attached on quarantine. */
  quarantinePolicyArn: string;
  /** ARN patterns of the guard's own roles: never quarantined. */
  ownRoleArns: readonly string[];
}

const NO_REPAIR: FamilyPlan = { strategy: 'none', steps: [], explanation: '', notRepaired: [] };

/** Findings of the state's own family, planned by the family planner. */
function planResourceRepair(input: PlanInput, findings: Finding[]): FamilyPlan {
  if (findings.length === 0) return NO_REPAIR;
  const { state } = input;
  switch (state.kind) {
    case 'identity-policy':
      return planIdentityPolicyRepair({ state, findings, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) });
    case 'event-destination':
      return planEventDestinationRepair({ state, findings, config: input.config, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) });
    case 'verification-template':
      return planVerificationTemplateRepair({ state, findings, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) });
    case 'iam-grant':
      return planIamGrantRepair({ change: input.change, state, findings, config: input.config, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) });
    case 'custom-verification-send':
      return {
        strategy: 'alert-only',
        steps: [],
        explanation: 'A custom verification email already sent cannot be taken back; only its sender can be quarantined.',
        notRepaired: findings.map((f) => ({ ruleId: f.ruleId, reason: `action "${f.action}" cannot undo a sent email; configure quarantine to act on the sender` })),
      };
    case 'guard-integrity':
      return {
        strategy: 'alert-only',
        steps: [],
        explanation: 'Changes to the guard itself are reported for a person to undo; the guard does not repair its own resources.',
        notRepaired: findings.map((f) => ({ ruleId: f.ruleId, reason: 'guard resources are repaired by a person' })),
      };
  }
}

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
function numberSteps(drafts: readonly DraftStep[]): PlanStep[] {
  const ids = new Map<DraftStep, string>();
  drafts.forEach((draft, index) => ids.set(draft, `s${index + 1}`));
  return drafts.map((draft) => {
    const dependsOn = (draft.dependsOn ?? []).map((d) => ids.get(d)).filter((id): id is string => id !== undefined);
    return {
      id: ids.get(draft) ?? '',
      action: draft.action,
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
export function planRepair(input: PlanInput): Plan {
  const dryRun = input.config.mode === 'dry-run';
  const { repair, quarantine, notRepaired } = triage(input.findings);
  const resource = planResourceRepair(input, repair);
  const actor =
    quarantine.length > 0
      ? planQuarantine({
          change: input.change,
          findings: quarantine,
          config: input.config,
          now: input.now,
          quarantinePolicyArn: input.quarantinePolicyArn,
          ownRoleArns: input.ownRoleArns,
        })
      : NO_REPAIR;
  const parts = [resource, actor];
  const steps = numberSteps(parts.flatMap((p) => p.steps));
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
