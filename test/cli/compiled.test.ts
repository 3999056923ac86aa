import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';

/**
 * The CLI as users run it: built JavaScript (scripts/build-cli.ts, what `npm ci` runs through `prepare`),
 * started as its own node process. Built here into .build/ (inside the repository, where node_modules and
 * data/ are found), so the test neither needs nor touches dist/.
 */
const OUT = '.build/cli-test/bin';
const ENTRY = join(OUT, 'sesguard.mjs');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const run = (args: string[]) => spawnSync(process.execPath, [ENTRY, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });

beforeAll(async () => {
  await buildCli(OUT);
}, 60_000);
afterAll(() => rmSync('.build/cli-test', { recursive: true, force: true }));

describe('the compiled CLI', () => {
  it('--version prints the package version', () => {
    const result = run(['--version']);
    expect(result.stdout).toBe(`sesguard ${version}\n`);
    expect(result.status).toBe(0);
  });

  it('runs check and replay with the data it reads at run time (the managed-policy snapshot, the IAM action catalogue)', () => {
    const check = run(['check', 'test/fixtures/iac/terraform/plan.json', '--config', 'examples/sesguard.config.yml']);
    expect(check.stdout).toContain('aws_iam_user_policy_attachment.dev_bob_ses_full (iam-policy, line 743): 2 findings');
    expect(check.stderr).toBe('');
    expect(check.status).toBe(2);
    const replay = run(['replay', 'test/fixtures/cloudtrail/s3/', '--config', 'examples/sesguard.config.yml']);
    expect(replay.stdout).toContain('9 events (dry-run (offline, state from the event payload)): 2 compliant, 5 noncompliant, 2 ignored, 0 invalid, 0 error');
    expect(replay.status).toBe(0);
  });

  it('exits quietly when the reader goes away (replay | head): no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [ENTRY, 'replay', 'events/'], { env: { PATH: process.env['PATH'] ?? '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('the entry loads nothing heavy: the AWS SDK and the rules are in chunks only the commands import', () => {
    const entry = readFileSync(ENTRY, 'utf8');
    expect(entry.length).toBeLessThan(8_000);
    const staticImports = [...entry.matchAll(/import\{[^}]*\}from"\.\/([^"]+)"/g)].map((m) => m[1] ?? '');
    const sdkChunks = readdirSync(OUT).filter((f) => f.endsWith('.mjs') && readFileSync(join(OUT, f), 'utf8').includes('SESv2Client'));
    expect(sdkChunks.length).toBeGreaterThan(0);
    for (const chunk of sdkChunks) expect(staticImports).not.toContain(chunk);
  });

  it('needs no TypeScript at run time: tsx is a dev dependency and the launcher imports the build', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.dependencies['tsx']).toBeUndefined();
    expect(pkg.scripts['prepare']).toBe('tsx scripts/build-cli.ts');
    expect(readFileSync('bin/sesguard.js', 'utf8')).not.toMatch(/tsx/);
  });
});
