import type { MakeClient } from '../aws/client-factory.ts';
import { describeError } from '../aws/errors.ts';
import type { BaselineStore } from '../baseline/types.ts';
import type { ParseOptions } from '../cloudtrail/event-parser.ts';
import type { Actor, ChangeBase } from '../cloudtrail/types.ts';
import type { Config } from '../config/schema.ts';
import type { Family, GuardDeployment, InventoryEntry, InventoryItem, InventoryScope } from '../families/family.ts';
import { decideChange, type GuardDeps } from '../guard/decide.ts';
import { undecidedDecision, type Decision } from '../guard/decision.ts';
import { executePlan } from '../remediation/execute.ts';
import type { StepSenders } from '../remediation/step.ts';
import type { ResourceState } from '../rules/types.ts';
import type { Clock } from '../aws/clock.ts';
import { decideLease } from './lease.ts';
import { Pacer, type PacingOptions } from '../aws/paced-client.ts';
import { planSweepUnits, type SweepScope } from './plan.ts';
import { addNotable, emptyTally, type RunRecord, type SweepStore, type SweepTally, type SweepUnit } from './run-record.ts';

/**
 * The sweep, one invocation at a time: take the lease, resume every family/region from its checkpoint, turn
 * each listed resource into Changes, judge each through `decideChange` (the one decision path: the same
 * verdicts, repairs, exemptions and alerts as an event), checkpoint, and stop while time is left so the next
 * invocation continues. When every unit is done the summary is published and the lease released.
 */
export interface SweepDeps {
  config: Config;
  /** Every family the sweep may list (the Lambda: all of them; the CLI: --family narrows `scope`). */
  families: readonly Family[];
  scope: SweepScope;
  accountId: string;
  /** Clients for a region, SDK retries off (the pacer retries): `createServiceClient` with AWS_MAX_ATTEMPTS=1. */
  makeClient(region: string): MakeClient;
  store: SweepStore;
  baseline: BaselineStore;
  clock: Clock;
  pacing: PacingOptions;
  /** The guard's resources in each region (guard-integrity); absent: not checked. */
  guardDeployment?(region: string): GuardDeployment | undefined;
  parseOptions: ParseOptions;
  /** Who the sweep acts as: its Changes name it as the actor. */
  actor: Actor;
  /** Time this invocation has left (Lambda: context.getRemainingTimeInMillis). */
  remainingMs(): number;
  /** Stop taking new resources below this much time left: room for a slow read, a repair and the checkpoint. */
  reserveMs: number;
  /** How long a lease lasts without a checkpoint renewing it: longer than any one resource can take. */
  leaseMs: number;
  /** Checkpoint at least every this many resources (and after any resource that was alerted or repaired). */
  checkpointEvery?: number;
  /** Per-resource alert (noncompliant, invalid), when config.sweep.resourceAlerts is `each`. */
  publish?(decision: Decision): Promise<void>;
  /** The summary, once, when the sweep is done. */
  publishSummary?(record: RunRecord): Promise<void>;
  /** Every decision as it is made (the CLI prints them; the Lambda logs and counts them). */
  onDecision?(decision: Decision, family: Family, unit: SweepUnit): void;
  onProgress?(record: RunRecord): void;
  newSweepId(): string;
}

export interface SweepRequest {
  /** Stable across the invocations of one sweep run (the Step Functions execution), so continuations keep the lease. */
  holder: string;
  /** What started it: schedule, deploy, cli. */
  trigger: string;
}

export type SweepOutcome =
  | { status: 'continue' | 'done'; sweepId: string; record: RunRecord }
  | { status: 'refused'; sweepId: string; reason: string };

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export async function runSweepInvocation(deps: SweepDeps, request: SweepRequest): Promise<SweepOutcome> {
  const now = deps.clock.now();
  const stored = await deps.store.load();
  const lease = decideLease(stored, request.holder, now);
  if (lease.action === 'refuse') {
    return {
      status: 'refused',
      sweepId: lease.sweepId,
      reason: `sweep ${lease.sweepId} is running (held by ${lease.holder} until ${new Date(lease.until).toISOString()}); two sweeps never run at once`,
    };
  }
  if (lease.action === 'finished' && stored) return { status: 'done', sweepId: stored.sweepId, record: stored };

  let record: RunRecord;
  if (lease.action === 'start' || stored === undefined) {
    record = {
      sweepId: deps.newSweepId(),
      holder: request.holder,
      leaseExpiresAt: now + deps.leaseMs,
      status: 'running',
      trigger: request.trigger,
      dryRun: deps.config.mode === 'dry-run',
      startedAt: new Date(now).toISOString(),
      invocations: 1,
      takeovers: 0,
      units: planSweepUnits(deps.families, deps.scope),
      tally: emptyTally(),
      version: (stored?.version ?? -1) + 1,
    };
  } else {
    record = {
      ...stored,
      holder: request.holder,
      leaseExpiresAt: now + deps.leaseMs,
      invocations: stored.invocations + 1,
      takeovers: stored.takeovers + (lease.action === 'take-over' ? 1 : 0),
      version: stored.version + 1,
    };
  }
  if (!(await deps.store.save(record, stored?.version))) {
    return { status: 'refused', sweepId: record.sweepId, reason: 'another invocation took the sweep at the same moment' };
  }

  const run = new SweepRun(deps, record);
  try {
    await run.work();
    return await run.finish();
  } catch (error) {
    if (error instanceof LeaseLostError) return { status: 'refused', sweepId: record.sweepId, reason: error.message };
    throw error;
  }
}

class SweepRun {
  readonly #pacer: Pacer;
  #record: RunRecord;
  #sinceCheckpoint = 0;

  constructor(
    private readonly deps: SweepDeps,
    record: RunRecord,
  ) {
    this.#record = record;
    this.#pacer = new Pacer(deps.pacing, deps.clock);
  }

  get #tally(): SweepTally {
    return this.#record.tally;
  }

  #timeLow(): boolean {
    return this.deps.remainingMs() < this.deps.reserveMs;
  }

  async work(): Promise<void> {
    for (const unit of this.#record.units) {
      if (unit.done) continue;
      if (this.#timeLow()) return;
      const family = this.deps.families.find((f) => f.id === unit.family);
      if (!family) {
        unit.done = true;
        unit.error = `no family ${unit.family} in this build`;
        addNotable(this.#tally, 'skipped', { family: unit.family, resource: unit.region, detail: unit.error });
        continue;
      }
      await this.#sweepUnit(family, unit);
    }
  }

  async #sweepUnit(family: Family, unit: SweepUnit): Promise<void> {
    const make = this.#pacer.makeClient(this.deps.makeClient(unit.region), unit.region, family.id);
    const guard = this.deps.guardDeployment?.(unit.region);
    const where: InventoryScope = {
      accountId: this.deps.accountId,
      region: unit.region,
      changeBase: (key) => this.#changeBase(family.id, unit.region, key),
      ...(guard && { guard }),
    };
    const source = family.inventory.connect(make, where);
    const connection = family.connect(make);
    // The sweep has no actor to quarantine: only the family's resource repairs are bound.
    const senders: StepSenders = new Map([...connection.senders].filter(([, step]) => !step.definition.actsOnActor));

    for (;;) {
      if (this.#timeLow()) return;
      let page;
      try {
        page = await source.page(unit.cursor);
      } catch (error) {
        if (unit.cursor !== undefined && unit.restarts === 0) {
          // A page token AWS no longer accepts (expired between invocations): list again from the start.
          // Resources already judged are judged again; none is skipped.
          unit.restarts++;
          delete unit.cursor;
          delete unit.afterKey;
          delete unit.countedCursor;
          continue;
        }
        unit.done = true;
        unit.error = `could not list ${family.id} in ${unit.region}: ${describeError(error)}`;
        addNotable(this.#tally, 'skipped', { family: family.id, resource: unit.region, detail: unit.error });
        await this.#checkpoint();
        return;
      }
      const pageId = unit.cursor ?? '';
      if (unit.countedCursor !== pageId) {
        unit.listed += page.entries.length;
        unit.countedCursor = pageId;
      }
      const start = resumeIndex(page.entries, unit.afterKey, page.sorted);
      for (const entry of page.entries.slice(start)) {
        if (this.#timeLow()) {
          await this.#checkpoint();
          return;
        }
        const notable = await this.#judgeEntry(family, unit, entry, connection.read, senders);
        unit.afterKey = entry.key;
        unit.seen++;
        this.#sinceCheckpoint++;
        if (notable || this.#sinceCheckpoint >= (this.deps.checkpointEvery ?? 25)) await this.#checkpoint();
      }
      if (page.next === undefined) {
        unit.done = true;
        delete unit.cursor;
        delete unit.afterKey;
        await this.#checkpoint();
        return;
      }
      unit.cursor = page.next;
      delete unit.afterKey;
      await this.#checkpoint();
    }
  }

  /** Judges one listed resource; true when something happened that must not be repeated lightly (alert, repair). */
  async #judgeEntry(
    family: Family,
    unit: SweepUnit,
    entry: InventoryEntry,
    readLive: (change: InventoryItem['change']) => Promise<ResourceState>,
    senders: StepSenders,
  ): Promise<boolean> {
    let items: InventoryItem[];
    try {
      items = await entry.items();
    } catch (error) {
      // One resource that cannot be read (AccessDenied, still throttled) is reported for it; the sweep goes on.
      const decision = undecidedDecision('error', `could not read ${entry.resource}: ${describeError(error)}`, {
        dryRun: this.#record.dryRun,
        now: new Date(this.deps.clock.now()),
      });
      const withResource = { ...decision, resource: entry.resource };
      this.#record.tally.verdicts.error++;
      addNotable(this.#tally, 'failed', { family: family.id, resource: entry.resource, detail: describeError(error) });
      this.deps.onDecision?.(withResource, family, unit);
      return true;
    }
    let notable = false;
    for (const item of items) {
      const decision = await decideChange(family, item.change, this.#guardDeps(family, item, readLive, senders));
      unit.judged++;
      notable = (await this.#tallyDecision(family, decision)) || notable;
      this.deps.onDecision?.(decision, family, unit);
    }
    return notable;
  }

  #guardDeps(family: Family, item: InventoryItem, readLive: (change: InventoryItem['change']) => Promise<ResourceState>, senders: StepSenders): GuardDeps {
    let first = item.state;
    const tally = this.#tally;
    const baseline = this.deps.baseline;
    const clock = this.deps.clock;
    const now = (): Date => new Date(clock.now());
    return {
      config: this.deps.config,
      families: [family],
      // The first read answers from the listing; the executor's re-reads (before writing, after) go live.
      readState: (change) => {
        if (first !== undefined) {
          const state = first;
          first = undefined;
          return Promise.resolve(state);
        }
        return readLive(change);
      },
      baseline: {
        get: (id) => baseline.get(id),
        put: async (record) => {
          await baseline.put(record);
          tally.baselinesSeeded++;
        },
      },
      execute: (plan, context) => executePlan(plan, { senders, ...context, now }),
      parseOptions: this.deps.parseOptions,
      now,
    };
  }

  /** Adds a decision to the tally; publishes its alert when it is one. True when it was alerted or repaired. */
  async #tallyDecision(family: Family, decision: Decision): Promise<boolean> {
    const tally = this.#tally;
    const resource = decision.resource ?? '(unknown)';
    tally.verdicts[decision.verdict]++;
    const done = decision.results.filter((r) => r.outcome === 'done').length;
    const failed = decision.results.filter((r) => r.outcome === 'failed');
    const wouldDo = decision.results.filter((r) => r.outcome === 'would-do').length;
    for (const finding of decision.findings) {
      const rule = (tally.rules[finding.ruleId] ??= { findings: 0, repaired: 0, wouldRepair: 0, notRepaired: 0 });
      rule.findings++;
      const answered = decision.plan?.steps.some((s) => s.ruleIds.includes(finding.ruleId)) ?? false;
      if (!answered) rule.notRepaired++;
      else if (wouldDo > 0) rule.wouldRepair++;
      else if (done > 0 && failed.length === 0) rule.repaired++;
    }
    const rules = [...new Set(decision.findings.map((f) => f.ruleId))].join(', ');
    if (decision.verdict === 'noncompliant') {
      if (wouldDo > 0) addNotable(tally, 'wouldRepair', { family: family.id, resource, detail: `${rules}: ${decision.plan?.explanation ?? ''}` });
      else if (done > 0 && failed.length === 0) addNotable(tally, 'repaired', { family: family.id, resource, detail: `${rules}: ${decision.plan?.explanation ?? ''}` });
    }
    // An invalid decision's errors say why its document does not parse: it is listed as invalid, not as a failure.
    if (failed.length > 0 || (decision.errors.length > 0 && decision.verdict !== 'invalid')) {
      addNotable(tally, 'failed', { family: family.id, resource, detail: [...failed.map((r) => `${r.action}: ${r.detail ?? 'failed'}`), ...decision.errors].join('; ') });
    }
    if (decision.verdict === 'invalid') addNotable(tally, 'invalid', { family: family.id, resource, detail: decision.errors.join('; ') });
    if (decision.verdict === 'error' && decision.errors.length === 0) addNotable(tally, 'failed', { family: family.id, resource, detail: 'the guard could not decide' });

    const alertable = decision.verdict === 'noncompliant' || decision.verdict === 'invalid';
    let alerted = false;
    if (alertable && this.deps.config.sweep.resourceAlerts === 'each' && this.deps.publish) {
      try {
        await this.deps.publish(decision);
        tally.alertsPublished++;
        alerted = true;
      } catch (error) {
        addNotable(tally, 'failed', { family: family.id, resource, detail: `the alert could not be published: ${describeError(error)}` });
      }
    }
    return alerted || done > 0 || failed.length > 0;
  }

  #changeBase(family: string, region: string, key: string): ChangeBase {
    return {
      eventId: `sweep:${this.#record.sweepId}:${family}:${region}:${key}`,
      eventName: 'SesguardSweep',
      eventSource: 'sesguard.sweep',
      eventTime: new Date(this.deps.clock.now()).toISOString(),
      region,
      accountId: this.deps.accountId,
      actor: this.deps.actor,
    };
  }

  #mergeCalls(): void {
    for (const [family, stats] of this.#pacer.stats) {
      const total = (this.#tally.calls[family] ??= { calls: 0, throttles: 0, retries: 0, byOperation: {} });
      total.calls += stats.calls;
      total.throttles += stats.throttles;
      total.retries += stats.retries;
      for (const [op, n] of Object.entries(stats.byOperation)) total.byOperation[op] = (total.byOperation[op] ?? 0) + n;
      stats.calls = 0;
      stats.throttles = 0;
      stats.retries = 0;
      stats.byOperation = {};
    }
  }

  /** Writes progress and tally together; renews the lease. Throws LeaseLostError when another invocation took over. */
  async #checkpoint(): Promise<void> {
    this.#mergeCalls();
    const expected = this.#record.version;
    const next: RunRecord = { ...this.#record, leaseExpiresAt: this.deps.clock.now() + this.deps.leaseMs, version: expected + 1 };
    if (!(await this.deps.store.save(next, expected))) {
      throw new LeaseLostError(`sweep ${this.#record.sweepId}: another invocation took the lease over; this one stops without writing more`);
    }
    this.#record = next;
    this.#sinceCheckpoint = 0;
    this.deps.onProgress?.(next);
  }

  async finish(): Promise<SweepOutcome> {
    if (this.#record.units.some((u) => !u.done)) {
      await this.#checkpoint();
      return { status: 'continue', sweepId: this.#record.sweepId, record: this.#record };
    }
    this.#mergeCalls();
    const finished: RunRecord = { ...this.#record, finishedAt: new Date(this.deps.clock.now()).toISOString() };
    // Published before the record says done: a failed publish fails the invocation, and the retry publishes again.
    await this.deps.publishSummary?.(finished);
    const expected = this.#record.version;
    const done: RunRecord = { ...finished, status: 'done', version: expected + 1 };
    if (!(await this.deps.store.save(done, expected))) throw new LeaseLostError(`sweep ${done.sweepId}: lost the lease while finishing`);
    this.#record = done;
    this.deps.onProgress?.(done);
    return { status: 'done', sweepId: done.sweepId, record: done };
  }
}

/** Where a resumed page continues: after the last finished key (sorted pages: after its place even if it is gone). */
export function resumeIndex(entries: readonly { key: string }[], afterKey: string | undefined, sorted: boolean): number {
  if (afterKey === undefined) return 0;
  if (sorted) {
    const next = entries.findIndex((e) => e.key > afterKey);
    return next < 0 ? entries.length : next;
  }
  const at = entries.findIndex((e) => e.key === afterKey);
  // Unsorted and the key has gone: the page is judged again from its start rather than risk a skip.
  return at < 0 ? 0 : at + 1;
}
