import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mockClient } from 'aws-sdk-client-mock';
import { GetEmailIdentityPoliciesCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertNotification } from '../../lib/alert/chatbot.ts';
import { runReplay } from './replay.ts';
import { runCommand } from './test-io.ts';

const CONFIG = 'examples/sesguard.config.yml';
const S3 = 'test/fixtures/cloudtrail/s3/';
const LOOKUP = 'test/fixtures/cloudtrail/lookup-events.json';
const PUBLIC_POLICY_EVENT = 'events/identity-policy/v2-create-policy-public-principal.json';

const replay = (args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) => runCommand(runReplay, args, options);
type Line = { file: string; eventId: string; eventName: string | null; verdict: string; skip: { reason: string; detail: string } | null; findings: Array<{ ruleId: string }>; note?: string };
const jsonLines = (text: string): Line[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesguard-replay-history-'));
});

describe('replay reads CloudTrail as it is stored: S3 log files (.json.gz) in eventTime order (issue 14)', () => {
  it('orders by eventTime across files, reports repeated event ids as duplicates, and counts what EventBridge never routes', async () => {
    const { code, stdout, stderr } = await replay([S3, '--config', CONFIG, '--format', 'json']);
    expect(stderr).toBe(`sesguard replay: config: ${CONFIG}\n`);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.eventName ?? `(duplicate ${l.eventId.slice(0, 8)})`)).toEqual([
      'PutIdentityPolicy', // 06:01, later in its file than the CreateEmailIdentityPolicy it precedes
      'CreateEmailIdentityPolicy',
      '(duplicate 13869287)',
      'SendCustomVerificationEmail',
      'CreateConfigurationSetEventDestination',
      'AttachUserPolicy',
      'CreatePolicyVersion',
      '(duplicate 5fab213a)', // the same record delivered again, in the next file
      'SetDefaultPolicyVersion',
    ]);
    for (const duplicate of lines.filter((l) => l.skip?.reason === 'duplicate')) expect(duplicate.verdict).toBe('ignored');
    expect(code).toBe(0);
    const text = (await replay([S3, '--config', CONFIG])).stdout;
    expect(text).toContain('9 events (dry-run (offline, state from the event payload)): 2 compliant, 5 noncompliant, 2 ignored, 0 invalid, 0 error (2 duplicates among the ignored)');
    expect(text).toContain('2 more CloudTrail records would never reach the guard (no EventBridge rule routes them): 2 calls no rule handles');
    expect(text).not.toContain('GetEmailIdentityPolicies');
  });

  it('a CreatePolicyVersion that is not default is compliant until SetDefaultPolicyVersion; that one is judged with the document the earlier event carried', async () => {
    const lines = jsonLines((await replay([S3, '--config', CONFIG, '--format', 'json'])).stdout);
    const create = lines.find((l) => l.eventName === 'CreatePolicyVersion');
    expect(create?.verdict).toBe('compliant');
    expect(create?.note).toMatch(/not the default/);
    const setDefault = lines.find((l) => l.eventName === 'SetDefaultPolicyVersion');
    // Without the run's memory this version's document is unknown offline (an error); with it, v5 (ses:*) is judged.
    expect(setDefault?.verdict).toBe('noncompliant');
    expect(setDefault?.findings.map((f) => f.ruleId)).toEqual(['IAM-SES-002']);
  });

  it('an AWS managed policy is known offline: AttachUserPolicy AmazonSESFullAccess with no sidecar is judged from the snapshot', async () => {
    const lines = jsonLines((await replay([S3, '--config', CONFIG, '--format', 'json'])).stdout);
    expect(lines.find((l) => l.eventName === 'AttachUserPolicy')?.findings.map((f) => f.ruleId)).toEqual(['IAM-SES-001', 'IAM-SES-002']);
  });

  it('reads lookup-events output, each CloudTrailEvent a JSON string', async () => {
    const lines = jsonLines((await replay([LOOKUP, '--config', CONFIG, '--format', 'json'])).stdout);
    // lookup-events lists newest first; replay judges oldest first.
    expect(lines.map((l) => l.eventName)).toEqual(['CreateEmailIdentityPolicy', 'SendCustomVerificationEmail', 'AttachUserPolicy']);
    expect(lines.map((l) => l.file)).toEqual([`${LOOKUP} Events[2]`, `${LOOKUP} Events[1]`, `${LOOKUP} Events[0]`]);
  });

  it('reads raw CloudTrail records, a JSON list of them, and stdin', async () => {
    const envelope = JSON.parse(await readFile(PUBLIC_POLICY_EVENT, 'utf8')) as { detail: Record<string, unknown> };
    const record = join(dir, 'record.json');
    await writeFile(record, JSON.stringify(envelope.detail));
    const list = join(dir, 'list.json');
    await writeFile(list, JSON.stringify([envelope.detail, { ...envelope.detail, eventID: 'other-id', eventTime: '2026-11-24T07:00:00Z' }]));
    const lines = jsonLines((await replay([record, list, '--config', CONFIG, '--format', 'json'])).stdout);
    expect(lines.map((l) => [l.verdict, l.skip?.reason ?? null])).toEqual([
      ['noncompliant', null],
      ['ignored', 'duplicate'],
      ['noncompliant', null],
    ]);
    const piped = jsonLines((await replay(['-', '--format', 'json'], { stdin: JSON.stringify({ Records: [envelope.detail] }) })).stdout);
    expect(piped.map((l) => [l.file, l.verdict])).toEqual([['- Records[0]', 'noncompliant']]);
  });

  it('a gzipped file that does not decompress, or a JSON file of no CloudTrail format, is invalid (exit 2) and named', async () => {
    const broken = join(dir, 'broken.json.gz');
    await writeFile(broken, Buffer.from([0x1f, 0x8b, 0, 1, 2]));
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }] }));
    const gz = join(dir, 'ok.json.gz');
    await writeFile(gz, gzipSync(await readFile(PUBLIC_POLICY_EVENT)));
    const { code, stdout } = await replay([broken, policy, gz, '--format', 'json']);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.verdict)).toEqual(['invalid', 'invalid', 'noncompliant']);
    expect(lines[0]?.skip?.detail).toContain('is gzip-compressed but does not decompress');
    expect(lines[1]?.skip?.detail).toContain('it looks like iam-policy (no statement names a Principal): use `sesguard check`');
    expect(code).toBe(2);
  });
});

describe('replay output for people and for CI', () => {
  it('prints which config it used, first', async () => {
    const { stdout } = await replay([PUBLIC_POLICY_EVENT, '--config', CONFIG]);
    expect(stdout.split('\n')[0]).toBe(`config: ${CONFIG}`);
  });

  it('each plan sentence is printed once: the explanation does not repeat what the steps say', async () => {
    const { stdout } = await replay([PUBLIC_POLICY_EVENT]);
    const sentence = 'Every statement of the policy "allow-all" on example.com violates the perimeter (statement 0), so it is deleted.';
    expect(stdout.split(sentence)).toHaveLength(2);
  });

  it('--fail-on exits 1 on a finding at or above the severity, and only then', async () => {
    expect((await replay([PUBLIC_POLICY_EVENT, '--fail-on', 'critical'])).code).toBe(1);
    expect((await replay(['events/event-destination/v2-create-sns-cross-account.json', '--fail-on', 'critical'])).code).toBe(0);
    expect((await replay(['events/event-destination/v2-create-sns-cross-account.json', '--fail-on', 'high'])).code).toBe(1);
    expect((await replay([PUBLIC_POLICY_EVENT])).code).toBe(0);
    expect((await replay([PUBLIC_POLICY_EVENT, '--fail-on', 'urgent'])).stderr).toMatch(/--fail-on must be one of low, medium, high, critical/);
  });

  it('--quiet prints only the events that need a person, and the totals', async () => {
    const { stdout } = await replay(['events/', '--quiet']);
    expect(stdout).not.toContain('verdict: COMPLIANT');
    expect(stdout).not.toContain('verdict: IGNORED');
    expect(stdout).toContain('verdict: NONCOMPLIANT');
    expect(stdout).toMatch(/\d+ events \(dry-run \(offline, state from the event payload\)\): \d+ compliant/);
  });

  it('--format alert prints the text of each alert the guard would publish, and nothing for what it would not', async () => {
    const { stdout } = await replay([PUBLIC_POLICY_EVENT, 'events/identity-policy/v1-put-policy-trusted-role-from-address.json', '--format', 'alert']);
    expect(stdout.match(/^\[CRITICAL\] /gm)).toHaveLength(1);
    expect(stdout).toContain('outcome:   would-repair (dry-run)');
    expect(stdout).toContain('SES-IDP-001 [critical] statement 0 (AnyoneMaySend)');
  });

  it('--format slack prints the Block Kit payload and --format sns the Publish input, one per line', async () => {
    const slack = JSON.parse((await replay([PUBLIC_POLICY_EVENT, '--format', 'slack'])).stdout) as { text: string; blocks: unknown[] };
    expect(slack.blocks.length).toBeGreaterThan(3);
    const sns = JSON.parse((await replay([PUBLIC_POLICY_EVENT, '--format', 'sns'])).stdout) as { Subject: string; Message: string; MessageAttributes: Record<string, { StringValue: string }> };
    expect(sns.Subject).toMatch(/^\[CRITICAL\] sesguard: /);
    expect(sns.MessageAttributes['severity']?.StringValue).toBe('critical');
    expect(parseAlertNotification(sns.Message).findings.map((f) => f.ruleId)).toContain('SES-IDP-001');
  });

  it('a config that disables GUARD-001 is refused: deleting a guard role cannot be replayed as compliant', async () => {
    const config = join(dir, 'guard-off.yml');
    await writeFile(config, 'rules:\n  GUARD-001: { enabled: false }\n');
    const { code, stdout, stderr } = await replay(['events/guard-integrity/iam-delete-role.json', '--config', config]);
    expect(stdout).toBe('');
    expect(stderr).toContain('rules.GUARD-001.enabled: GUARD-001 cannot be disabled');
    expect(code).toBe(2);
  });
});

describe('replay --live without AWS_REGION reads each event in its own region', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());

  it('the eu-west-1 event is read through an eu-west-1 client, not an ERROR per event', async () => {
    ses.on(GetEmailIdentityPoliciesCommand).resolves({ Policies: {} });
    const { code, stdout } = await replay([PUBLIC_POLICY_EVENT, '--live', '--format', 'json'], { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    const [line] = jsonLines(stdout);
    expect(line?.verdict).toBe('compliant');
    const call = ses.commandCalls(GetEmailIdentityPoliciesCommand)[0];
    const client = call?.thisValue as SESv2Client | undefined;
    expect(await client?.config.region()).toBe('eu-west-1');
    expect(code).toBe(0);
  });
});

describe('each sentence of a decision is printed once', () => {
  it('a reason the plan explanation gives is not repeated as a not-repaired line', async () => {
    const { stdout } = await runCommand(runReplay, ['events/custom-verification/send-by-administrator.json']);
    expect(stdout.split('is an IAM Identity Center role; change its permission set instead')).toHaveLength(2);
  });
});
