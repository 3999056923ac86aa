import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { GetEmailIdentityPoliciesCommand, SESv2Client, UpdateEmailIdentityPolicyCommand } from '@aws-sdk/client-sesv2';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from './replay.ts';
import { runCommand } from './test-io.ts';

const PUBLIC_POLICY_EVENT = 'events/identity-policy/v2-create-policy-public-principal.json';
const IDENTITY = 'arn:aws:ses:eu-west-1:111122223333:identity/example.com';

const replay = (args: string[], env: NodeJS.ProcessEnv = {}) => runCommand(runReplay, args, { env });

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let dir: string;
async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function sampleEvent(path: string): Promise<{ detail: Record<string, unknown> & { requestParameters: Record<string, unknown> } }> {
  return JSON.parse(await readFile(path, 'utf8'));
}

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trusted = { Sid: 'PartnerSends', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'ses:SendEmail', Resource: IDENTITY, Condition: { StringLike: { 'ses:FromAddress': '*@example.com' } } };
const anyone = { Sid: 'AnyoneMaySend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesguard-replay-'));
});

describe('sesguard replay: offline and dry-run by default (the README main job)', () => {
  it('prints a verdict for every sample in events/ and judges none of them by guessing (no error, no invalid)', async () => {
    const { code, stdout } = await replay(['events/', '--format', 'json']);
    const lines = jsonLines(stdout);
    const samples = (await readdir('events', { recursive: true })).filter((f) => f.endsWith('.json') && !f.endsWith('.state.json'));
    expect(lines).toHaveLength(samples.length);
    for (const line of lines) {
      expect(['compliant', 'noncompliant', 'ignored'], `${String(line.file)}: ${JSON.stringify(line.errors)}`).toContain(line.verdict);
      expect(line.dryRun).toBe(true);
      for (const result of line.results as Array<{ outcome: string }>) expect(result.outcome).toBe('would-do');
    }
    expect(code).toBe(0);
  });

  it('text output names the verdict, the rule, the statement and what enforcement would do', async () => {
    const { code, stdout } = await replay([PUBLIC_POLICY_EVENT]);
    expect(code).toBe(0);
    expect(stdout).toContain('verdict: NONCOMPLIANT');
    expect(stdout).toMatch(/finding SES-IDP-001 \[critical\] statement 0 \(AnyoneMaySend\): /);
    expect(stdout).toMatch(/would-do s1 ses\.delete-identity-policy/);
    expect(stdout).toContain('1 events (dry-run (offline, state from the event payload)): 0 compliant, 1 noncompliant, 0 ignored, 0 invalid, 0 error');
  });

  it('json output has the documented fields for each event', async () => {
    const [line] = jsonLines((await replay([PUBLIC_POLICY_EVENT, '--format', 'json'])).stdout);
    expect(line).toMatchObject({
      file: PUBLIC_POLICY_EVENT,
      eventId: '4efdf269-2a45-493e-8c4d-063704c6ddb9',
      eventName: 'CreateEmailIdentityPolicy',
      verdict: 'noncompliant',
      resource: IDENTITY,
      actor: 'arn:aws:iam::111122223333:user/ci-legacy',
      plan: { strategy: 'delete', dryRun: true },
    });
    expect((line?.findings as Array<{ ruleId: string }>).map((f) => f.ruleId)).toContain('SES-IDP-001');
  });

  it('reverts to the baseline recorded earlier in the same run: a compliant write, then a bad one to the same policy', async () => {
    const event = await sampleEvent(PUBLIC_POLICY_EVENT);
    const good = structuredClone(event);
    good.detail.eventID = 'good-1';
    good.detail.requestParameters.policy = policy(trusted);
    const bad = structuredClone(event);
    bad.detail.eventID = 'bad-2';
    bad.detail.requestParameters.policy = policy(trusted, anyone);
    const first = await file('1-good.json', good);
    const second = await file('2-bad.json', bad);
    const [okLine, badLine] = jsonLines((await replay([first, second, '--format', 'json'])).stdout);
    expect(okLine?.verdict).toBe('compliant');
    expect(badLine).toMatchObject({ verdict: 'noncompliant', plan: { strategy: 'revert' } });
    const [step] = (badLine?.plan as { steps: Array<{ action: { type: string; document: string } }> }).steps;
    expect(step?.action.type).toBe('ses.put-identity-policy');
    expect(JSON.parse(step?.action.document ?? '')).toEqual(JSON.parse(policy(trusted)));
  });

  it('a file that is not JSON is reported invalid (file:line:column) and makes the run exit 2; the other files are still decided', async () => {
    const broken = await file('broken.json', '{"detail": ');
    const { code, stdout } = await replay([broken, PUBLIC_POLICY_EVENT, '--format', 'json']);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.verdict)).toEqual(['invalid', 'noncompliant']);
    expect((lines[0]?.skip as { detail: string }).detail).toBe(`${broken}:1:12: the input ends where a value was expected (not valid JSON)`);
    expect(code).toBe(2);
  });
});

describe('sesguard replay: usage errors exit 2 with a message', () => {
  it.each([
    { name: '--apply without --live', args: [PUBLIC_POLICY_EVENT, '--apply'], message: /--apply needs --live/ },
    { name: 'no files', args: [], message: /name at least one event file/ },
    { name: 'a missing path', args: ['events/nope.json'], message: /no such file or directory: events\/nope.json/ },
    { name: 'an unknown format', args: [PUBLIC_POLICY_EVENT, '--format', 'xml'], message: /--format must be one of text, json, alert, slack, sns, not "xml"/ },
    { name: 'an unknown option', args: [PUBLIC_POLICY_EVENT, '--force'], message: /Unknown option '--force'/ },
  ])('$name', async ({ args, message }) => {
    const { code, stderr } = await replay(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  // Issue 11: the default `arn:aws:iam::*:role/sesguard-*` skipped every role named like the guard's.
  it('--own-role takes exact role ARNs and refuses a pattern with a usage error', async () => {
    const run = await replay(['--own-role', 'arn:aws:iam::*:role/sesguard-*', PUBLIC_POLICY_EVENT]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--own-role "arn:aws:iam::\*:role\/sesguard-\*" contains a wildcard/);
  });

  it("by default skips no role: the guard's own repair is judged like any change unless --own-role names the exact role", async () => {
    const sample = 'events/skipped/own-role-guard-repair.json';
    const [judged] = jsonLines((await replay(['--format', 'json', sample])).stdout);
    expect(judged?.['verdict']).not.toBe('ignored');
    const [skipped] = jsonLines((await replay(['--format', 'json', '--own-role', 'arn:aws:iam::111122223333:role/sesguard-prod-identity-policy-eu-west-1', sample])).stdout);
    expect(skipped).toMatchObject({ verdict: 'ignored', skip: { reason: 'own-role' } });
  });

  it('a config that does not validate names the field', async () => {
    const config = await file('bad-config.yml', 'mode: enforce\ntrustedAccounts: ["1234"]\n');
    const { code, stderr } = await replay([PUBLIC_POLICY_EVENT, '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/trustedAccounts\.0: must be a 12-digit AWS account id/);
  });

  it('--live with an SDK setting that does not validate names the variable; offline replay does not read it', async () => {
    const env = { AWS_MAX_ATTEMPTS: 'many' };
    const live = await replay([PUBLIC_POLICY_EVENT, '--live'], env);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(/AWS_MAX_ATTEMPTS: must be a positive integer/);
    expect((await replay([PUBLIC_POLICY_EVENT], env)).code).toBe(0);
  });

  it('--live --apply refuses a dry-run config instead of pretending to enforce', async () => {
    const config = await file('dry-config.yml', 'mode: dry-run\n');
    const { code, stderr } = await replay([PUBLIC_POLICY_EVENT, '--config', config, '--live', '--apply']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/would change nothing; set mode: enforce/);
  });
});

describe('sesguard replay --live: the current state comes from the SDK, honouring AWS_REGION', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());
  const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

  it('judges what SES holds now, not the payload: a since-fixed policy is compliant and nothing is written', async () => {
    ses.on(GetEmailIdentityPoliciesCommand).resolves({ Policies: { 'allow-all': policy(trusted) } });
    const [line] = jsonLines((await replay([PUBLIC_POLICY_EVENT, '--live', '--format', 'json'], env)).stdout);
    expect(line?.verdict).toBe('compliant');
    expect(ses.commandCalls(GetEmailIdentityPoliciesCommand).map((c) => c.args[0].input)).toEqual([{ EmailIdentity: 'example.com' }]);
    expect(ses.commandCalls(UpdateEmailIdentityPolicyCommand)).toHaveLength(0);
  });

  it('--apply with an enforce config strips the public statement through the SDK', async () => {
    ses.on(GetEmailIdentityPoliciesCommand).resolves({ Policies: { 'allow-all': policy(trusted, anyone) } });
    ses.on(UpdateEmailIdentityPolicyCommand).resolves({});
    const config = await file('enforce.yml', 'mode: enforce\n');
    const { code, stdout } = await replay([PUBLIC_POLICY_EVENT, '--live', '--apply', '--config', config, '--format', 'json'], env);
    expect(code).toBe(0);
    const [update] = ses.commandCalls(UpdateEmailIdentityPolicyCommand).map((c) => c.args[0].input);
    expect(update).toMatchObject({ EmailIdentity: 'example.com', PolicyName: 'allow-all' });
    expect(JSON.parse(update?.Policy ?? '')).toEqual(JSON.parse(policy(trusted)));
    const [line] = jsonLines(stdout);
    expect((line?.results as Array<{ outcome: string }>).map((r) => r.outcome)).toEqual(['done']);
  });
});
