import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContext, runSimulate } from './simulate.ts';
import { runCommand } from './test-io.ts';

const IDENTITY = 'arn:aws:ses:us-east-1:111122223333:identity/example.com';

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCommand(runSimulate, args, { stdin });
  return { code, out: stdout, err: stderr };
}

const sendPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Send', Effect: 'Allow', Action: 'ses:SendEmail', Resource: IDENTITY, Condition: { StringLike: { 'ses:FromAddress': '*@example.com' } } },
    { Sid: 'NoEvil', Effect: 'Deny', Action: 'ses:*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'ses:Recipients': '*@evil.example' } } },
  ],
};

const line = (id: string, context: object, extra: object = {}) =>
  JSON.stringify({ id, policies: [sendPolicy], request: { action: 'ses:SendEmail', resource: IDENTITY, context }, ...extra });

describe('sesguard simulate --jsonl', () => {
  it('answers one line per case with the deciding statements, exit 0', async () => {
    const stdin = [
      line('allow', { 'ses:FromAddress': 'a@example.com', 'ses:Recipients': ['b@example.org'] }),
      line('deny', { 'ses:FromAddress': 'a@example.com', 'ses:Recipients': ['x@evil.example'] }),
      '',
      line('implicit', { 'ses:FromAddress': 'a@other.example' }),
    ].join('\n');
    const { code, out } = await run(['--jsonl'], stdin);
    expect(code).toBe(0);
    expect(out.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 'allow', decision: 'Allow', statements: [{ policy: 'policies[0]', index: 0, sid: 'Send', effect: 'Allow' }] },
      { id: 'deny', decision: 'ExplicitDeny', statements: [{ policy: 'policies[0]', index: 1, sid: 'NoEvil', effect: 'Deny' }] },
      { id: 'implicit', decision: 'ImplicitDeny', statements: [] },
    ]);
  });

  it('a string (and URL-encoded) policy and a resource policy are accepted', async () => {
    const rp = { Version: '2012-10-17', Statement: [{ Sid: 'App', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/app' }, Action: 'ses:SendRawEmail', Resource: IDENTITY }] };
    const stdin = JSON.stringify({
      id: 7,
      policies: [encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] }))],
      resourcePolicy: JSON.stringify(rp),
      request: { action: 'ses:SendRawEmail', resource: IDENTITY, principal: 'arn:aws:iam::111122223333:user/app', context: {} },
    });
    const { code, out } = await run(['--jsonl'], stdin);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ id: 7, decision: 'Allow', statements: [{ policy: 'resourcePolicy', index: 0, sid: 'App', effect: 'Allow' }] });
  });

  it('a bad JSON line, a bad case shape and a bad policy each get an error line; the run goes on; exit 2', async () => {
    const badPolicy = JSON.stringify({ id: 'bp', policies: [{ Version: '2012-10-17', Statement: [{ Action: 'ses:*', Resource: '*' }] }], request: { action: 'ses:SendEmail', resource: IDENTITY } });
    const stdin = ['{"id": "broken", ', JSON.stringify({ id: 'shape', policies: [] }), badPolicy, line('ok', { 'ses:FromAddress': 'a@example.com' })].join('\n');
    const { code, out, err } = await run(['--jsonl'], stdin);
    expect(code).toBe(2);
    const results = out.trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; error?: string; decision?: string });
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ id: null, error: expect.stringContaining('line 1: not valid JSON') });
    expect(results[1]).toMatchObject({ id: 'shape', error: expect.stringContaining('request') });
    expect(results[2]).toMatchObject({ id: 'bp', error: 'line 3: policies[0] statement 0 Effect: is required' });
    expect(results[3]).toMatchObject({ id: 'ok', decision: 'Allow' });
    expect(err).toContain('3 bad line(s)');
  });
});

describe('sesguard simulate for a person at a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sesguard-simulate-'));
  const policyFile = join(dir, 'send.json');
  writeFileSync(policyFile, JSON.stringify(sendPolicy));

  it('prints the decision, the deciding statement and why the others did not apply', async () => {
    const { code, out } = await run([
      '--policy', policyFile, '--action', 'ses:SendEmail', '--resource', IDENTITY,
      '--context', 'ses:FromAddress=a@example.com', '--context', 'ses:Recipients=b@example.org',
      '--context', 'ses:Recipients=c@example.org',
    ]);
    expect(code).toBe(0);
    expect(out).toContain('Decision: Allow');
    expect(out).toContain(`${policyFile} statement 0 (Sid "Send") [Allow]`);
    expect(out).toContain(`${policyFile} statement 1 (Sid "NoEvil") [Deny]: does not apply: condition ForAnyValue:StringLike ses:Recipients ["*@evil.example"] not met`);
  });

  it('explains an implicit deny', async () => {
    const { code, out } = await run(['--policy', policyFile, '--action', 'ses:SendRawEmail', '--resource', IDENTITY]);
    expect(code).toBe(0);
    expect(out).toContain('Decision: ImplicitDeny');
    expect(out).toContain('No statement allows the request');
    expect(out).toContain('action not covered');
  });

  it('an invalid policy file names the file, statement and field; exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: 'ses:*', Resource: '*' }] }));
    const { code, err } = await run(['--policy', bad, '--action', 'ses:SendEmail', '--resource', IDENTITY]);
    expect(code).toBe(2);
    expect(err).toContain(`${bad} statement 0 Effect: must be "Allow" or "Deny"`);
  });

  it('a missing policy file is a usage error (exit 2) in the style of every command, not a raw ENOENT', async () => {
    const { code, err } = await run(['--policy', join(dir, 'nope.json'), '--action', 'ses:SendEmail', '--resource', IDENTITY]);
    expect(code).toBe(2);
    expect(err).toBe(`sesguard simulate: ${join(dir, 'nope.json')}: no such file or directory\n`);
  });

  it('a policy file with a JSON syntax error says file:line:column', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "Version": "2012-10-17",\n  "Statement": [}\n');
    const { code, err } = await run(['--policy', broken, '--action', 'ses:SendEmail', '--resource', IDENTITY]);
    expect(code).toBe(2);
    expect(err).toBe(`sesguard simulate: ${broken}:3:17: expected a value, found "}" (not valid JSON)\n`);
  });

  const usage: Array<[string, string[], string]> = [
    ['an unknown option', ['--jsonl', '--bogus'], 'bogus'],
    ['missing --action', ['--policy', 'x.json', '--resource', IDENTITY], '--action'],
    ['--jsonl mixed with --policy', ['--jsonl', '--policy', 'x.json'], '--policy'],
    ['a --context without =', ['--policy', 'x.json', '--action', 'a:b', '--resource', '*', '--context', 'novalue'], 'key=value'],
  ];
  it.each(usage)('usage error: %s -> exit 2', async (_name, args, mention) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toContain(mention);
  });

  it('--help prints usage, exit 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('--jsonl');
  });
});

describe('parseContext', () => {
  it('repeated keys and JSON arrays make multivalued keys', () => {
    expect(parseContext(['a=1', 'b=x', 'b=y', 'c=["p","q"]', 'd=x=y'])).toEqual({ a: '1', b: ['x', 'y'], c: ['p', 'q'], d: 'x=y' });
  });
  it('rejects a bad JSON array', () => {
    expect(parseContext(['c=[oops'])).toMatch(/not a JSON array/);
  });
});
