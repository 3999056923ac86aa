import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GetEmailIdentityPoliciesCommand, UpdateEmailIdentityPolicyCommand } from '@aws-sdk/client-sesv2';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEmulatorClient, createTestTable, type TestTable } from '../../test/support/dynamodb.ts';
import { simulatedAccount, type SimulatedAccount } from '../../test/support/simulated-account.ts';
import { SimulatedClock } from '../aws/clock.ts';
import { DynamoSweepStore, SWEEP_TABLE_DEFINITION } from './dynamodb-store.ts';
import { runSweepInvocation } from './engine.ts';
import { emptyTally, type RunRecord } from './run-record.ts';
import { compliantPolicy, openPolicy, sweepDeps } from './test-fixtures.ts';

/** Checkpoints and the lease against the real local DynamoDB (dynalite), not a mock. */
let client: DynamoDBClient;
let table: TestTable;
let n = 0;
const store = () => new DynamoSweepStore({ client, tableName: table.tableName, id: `run#test-${++n}` });

beforeAll(async () => {
  client = createEmulatorClient();
  table = await createTestTable(client, SWEEP_TABLE_DEFINITION, 'sweep');
});
afterAll(async () => table.drop());

const mocks: SimulatedAccount[] = [];
afterEach(() => {
  for (const m of mocks.splice(0)) {
    m.sesv2.restore();
    m.iam.restore();
  }
});

function record(version: number): RunRecord {
  return {
    sweepId: 's-1',
    holder: 'exec-1',
    leaseExpiresAt: 1_000,
    status: 'running',
    trigger: 'test',
    dryRun: true,
    startedAt: '2026-11-24T06:00:00.000Z',
    invocations: 1,
    takeovers: 0,
    units: [{ family: 'identity-policy', region: 'eu-west-1', cursor: 'tok-7', afterKey: 'b.example.com', done: false, listed: 7, seen: 2, judged: 2, restarts: 0 }],
    tally: emptyTally(),
    version,
  };
}

describe('DynamoSweepStore', () => {
  it('stores and reads back a checkpoint exactly', async () => {
    const s = store();
    expect(await s.load()).toBeUndefined();
    expect(await s.save(record(0), undefined)).toBe(true);
    expect(await s.load()).toEqual(record(0));
  });

  it('refuses a write from a reader of an older version (two invocations cannot both advance a sweep)', async () => {
    const s = store();
    expect(await s.save(record(0), undefined)).toBe(true);
    expect(await s.save(record(1), 0)).toBe(true);
    expect(await s.save({ ...record(1), holder: 'exec-2' }, 0)).toBe(false);
    expect(await s.save(record(5), undefined)).toBe(false);
    expect((await s.load())?.holder).toBe('exec-1');
  });
});

function accountOf(clock: SimulatedClock, count: number, open: (i: number) => boolean) {
  const identities = new Map<string, Record<string, string>>();
  const opened = new Set<string>();
  for (let i = 0; i < count; i++) {
    const name = `id${String(i).padStart(3, '0')}.example.com`;
    identities.set(name, { Main: open(i) ? openPolicy(name) : compliantPolicy(name) });
    if (open(i)) opened.add(name);
  }
  const sim = simulatedAccount({ clock, callsPerSecond: 1, identities, sesPageSize: 10 });
  mocks.push(sim);
  return { sim, opened, identities };
}

describe('the lease and the checkpoint in DynamoDB', () => {
  it('refuses a second sweep while the first holds the lease', async () => {
    const clock = new SimulatedClock();
    accountOf(clock, 40, () => false);
    const shared = store();
    const first = sweepDeps({ clock, store: shared, budgetMs: 80_000, families: ['identity-policy'] });
    const outcome = await runSweepInvocation(first, { holder: 'exec-1', trigger: 'schedule' });
    expect(outcome.status).toBe('continue');
    const second = sweepDeps({ clock, store: shared, families: ['identity-policy'] });
    const refused = await runSweepInvocation(second, { holder: 'exec-2', trigger: 'deploy' });
    expect(refused.status).toBe('refused');
    if (refused.status === 'refused') expect(refused.reason).toMatch(/sweep sweep-1 is running \(held by exec-1 until .*\); two sweeps never run at once/);
  });

  it('a crash mid-sweep resumes from the checkpoint after the lease expires: nothing from zero, nothing skipped, each repair once', async () => {
    const clock = new SimulatedClock();
    const { sim, opened, identities } = accountOf(clock, 60, (i) => i % 6 === 0);
    const shared = store();
    const crashing = sweepDeps({ clock, store: shared, families: ['identity-policy'] });
    let judged = 0;
    const judgedBeforeCrash = new Set<string>();
    crashing.onDecision = (d) => {
      judgedBeforeCrash.add(d.resource ?? '');
      if (++judged === 37) throw new Error('the Lambda sandbox died');
    };
    await expect(runSweepInvocation(crashing, { holder: 'exec-1', trigger: 'schedule' })).rejects.toThrow('the Lambda sandbox died');
    const checkpoint = (await shared.load())!;
    expect(checkpoint.status).toBe('running');
    const seenAtCrash = checkpoint.units[0]!.seen;
    expect(seenAtCrash).toBeGreaterThan(0);
    expect(seenAtCrash).toBeLessThan(37);

    // The next scheduled run, before the lease expires, is refused; after it, it takes the sweep over.
    const next = sweepDeps({ clock, store: shared, families: ['identity-policy'] });
    const after: string[] = [];
    next.onDecision = (d) => after.push(d.resource ?? '');
    expect((await runSweepInvocation(next, { holder: 'exec-2', trigger: 'schedule' })).status).toBe('refused');
    clock.advance(21 * 60_000);
    next.startInvocation();
    const resumed = await runSweepInvocation(next, { holder: 'exec-2', trigger: 'schedule' });
    expect(resumed.status).toBe('done');
    if (resumed.status === 'refused') return;
    expect(resumed.record).toMatchObject({ sweepId: 'sweep-1', takeovers: 1, invocations: 2 });
    // Resumed after the checkpoint, not from zero: the first resources checkpointed are not judged again.
    const names = [...identities.keys()];
    expect(after).not.toContain(`arn:aws:ses:eu-west-1:111122223333:identity/${names[0]}`);
    // Nothing skipped: every identity judged before or after the crash.
    const all = new Set([...judgedBeforeCrash, ...after]);
    for (const name of names) expect(all, name).toContain(`arn:aws:ses:eu-west-1:111122223333:identity/${name}`);
    expect(resumed.record.units[0]).toMatchObject({ listed: 60, done: true });
    // Each open identity repaired exactly once, none of the compliant ones touched.
    const updates = sim.sesv2.commandCalls(UpdateEmailIdentityPolicyCommand).map((c) => c.args[0].input.EmailIdentity);
    expect(updates.sort()).toEqual([...opened].sort());
    expect(sim.sesv2.commandCalls(GetEmailIdentityPoliciesCommand).length).toBeLessThan(60 + 37 + 2 * opened.size);
  });
});
