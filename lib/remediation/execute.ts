import type { Finding, ResourceState } from '../rules/types.ts';
import { describeError, isNotFound } from '../aws/errors.ts';
import { resourceFindings } from './compliance.ts';
import type { StepSenders } from './step.ts';
import type { Plan, PlanStep, StepResult } from './types.ts';

export interface ExecuteDeps {
  /** The steps this function can send, each bound to its client (lib/remediation/step.ts bindSteps). */
  senders: StepSenders;
  /** Reads the target's current state again (the same reader that produced the planned state). */
  reread: () => Promise<ResourceState>;
  /** The family's rules with their context bound; "compliant" means no non-exempt, non-alert finding. */
  judge: (state: ResourceState) => Finding[];
  /** The state's document as text (the family's state facet), to tell whether it changed since it was read. */
  documentOf: (state: ResourceState) => string | null;
  now: () => Date;
  /** The state the plan was made from. A re-read that differs from it means someone changed the resource again. */
  planned?: ResourceState;
}

export interface ExecutionReport {
  results: StepResult[];
  /**
   * Whether the state read after the repair is compliant: no finding left that a change to the resource
   * would answer (exempt, alert-only and quarantine-answered findings do not count). false when it could
   * not be read or judged.
   */
  rereadCompliant: boolean;
  /** The state read after the repair (or at the race check, when nothing was done). */
  after?: ResourceState;
  /** What went wrong around the steps (a re-read that failed), in words; the step results carry the rest. */
  notes?: string[];
}

/**
 * The only code that changes AWS. Steps run one at a time, in plan order, each mapped to exactly one
 * SDK command, each outcome recorded: a failed step does not stop the others (a partial repair beats
 * none) unless a step depends on it. Before writing, the state is read again: events arrive late and
 * twice, and a state that has meanwhile become compliant must not be touched (quarantine steps still
 * run: they answer what the actor did, which a later fix by someone else does not undo).
 */
export async function executePlan(plan: Plan, deps: ExecuteDeps): Promise<ExecutionReport> {
  const result = (step: PlanStep, outcome: StepResult['outcome'], detail?: string): StepResult => ({
    stepId: step.id,
    action: step.action.type,
    outcome,
    ...(detail !== undefined && { detail }),
    at: deps.now().toISOString(),
  });

  if (plan.dryRun) {
    return { results: plan.steps.map((step) => result(step, 'would-do', 'dry-run: not sent')), rereadCompliant: false };
  }
  if (plan.steps.length === 0) return { results: [], rereadCompliant: false };

  const notes: string[] = [];
  const current = await readAndJudge(deps, 'before writing', notes);
  // A failed re-read does not stop the repair: the plan was made from a state read moments ago, and
  // leaving the perimeter open because of a throttled read is the worse failure.
  if (!current) notes.push('the repair went ahead on the state read when the event arrived');
  const nowCompliant = current?.compliant === true;
  // Changed again and still noncompliant: writing the plan would overwrite the newer document with one
  // derived from the older. That newer change has its own CloudTrail event, which the guard judges on
  // its own; leave the resource to that decision rather than race it.
  const changedAgain =
    !nowCompliant && current !== undefined && deps.planned !== undefined && deps.documentOf(current.state) !== deps.documentOf(deps.planned);

  const results: StepResult[] = [];
  const byId = new Map<string, StepResult>();
  const actsOnActor = (step: PlanStep): boolean => deps.senders.get(step.action.type)?.definition.actsOnActor === true;
  for (const step of plan.steps) {
    const blocked = (step.dependsOn ?? []).map((id) => ({ id, r: byId.get(id) })).find(({ r }) => r?.outcome !== 'done');
    let outcome: StepResult;
    if (nowCompliant && !actsOnActor(step)) {
      outcome = result(step, 'skipped', 'state changed since it was read and is now compliant');
    } else if (changedAgain && !actsOnActor(step)) {
      outcome = result(step, 'skipped', 'state changed again since it was read and is still noncompliant: the newer change is judged on its own event, not overwritten from an older reading');
    } else if (blocked) {
      const prerequisite = plan.steps.find((s) => s.id === blocked.id);
      const what = prerequisite ? `${blocked.id} (${prerequisite.action.type})` : blocked.id;
      outcome = result(step, 'skipped', `depends on step ${what}, which ${blocked.r ? `was ${blocked.r.outcome}` : 'did not run'}`);
    } else {
      outcome = await runStep(step, deps, result);
    }
    results.push(outcome);
    byId.set(step.id, outcome);
  }
  if ((nowCompliant || changedAgain) && results.every((r) => r.outcome === 'skipped')) {
    return { results, rereadCompliant: current?.compliant ?? false, ...(current && { after: current.state }), ...(notes.length > 0 && { notes }) };
  }

  const after = await readAndJudge(deps, 'after the repair', notes);
  return {
    results,
    rereadCompliant: after?.compliant ?? false,
    ...(after && { after: after.state }),
    ...(notes.length > 0 && { notes }),
  };
}

async function runStep(step: PlanStep, deps: ExecuteDeps, result: (step: PlanStep, outcome: StepResult['outcome'], detail?: string) => StepResult): Promise<StepResult> {
  const bound = deps.senders.get(step.action.type);
  if (!bound) {
    // A plan this function cannot carry out is a wiring defect; it must show in the alert, not vanish.
    return result(step, 'failed', `this function has no sender for ${step.action.type}: it is not wired for that repair`);
  }
  try {
    await bound.send(step.action);
    return result(step, 'done');
  } catch (error) {
    if (bound.definition.removes && isNotFound(error)) {
      return result(step, 'done', `already gone: AWS answered ${describeError(error)}`);
    }
    return result(step, 'failed', describeError(error));
  }
}

interface Reading {
  state: ResourceState;
  /**
   * Nothing left that a change to the resource would answer. Findings of rules configured to quarantine
   * are answered by quarantining the actor, so they do not count (a sent verification email stays "sent").
   * false when judge threw.
   */
  compliant: boolean;
}

async function readAndJudge(deps: ExecuteDeps, when: string, notes: string[]): Promise<Reading | undefined> {
  let state: ResourceState;
  try {
    state = await deps.reread();
  } catch (error) {
    notes.push(`could not re-read the state ${when}: ${describeError(error)}`);
    return undefined;
  }
  try {
    return { state, compliant: resourceFindings(deps.judge(state)).length === 0 };
  } catch (error) {
    notes.push(`could not judge the state re-read ${when}: ${describeError(error)}`);
    return { state, compliant: false };
  }
}
