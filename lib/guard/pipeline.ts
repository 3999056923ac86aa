import type { Change, Skip } from '../cloudtrail/types.ts';
import { parseCloudTrailEvent, type ParseOptions } from '../cloudtrail/parse.ts';
import type { Config } from '../config/schema.ts';
import type { StateReader } from '../state/reader.ts';
import type { ResourceState } from '../state/types.ts';
import { judge } from '../rules/index.ts';
import type { Finding, RuleContext } from '../rules/types.ts';
import type { BaselineStore } from '../baseline/types.ts';
import { baselineDocument, baselineKey } from '../baseline/record.ts';
import { planRepair } from '../remediation/plan.ts';
import type { ExecutionReport } from '../remediation/execute.ts';
import type { Plan } from '../remediation/types.ts';
import type { Decision } from './decision.ts';
import { describeResource } from './resource.ts';
import { rawDocumentOf } from '../state/raw-document.ts';
import { describeError } from '../aws/errors.ts';

/**
 * The data path of DESIGN.md §1 as one function: parse -> read current state -> judge -> plan ->
 * execute -> baseline -> Decision. Handlers, the CLI and tests all go through here, so there is one
 * implementation of every decision. Effects come in through `deps`.
 */
export interface GuardDeps {
  config: Config;
  stateReader: StateReader;
  baseline: BaselineStore;
  /** Runs a plan (lib/remediation/execute in production); `reread` re-reads the target right before writing. */
  execute: (plan: Plan, context: ExecutionContext) => Promise<ExecutionReport>;
  parseOptions: ParseOptions;
  now: () => Date;
}

export interface ExecutionContext {
  reread: () => Promise<ResourceState>;
  judge: (state: ResourceState) => Finding[];
  /** The state the plan was made from. */
  planned: ResourceState;
}

export function decideEvent(envelope: unknown, deps: GuardDeps): Promise<Decision> {
  const parsed = parseCloudTrailEvent(envelope, deps.parseOptions);
  if ('skip' in parsed) return Promise.resolve(skippedDecision(parsed, deps));
  return decideChange(parsed, deps);
}

function skippedDecision(skip: Skip, deps: GuardDeps): Decision {
  return {
    verdict: skip.reason === 'malformed' ? 'invalid' : 'ignored',
    skip,
    ...(skip.eventId !== undefined && { eventId: skip.eventId }),
    ...(skip.eventName !== undefined && { eventName: skip.eventName }),
    findings: [],
    results: [],
    dryRun: deps.config.mode === 'dry-run',
    errors: [],
    timings: { decidedAt: deps.now().toISOString() },
  };
}

export async function decideChange(change: Change, deps: GuardDeps): Promise<Decision> {
  const dryRun = deps.config.mode === 'dry-run';
  const base = {
    change,
    eventId: change.eventId,
    eventName: change.eventName,
    resource: describeResource(change),
    dryRun,
  };
  const ctx: RuleContext = {
    config: deps.config,
    accountId: change.accountId,
    region: change.region,
    now: deps.now(),
    actor: change.actor,
  };
  const judgeState = (state: ResourceState): Finding[] => judge(state, ctx);
  const errors: string[] = [];

  const readStarted = performance.now();
  let state: ResourceState;
  try {
    state = await deps.stateReader.read(change);
  } catch (error) {
    return finish(deps, change, {
      ...base,
      verdict: 'error',
      findings: [],
      results: [],
      errors: [`could not read the current state of ${base.resource}: ${describeError(error)}`],
    }, { readStateMs: performance.now() - readStarted });
  }
  const readStateMs = performance.now() - readStarted;
  const before = rawDocumentOf(state);
  const parseErrors = 'parseErrors' in state ? state.parseErrors : undefined;
  if (parseErrors && parseErrors.length > 0) {
    // A document AWS holds but we cannot parse must be looked at by a person; never guess.
    return finish(deps, change, {
      ...base,
      verdict: 'invalid',
      findings: [],
      results: [],
      before,
      errors: parseErrors.map((e) => `policy document does not parse: ${e}`),
    }, { readStateMs });
  }

  const findings = judgeState(state);
  if (findings.length === 0) {
    await recordBaseline(deps, state, change, errors);
    return finish(deps, change, { ...base, verdict: 'compliant', findings, results: [], before, after: before, errors }, { readStateMs });
  }

  const key = baselineKey(state);
  let baselineRecord;
  if (key !== undefined) {
    try {
      baselineRecord = await deps.baseline.get(key);
    } catch (error) {
      // Without the baseline the planner can still strip or delete; say that it had to.
      errors.push(`baseline unavailable for ${key}; planned without it: ${describeError(error)}`);
    }
  }

  const plan = planRepair({
    change,
    state,
    findings,
    baseline: baselineRecord,
    config: deps.config,
    judge: judgeState,
    now: ctx.now,
    quarantinePolicyArn: `arn:aws:iam::${change.accountId}:policy/${deps.config.quarantinePolicyName}`,
    ownRoleArns: deps.parseOptions.ownRoleArns,
  });

  const executeStarted = performance.now();
  let report: ExecutionReport;
  try {
    report = await deps.execute(plan, { reread: () => deps.stateReader.read(change), judge: judgeState, planned: state });
  } catch (error) {
    errors.push(`repair aborted: ${describeError(error)}`);
    report = { results: [], rereadCompliant: false };
  }
  const executeMs = performance.now() - executeStarted;
  errors.push(...(report.notes ?? []));
  for (const result of report.results) {
    if (result.outcome === 'failed') errors.push(`step ${result.stepId} (${result.action}) failed: ${result.detail ?? 'no detail'}`);
  }

  return finish(
    deps,
    change,
    {
      ...base,
      verdict: 'noncompliant',
      findings,
      plan,
      results: report.results,
      before,
      after: report.after ? rawDocumentOf(report.after) : before,
      errors,
    },
    { readStateMs, executeMs },
  );
}

async function recordBaseline(deps: GuardDeps, state: ResourceState, change: Change, errors: string[]): Promise<void> {
  const key = baselineKey(state);
  const document = baselineDocument(state);
  if (key === undefined || document === undefined) return;
  try {
    await deps.baseline.put({ resourceId: key, document, eventId: change.eventId, recordedAt: deps.now().toISOString() });
  } catch (error) {
    // A lost baseline weakens later reverts; surface it rather than fail a compliant decision.
    errors.push(`could not record the compliant state as baseline for ${key}: ${describeError(error)}`);
  }
}

function finish(
  deps: GuardDeps,
  change: Change,
  decision: Omit<Decision, 'timings'>,
  timings: { readStateMs?: number; executeMs?: number },
): Decision {
  const decidedAt = deps.now();
  const eventTime = Date.parse(change.eventTime);
  return {
    ...decision,
    timings: {
      eventTime: change.eventTime,
      decidedAt: decidedAt.toISOString(),
      ...(Number.isFinite(eventTime) && { eventToDecisionMs: decidedAt.getTime() - eventTime }),
      ...(timings.readStateMs !== undefined && { readStateMs: round(timings.readStateMs) }),
      ...(timings.executeMs !== undefined && { executeMs: round(timings.executeMs) }),
    },
  };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
