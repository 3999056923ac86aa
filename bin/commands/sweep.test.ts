import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateEmailIdentityPolicyCommand } from '@aws-sdk/client-sesv2';
import { runCommand } from './test-io.ts';
import { runSweep } from './sweep.ts';
import { SimulatedClock } from '../../lib/aws/clock.ts';
import { ACCOUNT, compliantPolicy, openPolicy, REGION } from '../../lib/sweep/test-fixtures.ts';
import { simulatedAccount, type SimulatedAccount } from '../../test/support/simulated-account.ts';

const ENV = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' };
const mocks: SimulatedAccount[] = [];
afterEach(() => {
  for (const m of mocks.splice(0)) {
    m.sesv2.restore();
    m.iam.restore();
  }
});

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sweep-cli-'));
  await writeFile(join(dir, 'c.yml'), text);
  return join(dir, 'c.yml');
}

function run(args: string[], open = true) {
  const clock = new SimulatedClock();
  const identities = new Map<string, Record<string, string>>([
    ['a.example.com', { Main: compliantPolicy('a.example.com') }],
    ['b.example.com', { Main: open ? openPolicy('b.example.com') : compliantPolicy('b.example.com') }],
  ]);
  const sim = simulatedAccount({ clock, callsPerSecond: 1, identities, sesPageSize: 1 });
  mocks.push(sim);
  return { sim, result: runCommand((a, io) => runSweep(a, io, { clock }), args, { env: ENV }) };
}

describe('sesguard sweep', () => {
  it.each([
    { name: 'without --live', args: [], message: 'pass --live' },
    { name: 'an unknown format', args: ['--live', '--format', 'xml'], message: '--format must be text, json or sarif' },
    { name: 'an unknown family', args: ['--live', '--family', 'widgets'], message: 'unknown --family widgets' },
  ])('is a usage error (exit 2) $name', async ({ args, message }) => {
    const { result } = run(args);
    const r = await result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--apply with a dry-run config is a usage error: it would change nothing', async () => {
    const config = await configFile(`mode: dry-run\ntrustedAccounts: ["${ACCOUNT}"]\n`);
    const r = await run(['--live', '--apply', '--config', config]).result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('set mode: enforce');
  });

  it('--format json prints one object per resource with the replay fields, then a summary; exit 1 on findings; dry-run writes nothing', async () => {
    const config = await configFile(`mode: enforce\ntrustedAccounts: ["${ACCOUNT}"]\n`);
    const { sim, result } = run(['--live', '--family', 'identity-policy', '--config', config, '--format', 'json']);
    const r = await result;
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const resources = lines.filter((l) => l['type'] === 'resource');
    expect(resources.map((l) => [l['resource'], l['verdict'], l['dryRun']])).toEqual([
      [`arn:aws:ses:${REGION}:${ACCOUNT}:identity/a.example.com`, 'compliant', true],
      [`arn:aws:ses:${REGION}:${ACCOUNT}:identity/b.example.com`, 'noncompliant', true],
    ]);
    for (const l of resources) expect(Object.keys(l)).toEqual(expect.arrayContaining(['resource', 'family', 'verdict', 'findings', 'plan', 'results', 'errors', 'dryRun']));
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', dryRun: true, verdicts: { compliant: 1, noncompliant: 1 } });
    expect(sim.sesv2.commandCalls(UpdateEmailIdentityPolicyCommand)).toHaveLength(0);
  });

  it('--apply repairs; text output groups findings by severity with the summary table; exit 0 when all is compliant', async () => {
    const config = await configFile(`mode: enforce\ntrustedAccounts: ["${ACCOUNT}"]\n`);
    const applied = run(['--live', '--apply', '--family', 'identity-policy', '--config', config]);
    const r = await applied.result;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^CRITICAL \(1\)\n {2}SES-IDP-001 arn:aws:ses:eu-west-1:111122223333:identity\/b\.example\.com statement 1 \[done\]/m);
    expect(r.stdout).toMatch(/SES-IDP-001 +1 +1 +0 +0/);
    expect(applied.sim.sesv2.commandCalls(UpdateEmailIdentityPolicyCommand).map((c) => c.args[0].input.EmailIdentity)).toEqual(['b.example.com']);
    const clean = await run(['--live', '--family', 'identity-policy', '--config', config], false).result;
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('verdicts: 2 compliant, 0 noncompliant');
  });

  it('--fail-on decides exit 1 as in check and replay: findings below the severity pass', async () => {
    const config = await configFile(`trustedAccounts: ["${ACCOUNT}"]\nrules:\n  SES-IDP-001: { severity: medium }\n`);
    expect((await run(['--live', '--family', 'identity-policy', '--config', config, '--fail-on', 'high']).result).code).toBe(0);
    expect((await run(['--live', '--family', 'identity-policy', '--config', config, '--fail-on', 'medium']).result).code).toBe(1);
    const bad = await run(['--live', '--family', 'identity-policy', '--config', config, '--fail-on', 'urgent']).result;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fail-on must be one of low, medium, high, critical, not "urgent"');
  });

  it('--format sarif names each finding by the resource ARN', async () => {
    const config = await configFile(`trustedAccounts: ["${ACCOUNT}"]\n`);
    const r = await run(['--live', '--family', 'identity-policy', '--config', config, '--format', 'sarif']).result;
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }[] }[] };
    expect(log.runs[0]!.results.map((x) => [x.ruleId, x.locations[0]!.logicalLocations[0]!.fullyQualifiedName])).toEqual([
      ['SES-IDP-001', `arn:aws:ses:${REGION}:${ACCOUNT}:identity/b.example.com`],
      ['SES-IDP-005', `arn:aws:ses:${REGION}:${ACCOUNT}:identity/b.example.com`],
    ]);
  });
});
