import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { ConfigInput } from '../config/schema.ts';
import { MemoryBaselineStore } from '../baseline/memory-store.ts';
import type { BaselineStore } from '../baseline/types.ts';
import { executePlan } from '../remediation/execute.ts';
import type { Family } from '../families/family.ts';
import { widgetEvent, widgetFamily, type WidgetStore } from '../families/__fixtures__/widget-family.ts';
import { decideChange, decideEvent, type GuardDeps } from './decide.ts';
import { buildAlert } from '../alert/alert-message.ts';
import { throwIfUndecided, UndecidedEventError } from './event-handling.ts';

/**
 * decideChange on its own, with a whole (fixture) family: every path of DESIGN.md §1 ends in a Decision that
 * says what happened — read failure, unreadable document, compliant (baseline recorded), noncompliant
 * (planned, executed, re-read), and the errors met on the way.
 */
const NOW = new Date('2026-11-24T10:00:02.000Z');
const OPEN = '{"public":true}';
const CLOSED = '{"public":false}';

/** A widget service whose DeleteWidget answers 200 and changes nothing. */
class StickyStore extends Map<string, string> {
  override delete(): boolean {
    return true;
  }
}

/** A widget service whose DeleteWidget always fails with `error`. */
function failingStore(widgets: Record<string, string>, error: Error): WidgetStore {
  const store = new Map(Object.entries(widgets));
  store.delete = () => {
    throw error;
  };
  return store;
}

function setup(options: { config?: ConfigInput; widgets?: Record<string, string>; store?: WidgetStore; baseline?: BaselineStore; readFails?: Error; executeFails?: Error } = {}) {
  const store: WidgetStore = options.store ?? new Map(Object.entries(options.widgets ?? {}));
  const family = widgetFamily(store);
  const connection = family.connect(() => {
    throw new Error('the widget family makes no SDK clients');
  });
  const baseline = options.baseline ?? new MemoryBaselineStore();
  const deps: GuardDeps = {
    config: parseConfig({ mode: 'enforce', ...options.config }),
    families: [family as Family],
    readState: async (change, f) => {
      if (options.readFails) throw options.readFails;
      return f.connect(() => undefined as never).read(change);
    },
    baseline,
    execute: (plan, context) => {
      if (options.executeFails) return Promise.reject(options.executeFails);
      return executePlan(plan, { senders: connection.senders, ...context, now: () => NOW, sleep: async () => undefined });
    },
    parseOptions: { ownRoleArns: [], guardResourcePrefix: 'sesguard-test-' },
    now: () => NOW,
  };
  return { store, family, deps, baseline };
}

describe('decideEvent -> decideChange', () => {
  it('a compliant state is recorded as the baseline and nothing is planned', async () => {
    const { deps, baseline } = setup({ widgets: { w: CLOSED } });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision).toMatchObject({ verdict: 'compliant', resource: 'arn:aws:widgets:eu-west-1:111122223333:widget/w', before: CLOSED, after: CLOSED, findings: [], errors: [] });
    expect(decision.plan).toBeUndefined();
    expect(await baseline.get('widget/w')).toMatchObject({ document: CLOSED, eventId: 'evt-w' });
  });

  it('a noncompliant state is planned, executed and re-read: the decision carries the steps and the state left behind', async () => {
    const { deps, store } = setup({ widgets: { w: OPEN } });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.verdict).toBe('noncompliant');
    expect(decision.findings.map((f) => [f.ruleId, f.reason])).toEqual([['SES-IDP-001', 'widget w is public']]);
    expect(decision.plan?.steps.map((s) => [s.id, s.action.type, s.target])).toEqual([['s1', 'test.delete-widget', 'widget w']]);
    expect(decision.results.map((r) => [r.stepId, r.outcome])).toEqual([['s1', 'done']]);
    expect(store.has('w')).toBe(false);
    expect(decision).toMatchObject({ before: OPEN, after: null, errors: [] });
  });

  it('dry-run plans the same steps and sends none', async () => {
    const { deps, store } = setup({ config: { mode: 'dry-run' }, widgets: { w: OPEN } });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision).toMatchObject({ verdict: 'noncompliant', dryRun: true });
    expect(decision.results.map((r) => r.outcome)).toEqual(['would-do']);
    expect(store.get('w')).toBe(OPEN);
  });

  it('a state that cannot be read is an error decision naming the resource and the cause (the handler throws it for a retry)', async () => {
    const { deps } = setup({ readFails: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }) });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision).toMatchObject({
      verdict: 'error',
      errors: ['could not read the current state of arn:aws:widgets:eu-west-1:111122223333:widget/w: ThrottlingException: Rate exceeded'],
    });
  });

  it('a document the family cannot read is invalid: never judged compliant, never a baseline', async () => {
    const { deps, baseline } = setup({ widgets: { w: 'not json' } });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision).toMatchObject({ verdict: 'invalid', before: 'not json', errors: ['policy document does not parse: widget w: not a widget document'] });
    expect(await baseline.get('widget/w')).toBeUndefined();
  });

  it('a baseline store that fails is said, and the plan goes on without it', async () => {
    const failing: BaselineStore = { get: () => Promise.reject(new Error('table gone')), put: () => Promise.reject(new Error('table gone')) };
    const { deps } = setup({ widgets: { w: OPEN }, baseline: failing });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.verdict).toBe('noncompliant');
    expect(decision.errors).toEqual(['baseline unavailable for widget/w; planned without it: table gone']);
    expect(decision.results.map((r) => r.outcome)).toEqual(['done']);
  });

  it('a compliant state whose baseline cannot be recorded still says so', async () => {
    const failing: BaselineStore = { get: async () => undefined, put: () => Promise.reject(new Error('throttled')) };
    const { deps } = setup({ widgets: { w: CLOSED }, baseline: failing });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision).toMatchObject({ verdict: 'compliant', errors: ['could not record the compliant state as baseline for widget/w: throttled'] });
  });

  it('an executor that throws aborts the repair, and the decision says so', async () => {
    const { deps } = setup({ widgets: { w: OPEN }, executeFails: new Error('executor bug') });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision).toMatchObject({ verdict: 'noncompliant', results: [], errors: ['repair aborted: executor bug'] });
  });

  it('timings say how long the perimeter was open (event time to decision)', async () => {
    const { deps } = setup({ widgets: { w: CLOSED } });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.timings).toMatchObject({ eventTime: '2026-11-24T10:00:00Z', decidedAt: NOW.toISOString(), eventToDecisionMs: 2000 });
    expect(decision.timings.readStateMs).toBeGreaterThanOrEqual(0);
  });

  it('an event none of the families handles is ignored with the reason; one that is malformed is invalid', async () => {
    const { deps } = setup();
    const unsupported = { ...(widgetEvent('w') as Record<string, unknown>), detail: { ...((widgetEvent('w') as { detail: Record<string, unknown> }).detail), eventName: 'GetWidget' } };
    expect(await decideEvent(unsupported, deps)).toMatchObject({ verdict: 'ignored', skip: { reason: 'unsupported-event' } });
    expect(await decideEvent({ 'detail-type': 'AWS API Call via CloudTrail' }, deps)).toMatchObject({ verdict: 'invalid', skip: { reason: 'malformed' } });
  });

  it('decideChange takes a change directly (the sweep and replay hand it one)', async () => {
    const { deps, family } = setup({ widgets: { w: CLOSED } });
    const change = { eventId: 'sweep-1', eventName: 'Sweep', eventSource: 'sesguard', eventTime: NOW.toISOString(), region: 'eu-west-1', accountId: '111122223333', actor: { type: 'Unknown' as const }, family: 'widget' as const, target: { name: 'w' } };
    expect(await decideChange(family as Family, change, deps)).toMatchObject({ verdict: 'compliant', eventId: 'sweep-1', eventName: 'Sweep' });
  });
});

describe('"repaired" only from a compliant re-read (DESIGN §1 verify)', () => {
  it('AWS accepts the delete but the re-read still shows the widget open: repair-incomplete, critical, saying what is still open', async () => {
    const { deps } = setup({ store: new StickyStore([['w', OPEN]]) });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.results.map((r) => r.outcome)).toEqual(['done']);
    expect(decision.verification).toEqual({ status: 'open', findings: [expect.objectContaining({ ruleId: 'SES-IDP-001', reason: 'widget w is public' })] });
    expect(decision.errors).toEqual(['after the repair the state re-read is still noncompliant: SES-IDP-001: widget w is public']);
    const alert = buildAlert(decision);
    expect(alert).toMatchObject({ outcome: 'repair-incomplete', severity: 'critical', verification: { status: 'open', open: [{ ruleId: 'SES-IDP-001', reason: 'widget w is public' }] } });
    expect(alert.title).toBe('REPAIR INCOMPLETE: SES-IDP-001 still open on widget/w');
    expect(alert.summary).toContain('still noncompliant');
  });

  it('a compliant re-read is what makes it repaired', async () => {
    const { deps } = setup({ widgets: { w: OPEN } });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.verification).toEqual({ status: 'compliant' });
    expect(buildAlert(decision)).toMatchObject({ outcome: 'repaired', verification: { status: 'compliant', open: [] } });
  });

  it('someone fixed it while the guard was deciding: the alert says it was a race, not "alert-only"', async () => {
    const { deps, store } = setup({ widgets: { w: OPEN } });
    const read = deps.readState;
    let reads = 0;
    deps.readState = async (change, family) => {
      const state = await read(change, family);
      if (++reads === 1) store.set('w', CLOSED);
      return state;
    };
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.race).toEqual({ kind: 'now-compliant', detail: 'state changed since it was read and is now compliant' });
    const alert = buildAlert(decision);
    expect(alert).toMatchObject({ outcome: 'raced', severity: 'low' });
    expect(alert.summary).toMatch(/changed while the guard was deciding and is now compliant/);
  });
});

describe('a transient repair failure fails the invocation; a refusal is alerted at once', () => {
  it('a delete still throttled after the retries: the decision asks for a retry, and the handler throws it (no idempotency record keeps it)', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    const { deps } = setup({ store: failingStore({ w: OPEN }, throttled) });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.retry).toBe('a repair step failed transiently: s1 (test.delete-widget): Throttling: Rate exceeded');
    expect(() => throwIfUndecided(decision)).toThrow(UndecidedEventError);
    expect(buildAlert(decision)).toMatchObject({ outcome: 'repair-failed', summary: expect.stringContaining('Lambda retries the event') });
  });

  it('AccessDenied is not retried and the decision stands: repair-failed, alerted now', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const { deps } = setup({ store: failingStore({ w: OPEN }, denied) });
    const decision = await decideEvent(widgetEvent('w'), deps);
    expect(decision.retry).toBeUndefined();
    expect(throwIfUndecided(decision)).toBe(decision);
    expect(buildAlert(decision)).toMatchObject({ outcome: 'repair-failed', summary: expect.stringContaining('which a retry cannot change') });
  });
});
