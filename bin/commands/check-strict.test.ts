import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from './check.ts';
import { runCommand, scratchFiles } from './test-io.ts';

const CONFIG = 'examples/sesguard.config.yml';
const check = (args: string[], stdin?: string) => runCommand(runCheck, args, stdin === undefined ? {} : { stdin });

const scratch = scratchFiles('check-strict');
const file = scratch.file;

describe('check fails closed: junk is never compliant (issue 14)', () => {
  it.each([
    {
      name: '{} as an event destination',
      content: {},
      args: ['--kind', 'event-destination'],
      message: '(root): names no destination; an event destination needs one of SnsDestination, KinesisFirehoseDestination, EventBridgeDestination, PinpointDestination, CloudWatchDestination',
    },
    {
      name: 'a misspelled SnsDestinaton',
      content: { Name: 'x', MatchingEventTypes: ['SEND'], SnsDestinaton: { TopicArn: 'arn:aws:sns:us-east-1:444455556666:t' } },
      args: [],
      message: '(root): unknown field "SnsDestinaton" (did you mean "SnsDestination"?)',
    },
    {
      name: 'an unknown key inside a destination',
      content: { SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Topic: 'x' } },
      args: [],
      message: 'SnsDestination: unknown field "Topic" (did you mean "TopicArn"?)',
    },
    {
      name: 'a misspelled member of a whole Create request',
      content: { ConfigurationSetName: 'cs', EventDestination: { SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:111122223333:t' }, MatchingEventType: ['SEND'] } },
      args: [],
      message: 'EventDestination: unknown field "MatchingEventType" (did you mean "MatchingEventTypes"?)',
    },
    {
      name: 'an unknown key in a verification template',
      content: { TemplateName: 't', FromEmailAddress: 'a@example.com', TemplateSubject: 's', TemplateContent: 'c', SuccessRedirectionURL: 'https://example.com', FailureRedirectionURL: 'https://example.com', SuccessRedirectURL: 'x' },
      args: [],
      message: '(root): unknown field "SuccessRedirectURL" (did you mean "SuccessRedirectionURL"?)',
    },
    {
      name: 'a misspelled statement element',
      content: { Version: '2012-10-17', Statement: [{ Efect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }] },
      args: [],
      message: 'Statement[0].Efect: is not a statement element (did you mean "Effect"?)',
    },
    {
      name: 'an identity policy checked as an IAM policy',
      content: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' }] },
      args: ['--kind', 'iam-policy'],
      message: '--kind iam-policy was given, but this looks like identity-policy (statements name a Principal)',
    },
  ])('2: $name', async ({ name, content, args, message }) => {
    const path = await file(`${name.replace(/\W+/g, '-')}.json`, content);
    const { code, stdout } = await check([path, '--config', CONFIG, ...args]);
    expect(stdout).toContain(message);
    expect(code).toBe(2);
  });

  it.each([
    { name: 'an EventBridge envelope whose SNS destination is in a foreign account', path: 'events/event-destination/v2-create-sns-cross-account.json', what: 'an EventBridge envelope of a CloudTrail event' },
    { name: 'a CloudTrail S3 log file (.json.gz)', path: 'test/fixtures/cloudtrail/s3/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/24/111122223333_CloudTrail_eu-west-1_20261124T0605Z_abcd1234.json.gz', what: 'a CloudTrail log file' },
    { name: 'lookup-events output', path: 'test/fixtures/cloudtrail/lookup-events.json', what: 'aws cloudtrail lookup-events output' },
    { name: 'a sesguard config', path: 'examples/sesguard.config.yml', what: 'a sesguard config' },
  ])('2: $name says what it is and where it belongs, with or without --kind', async ({ path, what }) => {
    for (const args of [[], ['--kind', 'event-destination']]) {
      const { code, stdout } = await check([path, '--config', CONFIG, ...args]);
      expect(stdout).toContain(`this is ${what}`);
      expect(code).toBe(2);
    }
    const envelope = await check([path, '--config', CONFIG]);
    if (what.includes('CloudTrail') || what.includes('lookup')) expect(envelope.stdout).toContain('use `sesguard replay`');
  });

  it('2: a JSON syntax error gives file:line:column and what was expected', async () => {
    const path = await file('syntax.json', '{\n  "Version": "2012-10-17"\n  "Statement": []\n}\n');
    const { code, stdout } = await check([path, '--config', CONFIG]);
    expect(stdout).toContain(`${path}:3:3: expected "," or "}" after a property value, found """ (not valid JSON)`);
    expect(code).toBe(2);
  });

  it('a UTF-8 byte-order mark is ignored and said so: the document is still judged', async () => {
    const path = join(scratch.dir(), 'bom.json');
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: 'arn:aws:ses:us-east-1:111122223333:identity/example.com' }] }))]));
    const { code, stdout } = await check([path, '--config', CONFIG]);
    expect(stdout).toContain('note: a UTF-8 byte-order mark at the start was ignored');
    expect(stdout).toContain('SES-IDP-001 CRITICAL');
    expect(code).toBe(1);
  });

  it('2: Terraform HCL is refused with what to run instead', async () => {
    const path = await file('main.tf', 'resource "aws_iam_policy" "x" {}\n');
    const { code, stdout } = await check([path, '--config', CONFIG]);
    expect(stdout).toContain('terraform show -json plan.out');
    expect(code).toBe(2);
  });
});

describe('check inputs: files, directories, globs and stdin, with one error style', () => {
  it('2: a path that does not exist is a usage error on stderr, not a stack trace or EISDIR', async () => {
    const { code, stdout, stderr } = await check([join(scratch.dir(), 'nope.json'), '--config', CONFIG]);
    expect(stderr).toBe(`sesguard check: no such file or directory: ${join(scratch.dir(), 'nope.json')}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('a directory is read recursively; --include picks the files', async () => {
    const tree = join(scratch.dir(), 'tree');
    await mkdir(join(tree, 'nested'), { recursive: true });
    await writeFile(join(tree, 'nested', 'open.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: 'arn:aws:ses:us-east-1:111122223333:identity/example.com' }] }));
    await writeFile(join(tree, 'notes.txt'), 'not an input');
    await writeFile(join(tree, 'skip.policy.json'), '{}');
    const all = await check([tree, '--config', CONFIG, '--include', '**/open.json']);
    expect(all.stdout).toContain(join(tree, 'nested', 'open.json'));
    expect(all.stdout).not.toContain('skip.policy.json');
    expect(all.code).toBe(1);
    const none = await check([tree, '--config', CONFIG, '--include', '*.yaml']);
    expect(none.stderr).toContain(`sesguard check: ${tree}: no file in it matches *.yaml`);
    expect(none.code).toBe(2);
  });

  it('- reads the document from stdin', async () => {
    const { code, stdout } = await check(['-', '--config', CONFIG], JSON.stringify({ SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:444455556666:t' } }));
    expect(stdout).toContain('SES-EVD-001 HIGH');
    expect(code).toBe(1);
  });

  it('--quiet prints only what fails, and the summary', async () => {
    const { stdout } = await check(['examples/identity-policy-compliant.json', 'examples/identity-policy-open.json', '--config', CONFIG, '--quiet']);
    expect(stdout).not.toContain('identity-policy-compliant.json');
    expect(stdout).toContain('examples/identity-policy-open.json');
    expect(stdout).toMatch(/3 findings .* in 2 files; fail-on low; exit 1\n$/);
  });

  it('findings are sorted by severity and summed up by rule and severity', async () => {
    const { stdout } = await check(['examples/identity-policy-cross-account.json', '--config', CONFIG]);
    const order = [...stdout.matchAll(/^ {2}(SES-IDP-\d+) (\w+) /gm)].map((m) => m[2]);
    expect(order).toEqual(['CRITICAL', 'HIGH', 'MEDIUM']);
    expect(stdout).toContain(['rule         critical  high  medium  low  exempt', 'SES-IDP-002         -     1       -    -       -'].join('\n'));
    expect(stdout).toContain('total               1     1       1    -       -');
  });
});

describe('check --config alone validates the config and prints the effective settings', () => {
  it('0: valid, with each rule as it will run', async () => {
    const { code, stdout } = await check(['--config', CONFIG]);
    expect(stdout).toContain(`config: ${CONFIG}: valid`);
    expect(stdout).toMatch(/^GUARD-001 +yes +critical +revert +revert, alert \(cannot be disabled, exempted or downgraded\)$/m);
    expect(code).toBe(0);
  });

  it('2: an invalid config names the field and the nearest valid name', async () => {
    const bad = await file('bad.yml', 'mode: enforced\nrules:\n  GUARD-001: { enabled: false }\n');
    const { code, stderr } = await check(['--config', bad]);
    expect(stderr).toContain('mode: "enforced" is not a known mode (did you mean "enforce"?)');
    expect(stderr).toContain('rules.GUARD-001.enabled: GUARD-001 cannot be disabled');
    expect(code).toBe(2);
  });
});
