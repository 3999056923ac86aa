import type { Finding, ResourceState } from '../rules/types.ts';
import { describeError } from '../aws/errors.ts';
import { backoffDelay, retryTransient, sleep as realSleep, STEP_RETRY, type RetryPolicy, type Sleep } from '../aws/retry.ts';
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
  /**
   * `planned` was read live moments ago, with nothing but pure judging and planning (and reads run beside
   * it) since: that read IS the read before writing, and a second one would only add a round trip (and an
   * SES call against its 1/s budget) while leaving the same window between the last read and the write.
   * The event path sets it; the sweep, whose first state can come from its listing, does not. The
   * re-read after the repair still decides whether it is "repaired".
   */
  plannedJustRead?: boolean;
  /** How a step that fails transiently (throttled, 5xx, timeout, network) is retried. Default STEP_RETRY. */
  retry?: RetryPolicy;
  /** How often the state is re-read after the repair until it is compliant. Default VERIFY_REREADS. */
  verify?: RetryPolicy;
  /** Waits between tries (tests pass one that does not wait). */
  sleep?: Sleep;
}

/**
 * IAM and SES are eventually consistent: a read right after a write may still show the old state.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 * A re-read that still shows a finding is tried again (waits of at most 0.5, 1 and 2 s) before the repair is
 * called incomplete.
 */
export const VERIFY_REREADS: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 };

/**
 * What the state read after the repair showed. Only `compliant` makes a repair "repaired".
 * - `compliant`: nothing a change to the resource must answer is left.
 * - `open`: findings are left (the write did not take, or someone changed it again); `findings` says which.
 * - `unverified`: the state could not be read or judged after the repair, so nobody knows.
 */
export type Verification = { status: 'compliant' } | { status: 'open'; findings: Finding[] } | { status: 'unverified'; why: string };

/**
 * The resource steps were not sent because the state changed between the read the plan was made from and
 * the read just before writing: it became compliant (someone fixed it), or it changed again and is still
 * noncompliant (that newer change has its own event and decision).
 */
export interface Race {
  kind: 'now-compliant' | 'changed-again';
  detail: string;
}

export interface ExecutionReport {
  results: StepResult[];
  /**
   * Whether the state read after the repair is compliant: no finding left that a change to the resource
   * would answer (exempt, alert-only and quarantine-answered findings do not count). false when it could
   * not be read or judged.
   */
  rereadCompliant: boolean;
  /** What the re-read after the steps showed; absent when nothing was sent (dry-run, empty plan, a race). */
  verification?: Verification;
  /** Present when the resource steps were skipped because the state changed since it was read. */
  race?: Race;
  /**
   * Steps that failed transiently even after retries, as `sN (type): error`. Non-empty means the invocation
   * must fail so that Lambda retries the event, and no idempotency record may keep this outcome.
   */
  transientFailures?: string[];
  /** The state read after the repair (or at the race check, when nothing was done). */
  after?: ResourceState;
  /** What went wrong around the steps (a re-read that failed), in words; the step results carry the rest. */
  notes?: string[];
}

const NOW_COMPLIANT = 'state changed since it was read and is now compliant';
const CHANGED_AGAIN =
  'state changed again since it was read and is still noncompliant: the newer change is judged on its own event, not overwritten from an older reading';

/**
 * The only code that changes AWS. Steps run one at a time, in plan order, each mapped to exactly one
 * SDK command, each outcome recorded: a failed step does not stop the others (a partial repair beats
 * none) unless a step depends on it. A step that fails transiently is retried with backoff; one that AWS
 * refuses (AccessDenied, validation) is not — retrying cannot change the answer. Before writing, the state
 * is read again: events arrive late and twice, and a state that has meanwhile become compliant must not be
 * touched (quarantine steps still run: they answer what the actor did, which a later fix by someone else
 * does not undo). After writing, the state is read until it is compliant or the re-reads run out: only
 * that re-read says whether the repair worked.
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
  const current = deps.plannedJustRead && deps.planned ? undefined : await readAndJudge(deps, 'before writing', notes);
  // A failed re-read does not stop the repair: the plan was made from a state read moments ago, and
  // leaving the perimeter open because of a throttled read is the worse failure.
  if (!current && notes.length > 0) notes.push('the repair went ahead on the state read when the event arrived');
  const nowCompliant = current?.compliant === true;
  // Changed again and still noncompliant: writing the plan would overwrite the newer document with one
  // derived from the older. That newer change has its own CloudTrail event, which the guard judges on
  // its own; leave the resource to that decision rather than race it.
  const changedAgain =
    !nowCompliant && current !== undefined && deps.planned !== undefined && deps.documentOf(current.state) !== deps.documentOf(deps.planned);
  const race: Race | undefined = nowCompliant ? { kind: 'now-compliant', detail: NOW_COMPLIANT } : changedAgain ? { kind: 'changed-again', detail: CHANGED_AGAIN } : undefined;

  const results: StepResult[] = [];
  const transientFailures: string[] = [];
  const byId = new Map<string, StepResult>();
  const actsOnActor = (step: PlanStep): boolean => deps.senders.get(step.action.type)?.definition.actsOnActor === true;
  for (const step of plan.steps) {
    const blocked = (step.dependsOn ?? []).map((id) => ({ id, r: byId.get(id) })).find(({ r }) => r?.outcome !== 'done');
    let outcome: StepResult;
    if (race && !actsOnActor(step)) {
      outcome = result(step, 'skipped', race.detail);
    } else if (blocked) {
      const prerequisite = plan.steps.find((s) => s.id === blocked.id);
      const what = prerequisite ? `${blocked.id} (${prerequisite.action.type})` : blocked.id;
      outcome = result(step, 'skipped', `depends on step ${what}, which ${blocked.r ? `was ${blocked.r.outcome}` : 'did not run'}`);
    } else {
      const ran = await runStep(step, deps, result);
      outcome = ran.result;
      if (ran.transient) transientFailures.push(`${step.id} (${step.action.type}): ${ran.transient}`);
    }
    results.push(outcome);
    byId.set(step.id, outcome);
  }
  const extras = () => ({ ...(transientFailures.length > 0 && { transientFailures }), ...(notes.length > 0 && { notes }) });
  // A race matters only when it kept a resource step from being sent (a plan of quarantine steps alone runs anyway).
  const raced = race && plan.steps.some((step) => !actsOnActor(step)) ? race : undefined;
  if (raced && results.every((r) => r.outcome === 'skipped')) {
    return { results, rereadCompliant: current?.compliant ?? false, race: raced, ...(current && { after: current.state }), ...extras() };
  }

  // Only a write to the resource can still be propagating; after quarantine alone the first re-read is the answer.
  const resourceWritten = plan.steps.some((step, i) => !actsOnActor(step) && results[i]?.outcome === 'done');
  const after = await verify(deps, resourceWritten, notes);
  return {
    results,
    rereadCompliant: after.verification.status === 'compliant',
    verification: after.verification,
    ...(raced && { race: raced }),
    ...(after.state && { after: after.state }),
    ...extras(),
  };
}

/**
 * Re-reads until the state is compliant. Only a write to the resource can still be propagating, so without
 * one the first re-read is the answer.
 */
async function verify(deps: ExecuteDeps, resourceWritten: boolean, notes: string[]): Promise<{ verification: Verification; state?: ResourceState }> {
  const policy = deps.verify ?? VERIFY_REREADS;
  const tries = resourceWritten ? Math.max(1, policy.attempts) : 1;
  const wait = deps.sleep ?? realSleep;
  let last: Reading | undefined;
  const failedReads: string[] = [];
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (attempt > 1) await wait(backoffDelay(attempt - 1, policy));
    const reading = await readAndJudge(deps, 'after the repair', failedReads);
    if (reading) last = reading;
    if (reading?.compliant) break;
  }
  // Only the last word on a failed re-read matters when a later one succeeded.
  if (!last) {
    notes.push(...failedReads.slice(-1));
    return { verification: { status: 'unverified', why: failedReads.at(-1) ?? 'the state could not be re-read after the repair' } };
  }
  if (last.compliant) return { verification: { status: 'compliant' }, state: last.state };
  if (last.judgeError) {
    notes.push(last.judgeError);
    return { verification: { status: 'unverified', why: last.judgeError }, state: last.state };
  }
  return { verification: { status: 'open', findings: last.open }, state: last.state };
}

async function runStep(
  step: PlanStep,
  deps: ExecuteDeps,
  result: (step: PlanStep, outcome: StepResult['outcome'], detail?: string) => StepResult,
): Promise<{ result: StepResult; transient?: string }> {
  const bound = deps.senders.get(step.action.type);
  if (!bound) {
    // A plan this function cannot carry out is a wiring defect; it must show in the alert, not vanish.
    return { result: result(step, 'failed', `this function has no sender for ${step.action.type}: it is not wired for that repair`) };
  }
  const sent = await retryTransient(() => bound.send(step.action), { policy: deps.retry ?? STEP_RETRY, sleep: deps.sleep ?? realSleep });
  if (sent.ok) {
    const retried = sent.attempts > 1 ? `done on try ${sent.attempts}, after transient failures` : undefined;
    const said = typeof sent.value === 'string' ? sent.value : undefined;
    const detail = [said, retried].filter((d): d is string => d !== undefined).join('; ');
    return { result: result(step, 'done', detail === '' ? undefined : detail) };
  }
  const error = describeError(sent.error);
  if (sent.kind === 'not-found' && bound.definition.removes) {
    return { result: result(step, 'done', `already gone: AWS answered ${error}`) };
  }
  if (sent.kind === 'transient') {
    return { result: result(step, 'failed', `${error} (transient: still failing after ${sent.attempts} tries; the event is retried)`), transient: error };
  }
  return { result: result(step, 'failed', error) };
}

interface Reading {
  state: ResourceState;
  /**
   * Nothing left that a change to the resource would answer. Findings of rules configured to quarantine
   * are answered by quarantining the actor, so they do not count (a sent verification email stays "sent").
   * false when judge threw.
   */
  compliant: boolean;
  /** The findings left (empty when compliant). */
  open: Finding[];
  /** Why the state could not be judged, when judge threw. */
  judgeError?: string;
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
    const open = resourceFindings(deps.judge(state));
    return { state, compliant: open.length === 0, open };
  } catch (error) {
    const why = `could not judge the state re-read ${when}: ${describeError(error)}`;
    if (when !== 'after the repair') notes.push(why);
    return { state, compliant: false, open: [], judgeError: why };
  }
}
