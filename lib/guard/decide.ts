import { withExpectedFollowUps } from '../aws/paced-client.ts';
import type { Change, Skip } from '../cloudtrail/types.ts';
import { parseCloudTrailEvent, type ParseOptions } from '../cloudtrail/parse.ts';
import type { EventParser } from '../cloudtrail/event-parser.ts';
import { RULE_ACTIONS, type Config, type RuleAction } from '../config/schema.ts';
import type { BaselineRecord, BaselineStore } from '../baseline/types.ts';
import { describeError } from '../aws/errors.ts';
import { stateFacet, type Family, type StateFacet } from '../families/family.ts';
import { judge } from '../rules/judge.ts';
import type { Finding, ResourceState, RuleContext } from '../rules/types.ts';
import { planRepair } from '../remediation/plan.ts';
import { describeFindings } from '../remediation/compliance.ts';
import type { ExecutionReport } from '../remediation/execute.ts';
import type { Plan } from '../remediation/types.ts';
import { buildDecision, skippedDecision, type Decision, type DecisionFields } from './decision.ts';

/**
 * The data path of DESIGN.md §1 as one function: parse -> read current state -> judge -> plan ->
 * execute -> baseline -> Decision. Lambda handlers, the sweep, the CLI and tests all go through here, so
 * there is one implementation of every decision. Effects come in through `deps`.
 */
export interface GuardDeps {
  config: Config;
  /** The families this entry point judges: a Lambda function its own, the CLI every one. */
  families: readonly Family[];
  /** The CURRENT state of what a change touched (live: the family's SDK reader; offline: its offline reader). */
  readState(change: Change, family: Family): Promise<ResourceState>;
  baseline: BaselineStore;
  /** Runs a plan (lib/remediation/execute in production) with what it needs to re-read and re-judge. */
  execute(plan: Plan, context: ExecutionContext): Promise<ExecutionReport>;
  parseOptions: ParseOptions;
  now(): Date;
}

export interface ExecutionContext {
  reread: () => Promise<ResourceState>;
  judge: (state: ResourceState) => Finding[];
  documentOf: (state: ResourceState) => string | null;
  /** The state the plan was made from. */
  planned: ResourceState;
}

const parserLists = new WeakMap<readonly Family[], readonly EventParser[]>();

/** The families' parsers in their order: the first family's parser is offered a shared event first. */
function parsersOf(families: readonly Family[]): readonly EventParser[] {
  let parsers = parserLists.get(families);
  if (!parsers) {
    parsers = families.flatMap((family) => family.events);
    parserLists.set(families, parsers);
  }
  return parsers;
}

export function decideEvent(envelope: unknown, deps: GuardDeps): Promise<Decision> {
  const parsed: Change | Skip = parseCloudTrailEvent(envelope, parsersOf(deps.families), deps.parseOptions);
  if ('skip' in parsed) return Promise.resolve(skippedDecision(parsed, deps.config.mode === 'dry-run', deps.now()));
  const family = deps.families.find((f) => f.id === parsed.family);
  // Unreachable: the parser that produced the change belongs to one of these families.
  if (!family) throw new Error(`no family ${parsed.family} among ${deps.families.map((f) => f.id).join(', ')}`);
  return decideChange(family, parsed, deps);
}

/** What the rules are told about a change: one context for the decision and for the pacer's guess. */
function ruleContext(change: Change, deps: GuardDeps): RuleContext {
  return { config: deps.config, accountId: change.accountId, region: change.region, now: deps.now(), actor: change.actor, ownRoleArns: deps.parseOptions.ownRoleArns };
}

/** Actions repaired by writing the resource the event names (quarantine writes IAM, alert writes nothing). */
const RESOURCE_WRITING_ACTIONS: ReadonlySet<RuleAction> = new Set(RULE_ACTIONS.filter((a) => a !== 'quarantine' && a !== 'alert'));

/**
 * A write and its verify re-read (2) when the event's own payload, judged as the offline state, already
 * breaks a rule whose action rewrites the resource, in enforce mode; 0 otherwise (or when the payload says
 * too little). Only a hint to the pacer: the decision is taken on the state read from AWS.
 */
function predictedRepairCalls(family: Family, change: Change, deps: GuardDeps): number {
  if (deps.config.mode !== 'enforce') return 0;
  try {
    const offline = family.offlineState(change, undefined);
    return judge(offline, ruleContext(change, deps), family.rules).some((f) => RESOURCE_WRITING_ACTIONS.has(f.action)) ? 2 : 0;
  } catch {
    return 0;
  }
}

/**
 * `deps` with the state read (and the baseline fetch) of `envelope`'s change already under way, for a
 * caller that must first do something else that takes a round trip: the Lambda handler starts them beside
 * its idempotency lock instead of after it. Reads change nothing, so a read whose event turns out to be a
 * duplicate is only wasted, never harmful. The first read of that change (and the first fetch of that
 * baseline) answers from the started one; every later read (the re-read after the repair) goes live.
 */
export function withReadsStarted(envelope: unknown, deps: GuardDeps): GuardDeps {
  const parsed = parseCloudTrailEvent(envelope, parsersOf(deps.families), deps.parseOptions);
  if ('skip' in parsed) return deps;
  const family = deps.families.find((f) => f.id === parsed.family);
  if (!family) return deps;
  const followUps = predictedRepairCalls(family, parsed, deps);
  let state: Promise<Settled<ResourceState>> | undefined = settled(withExpectedFollowUps(followUps, () => deps.readState(parsed, family)));
  const key = family.baselineKey?.(parsed);
  let baseline = key === undefined ? undefined : settled(deps.baseline.get(key));
  return {
    ...deps,
    readState: async (change, of) => {
      const started = state;
      state = undefined;
      if (started && of.id === family.id && change.eventId === parsed.eventId) return unsettled(await started);
      return deps.readState(change, of);
    },
    baseline: {
      get: async (wanted) => {
        const started = baseline;
        baseline = undefined;
        if (started && wanted === key) return unsettled(await started);
        return deps.baseline.get(wanted);
      },
      put: (record) => deps.baseline.put(record),
    },
  };
}

/** One change, judged with its family: the same for an event, a sweep item and a replayed record. */
export async function decideChange(family: Family, change: Change, deps: GuardDeps): Promise<Decision> {
  const dryRun = deps.config.mode === 'dry-run';
  const resource = family.resourceOf(change);
  const ctx = ruleContext(change, deps);
  const judgeState = (state: ResourceState): Finding[] => judge(state, ctx, family.rules);
  const facetOf = (state: ResourceState): StateFacet<ResourceState> => stateFacet(family.states, state);
  const documentOf = (state: ResourceState): string | null => facetOf(state).document(state);
  const errors: string[] = [];
  const finish = (fields: Omit<DecisionFields, 'dryRun' | 'change' | 'resource'>, measured: { readStateMs?: number; executeMs?: number }): Decision =>
    buildDecision({ ...fields, change, resource, dryRun }, deps.now(), measured);

  // The baseline is fetched beside the state read (one round trip, not two); a compliant state leaves it unused.
  const prefetchedKey = family.baselineKey?.(change);
  const prefetched = prefetchedKey === undefined ? undefined : settled(deps.baseline.get(prefetchedKey));
  const readStarted = performance.now();
  let state: ResourceState;
  try {
    state = await deps.readState(change, family);
  } catch (error) {
    return finish({ verdict: 'error', errors: [`could not read the current state of ${resource}: ${describeError(error)}`] }, { readStateMs: performance.now() - readStarted });
  }
  const readStateMs = performance.now() - readStarted;
  const facet = facetOf(state);
  const before = facet.document(state);
  const unreadable = facet.unreadable(state);
  if (unreadable.length > 0) {
    // A document AWS holds but we cannot parse must be looked at by a person; never guess, never a baseline.
    return finish({ verdict: 'invalid', before, errors: unreadable.map((e) => `policy document does not parse: ${e}`) }, { readStateMs });
  }

  const findings = judgeState(state);
  const notes = facet.notes?.(state) ?? [];
  if (findings.length === 0) {
    await recordBaseline(deps, facet.baseline(state), change, errors);
    return finish({ verdict: 'compliant', before, after: before, errors, ...(notes.length > 0 && { notes }) }, { readStateMs });
  }

  const key = facet.baseline(state)?.key;
  let baselineRecord: BaselineRecord | undefined;
  if (key !== undefined) {
    try {
      baselineRecord = unsettled(key === prefetchedKey && prefetched ? await prefetched : await settled(deps.baseline.get(key)));
    } catch (error) {
      // Without the baseline the planner can still strip or delete; say that it had to.
      errors.push(`baseline unavailable for ${key}; planned without it: ${describeError(error)}`);
    }
  }

  const plan = planRepair({
    planner: family,
    change,
    state,
    findings,
    ...(baselineRecord && { baseline: baselineRecord }),
    config: deps.config,
    judge: judgeState,
    now: ctx.now,
    ownRoleArns: deps.parseOptions.ownRoleArns,
  });

  const executeStarted = performance.now();
  let report: ExecutionReport;
  try {
    report = await deps.execute(plan, { reread: () => deps.readState(change, family), judge: judgeState, documentOf, planned: state });
  } catch (error) {
    errors.push(`repair aborted: ${describeError(error)}`);
    report = { results: [], rereadCompliant: false };
  }
  const executeMs = performance.now() - executeStarted;
  errors.push(...(report.notes ?? []));
  for (const result of report.results) {
    if (result.outcome === 'failed') errors.push(`step ${result.stepId} (${result.action}) failed: ${result.detail ?? 'no detail'}`);
  }
  if (report.verification?.status === 'open') {
    errors.push(`after the repair the state re-read is still noncompliant: ${describeFindings(report.verification.findings)}`);
  }
  const retry = report.transientFailures?.length ? `a repair step failed transiently: ${report.transientFailures.join('; ')}` : undefined;
  return finish(
    {
      verdict: 'noncompliant',
      findings,
      plan,
      results: report.results,
      before,
      after: report.after ? documentOf(report.after) : before,
      errors,
      ...(report.verification && { verification: report.verification }),
      ...(report.race && { race: report.race }),
      ...(retry !== undefined && { retry }),
      ...(notes.length > 0 && { notes }),
    },
    { readStateMs, executeMs },
  );
}

async function recordBaseline(deps: GuardDeps, baseline: { key: string; document: string } | undefined, change: Change, errors: string[]): Promise<void> {
  if (baseline === undefined) return;
  try {
    await deps.baseline.put({ resourceId: baseline.key, document: baseline.document, eventId: change.eventId, recordedAt: deps.now().toISOString() });
  } catch (error) {
    // A lost baseline weakens later reverts; surface it rather than fail a compliant decision.
    errors.push(`could not record the compliant state as baseline for ${baseline.key}: ${describeError(error)}`);
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so one started early and left unused (a compliant state) is no unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unsettled<T>(result: Settled<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}
