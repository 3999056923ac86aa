import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateEmailIdentityPolicyCommand,
  DeleteEmailIdentityPolicyCommand,
  GetEmailIdentityPoliciesCommand,
  ListEmailIdentitiesCommand,
  UpdateEmailIdentityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import {
  AttachUserPolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetGroupCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { Decision } from '../guard/decision.ts';
import { perimeterDenyDocument } from '../families/iam-grant/perimeter-deny.ts';
import { SimulatedClock } from '../aws/clock.ts';
import { runSweepInvocation, resumeIndex } from './engine.ts';
import { MemorySweepStore } from './run-record.ts';
import { ACCOUNT, REGION, compliantPolicy, openPolicy, sweepDeps, UNPARSEABLE_POLICY } from './test-fixtures.ts';
import { simulatedAccount, type SimulatedAccount } from '../../test/support/simulated-account.ts';

const SES_FULL = 'arn:aws:iam::111122223333:policy/ses-admin-ish';
const PERIMETER_DENY = 'arn:aws:iam::111122223333:policy/sesguard-quarantine-perimeter-deny';
const PERIMETER_DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*' }] });
const SEND_ONLY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com`, Condition: { StringEquals: { 'ses:FromAddress': 'no-reply@example.com' } } }],
});

/** 30 identities: every 5th open to the world, every 7th unparseable, two unreadable, some without policies. */
function identities(): { map: Map<string, Record<string, string>>; open: Set<string>; broken: Set<string>; denied: Set<string>; compliant: Set<string> } {
  const map = new Map<string, Record<string, string>>();
  const open = new Set<string>();
  const broken = new Set<string>();
  const compliant = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const name = `id${String(i).padStart(2, '0')}.example.com`;
    if (i % 5 === 0) {
      map.set(name, { Main: openPolicy(name) });
      open.add(name);
    } else if (i % 7 === 0) {
      map.set(name, { Main: UNPARSEABLE_POLICY });
      broken.add(name);
    } else if (i % 9 === 4) {
      map.set(name, {});
    } else {
      map.set(name, { Main: compliantPolicy(name) });
      compliant.add(name);
    }
  }
  return { map, open, broken, denied: new Set(['id11.example.com', 'id13.example.com']), compliant };
}

function account(clock: SimulatedClock, extra: { throttleShare?: number } = {}) {
  const ids = identities();
  for (const d of ids.denied) ids.compliant.delete(d);
  const sim = simulatedAccount({
    clock,
    callsPerSecond: 1,
    identities: ids.map,
    deniedIdentities: ids.denied,
    sesPageSize: 7,
    iamPageSize: 3,
    ...extra,
    iam: {
      accountId: ACCOUNT,
      users: {
        alice: { inline: { 'mail-admin': PERIMETER_DOC } },
        bob: { inline: { 'send-only': SEND_ONLY } },
        carol: { groups: ['mailers'] },
      },
      groups: { mailers: { attached: [SES_FULL] } },
      roles: { app: {} },
      policies: {
        [SES_FULL]: { defaultVersion: 'v1', versions: { v1: { document: PERIMETER_DOC } } },
        [PERIMETER_DENY]: { defaultVersion: 'v1', versions: { v1: { document: JSON.stringify(perimeterDenyDocument(PERIMETER_DENY)) } } },
      },
    },
  });
  return { ids, sim };
}

const mocks: SimulatedAccount[] = [];
afterEach(() => {
  for (const m of mocks.splice(0)) {
    m.sesv2.restore();
    m.iam.restore();
  }
});

const written = (sim: SimulatedAccount) =>
  new Set([
    ...sim.sesv2.commandCalls(UpdateEmailIdentityPolicyCommand).map((call) => call.args[0].input.EmailIdentity),
    ...sim.sesv2.commandCalls(CreateEmailIdentityPolicyCommand).map((call) => call.args[0].input.EmailIdentity),
    ...sim.sesv2.commandCalls(DeleteEmailIdentityPolicyCommand).map((call) => call.args[0].input.EmailIdentity),
  ]);

async function sweepToEnd(deps: ReturnType<typeof sweepDeps>, holder = 'exec-1', max = 20) {
  for (let i = 0; i < max; i++) {
    const outcome = await runSweepInvocation(deps, { holder, trigger: 'test' });
    if (outcome.status !== 'continue') return { outcome, invocations: i + 1 };
    deps.startInvocation();
  }
  throw new Error('sweep did not finish');
}

describe('the sweep over a simulated account (SES + IAM behind the SDK mock, 1 call/s per API)', () => {
  it('pages every list, judges every resource once, repairs exactly the noncompliant ones and seeds baselines for the compliant', async () => {
    const clock = new SimulatedClock();
    const { ids, sim } = account(clock);
    mocks.push(sim);
    const deps = sweepDeps({ clock, store: new MemorySweepStore(), families: ['identity-policy', 'iam-grant'] });
    const decisions: Decision[] = [];
    deps.onDecision = (d) => decisions.push(d);
    const { outcome } = await sweepToEnd(deps);
    expect(outcome.status).toBe('done');
    if (outcome.status === 'refused') return;

    // Pagination: 30 identities at 7 a page; IAM answers 3 entities a page.
    expect(sim.sesv2.commandCalls(ListEmailIdentitiesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'tok-7', 'tok-14', 'tok-21', 'tok-28']);
    // (IAM's bucket runs at 2/s against the mock's 1/s: the throttled page is asked again, same marker.)
    expect(new Set(sim.iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input.Marker))).toEqual(new Set([undefined, 'tok-3', 'tok-6']));
    // One read per identity; re-reads only around the repairs.
    const reads = sim.sesv2.commandCalls(GetEmailIdentityPoliciesCommand).map((c) => c.args[0].input.EmailIdentity);
    for (const name of ids.map.keys()) expect(reads, name).toContain(name);
    expect(reads.length).toBe(ids.map.size + 2 * ids.open.size);

    const byResource = (name: string) => decisions.filter((d) => d.resource === `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${name}`);
    for (const name of ids.open) expect(byResource(name).map((d) => d.verdict), name).toEqual(['noncompliant']);
    for (const name of ids.broken) expect(byResource(name).map((d) => d.verdict), name).toEqual(['invalid']);
    for (const name of ids.denied) {
      const [d] = byResource(name);
      expect(d?.verdict, name).toBe('error');
      expect(d?.errors.join(' '), name).toContain('AccessDeniedException');
    }
    for (const name of ids.compliant) expect(byResource(name).map((d) => d.verdict), name).toEqual(['compliant']);

    // Repairs: exactly the open identities, each stripped of its public statement (the app's statement stays).
    expect(written(sim)).toEqual(ids.open);
    for (const name of ids.open) expect(JSON.parse(ids.map.get(name)!['Main']!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['App']);
    // IAM: alice's inline grant neutralised by perimeter-deny (the guard writes no inline policy; issue 11), the
    // group's attachment detached; bob untouched.
    expect(sim.iam.commandCalls(AttachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'alice', PolicyArn: PERIMETER_DENY }]);
    expect(sim.iam.commandCalls(DeleteUserPolicyCommand)).toHaveLength(0);
    expect(sim.iam.commandCalls(DetachGroupPolicyCommand).map((c) => c.args[0].input)).toEqual([{ GroupName: 'mailers', PolicyArn: SES_FULL }]);
    expect(sim.iam.commandCalls(PutUserPolicyCommand)).toHaveLength(0);

    // Baselines: every compliant identity policy and bob's compliant inline policy.
    const keys = deps.baseline.records().map((r) => r.resourceId);
    for (const name of ids.compliant) expect(keys).toContain(`arn:aws:ses:${REGION}:${ACCOUNT}:identity/${name}#policy/Main`);
    expect(keys).toContain('inline:user/bob/send-only');
    for (const name of ids.broken) expect(keys).not.toContain(`arn:aws:ses:${REGION}:${ACCOUNT}:identity/${name}#policy/Main`);

    // The summary's coverage and tally say the same.
    const unit = outcome.record.units.find((u) => u.family === 'identity-policy');
    expect(unit).toMatchObject({ listed: 30, seen: 30, done: true });
    expect(outcome.record.tally.verdicts).toMatchObject({ noncompliant: ids.open.size + 2, invalid: ids.broken.size, error: ids.denied.size });
    expect(outcome.record.tally.lists.failed.map((n) => n.resource).sort()).toEqual([...ids.denied].map((n) => `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${n}`).sort());
    expect(outcome.record.tally.rules['SES-IDP-001']).toMatchObject({ findings: ids.open.size, repaired: ids.open.size });
  });

  it('in dry-run judges the same and sends no repair at all', async () => {
    const clock = new SimulatedClock();
    const { ids, sim } = account(clock);
    mocks.push(sim);
    const deps = sweepDeps({ clock, store: new MemorySweepStore(), config: { mode: 'dry-run' }, families: ['identity-policy', 'iam-grant'] });
    const { outcome } = await sweepToEnd(deps);
    expect(outcome.status).toBe('done');
    if (outcome.status === 'refused') return;
    expect(written(sim).size).toBe(0);
    expect(sim.iam.commandCalls(DeleteUserPolicyCommand)).toHaveLength(0);
    expect(sim.iam.commandCalls(DetachGroupPolicyCommand)).toHaveLength(0);
    // IAM judged from GetAccountAuthorizationDetails alone: no principal read one by one.
    const perPrincipal = [GetUserCommand, GetGroupCommand, GetRoleCommand, GetUserPolicyCommand, ListAttachedUserPoliciesCommand] as const;
    expect(perPrincipal.map((read) => sim.iam.commandCalls(read as typeof GetUserCommand).length)).toEqual([0, 0, 0, 0, 0]);
    expect(outcome.record.tally.lists.wouldRepair.length).toBe(ids.open.size + 2);
    expect(outcome.record.tally.rules['SES-IDP-001']).toMatchObject({ findings: ids.open.size, wouldRepair: ids.open.size, repaired: 0 });
  });

  it('backs off when a share of calls is throttled and still judges every resource', async () => {
    const clock = new SimulatedClock();
    const { ids, sim } = account(clock, { throttleShare: 0.25 });
    mocks.push(sim);
    const deps = sweepDeps({ clock, store: new MemorySweepStore(), families: ['identity-policy'] });
    const decisions: Decision[] = [];
    deps.onDecision = (d) => decisions.push(d);
    const { outcome } = await sweepToEnd(deps);
    if (outcome.status === 'refused') throw new Error(outcome.reason);
    const throttled = [...sim.throttled.values()].reduce((a, b) => a + b, 0);
    expect(throttled).toBeGreaterThan(5);
    expect(outcome.record.tally.calls['identity-policy']?.throttles).toBe(throttled);
    const judged = new Set(decisions.map((d) => d.resource));
    expect(judged.size).toBe([...ids.map.values()].filter((p) => Object.keys(p).length > 0).length + ids.denied.size - [...ids.denied].filter((d) => Object.keys(ids.map.get(d) ?? {}).length === 0).length);
    expect(written(sim)).toEqual(ids.open);
  });

  it('continues in a next invocation when time runs low, resuming after the last resource finished', async () => {
    const clock = new SimulatedClock();
    const { ids, sim } = account(clock);
    mocks.push(sim);
    // 75 s of simulated time, 60 s of it reserved: about a dozen calls per invocation.
    const deps = sweepDeps({ clock, store: new MemorySweepStore(), budgetMs: 75_000, families: ['identity-policy'] });
    const decisions: Decision[] = [];
    deps.onDecision = (d) => decisions.push(d);
    const { outcome, invocations } = await sweepToEnd(deps, 'exec-1', 40);
    expect(outcome.status).toBe('done');
    expect(invocations).toBeGreaterThan(3);
    // Each identity read once (plus the repairs' re-reads): nothing judged twice, nothing skipped.
    const reads = sim.sesv2.commandCalls(GetEmailIdentityPoliciesCommand).map((c) => c.args[0].input.EmailIdentity);
    expect(reads.length).toBe(ids.map.size + 2 * ids.open.size);
    expect(new Set(reads)).toEqual(new Set(ids.map.keys()));
    if (outcome.status !== 'refused') expect(outcome.record.invocations).toBe(invocations);
  });
});

describe('resumeIndex', () => {
  const page = [{ key: 'a' }, { key: 'c' }, { key: 'e' }];
  it.each([
    { name: 'no checkpoint: from the start', after: undefined, sorted: false, index: 0 },
    { name: 'unsorted: after the finished key', after: 'c', sorted: false, index: 2 },
    { name: 'unsorted and the key is gone: the whole page again (never a skip)', after: 'd', sorted: false, index: 0 },
    { name: 'sorted and the key is gone: after its place', after: 'd', sorted: true, index: 2 },
    { name: 'sorted, last key finished: nothing left', after: 'e', sorted: true, index: 3 },
  ])('$name', ({ after, sorted, index }) => {
    expect(resumeIndex(page, after, sorted)).toBe(index);
  });
});
