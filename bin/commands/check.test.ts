import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { runCheck } from './check.ts';
import { runCommand, scratchFiles } from './test-io.ts';

const EXAMPLES_CONFIG = 'examples/sesguard.config.yml';

const check = (...args: string[]) => runCommand(runCheck, args);

const scratch = scratchFiles('check');
const file = scratch.file;

/**
 * The SARIF 2.1.0 JSON schema as shipped by Microsoft's @microsoft/jest-sarif (draft-04), validated
 * with the ajv that package depends on.
 */
function sarifValidator(): (log: unknown) => string[] {
  const requireFromSarif = createRequire(createRequire(import.meta.url).resolve('@microsoft/jest-sarif'));
  const Ajv = requireFromSarif('ajv') as new (options: object) => {
    addMetaSchema(schema: object): void;
    compile(schema: object): ((data: unknown) => boolean) & { errors?: Array<{ dataPath: string; message?: string }> | null };
  };
  const ajv = new Ajv({ schemaId: 'auto', allErrors: true });
  ajv.addMetaSchema(requireFromSarif('ajv/lib/refs/json-schema-draft-04.json') as object);
  const validate = ajv.compile(requireFromSarif('./schemas/sarif-2.1.0-rtm.5.json') as object);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message ?? ''}`));
}

describe('sesguard check exit codes', () => {
  it('0: a compliant identity policy, with the inferred kind shown', async () => {
    const { code, stdout } = await check('examples/identity-policy-compliant.json', '--config', EXAMPLES_CONFIG);
    expect(code).toBe(0);
    expect(stdout).toContain('kind: identity-policy (inferred: statements name a Principal)');
    expect(stdout).toContain('resource: arn:aws:ses:us-east-1:111122223333:identity/example.com');
    expect(stdout).toContain('compliant: no findings');
    expect(stdout).toContain('config: examples/sesguard.config.yml');
  });

  it('1: findings at or above the default --fail-on (any)', async () => {
    const { code, stdout } = await check('examples/identity-policy-open.json', '--config', EXAMPLES_CONFIG);
    expect(code).toBe(1);
    expect(stdout).toMatch(/SES-IDP-001 CRITICAL statement 1 \(Sid "OfficeNetwork"\), line 11/);
    expect(stdout).toMatch(/fix: remove statement 1 \(Sid "OfficeNetwork"\) from the policy \[action: revert\]/);
    expect(stdout).toMatch(/3 findings \(1 critical, 1 high, 1 medium\) in 1 file; fail-on low; exit 1/);
  });

  it('--fail-on high ignores a medium-only finding (exit 0) but not a high one (exit 1)', async () => {
    const mediumOnly = await file('delegate.json', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'ses:SendEmail', Resource: 'arn:aws:ses:us-east-1:111122223333:identity/example.com' }],
    });
    // Trusted delegate in another account: only SES-IDP-005 (medium).
    const other = await file('other.yml', 'trustedAccounts: ["999999999999", "111122223333"]\n');
    expect((await check(mediumOnly, '--config', other, '--resource', 'arn:aws:ses:us-east-1:999999999999:identity/example.com')).code).toBe(1);
    expect((await check(mediumOnly, '--config', other, '--resource', 'arn:aws:ses:us-east-1:999999999999:identity/example.com', '--fail-on', 'high')).code).toBe(0);
    expect((await check('examples/event-destination-cross-account.json', '--config', EXAMPLES_CONFIG, '--fail-on', 'high')).code).toBe(1);
    expect((await check('examples/event-destination-cross-account.json', '--config', EXAMPLES_CONFIG, '--fail-on', 'critical')).code).toBe(0);
  });

  it('an exempt finding is reported but does not fail the check', async () => {
    const exempting = await file(
      'exempt.yml',
      'trustedAccounts: ["111122223333"]\nexemptions:\n  - resource: "arn:aws:ses:*:111122223333:configuration-set/marketing"\n    rules: [SES-EVD-001]\n    expires: "2099-01-01"\n    reason: central SIEM collector, approved SEC-77\n',
    );
    const { code, stdout } = await check('examples/event-destination-cross-account.json', '--config', exempting);
    expect(code).toBe(0);
    expect(stdout).toMatch(/exempt until 2099-01-01: central SIEM collector, approved SEC-77 \(reported, not repaired\)/);
  });

  const invalid: Array<{ name: string; setup: () => Promise<string[]>; message: RegExp }> = [
    { name: 'a file that is not JSON', setup: async () => [await file('broken.json', '{"Version": ')], message: /not valid JSON/ },
    {
      name: 'a policy AWS would reject names the statement and field',
      setup: async () => [await file('bad-effect.json', { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Principal: '*', Action: 'ses:SendEmail', Resource: '*' }] })],
      message: /Statement\[0\]\.Effect/,
    },
    { name: 'an input whose kind cannot be inferred', setup: async () => [await file('mystery.json', { hello: 'world' })], message: /cannot tell what this is .*pass --kind/ },
    {
      name: 'an event destination with a malformed ARN names the field',
      setup: async () => [await file('bad-destination.json', { EventDestination: { SnsDestination: { TopicArn: 'my-topic' } } })],
      message: /EventDestination\.SnsDestination\.TopicArn: must be an ARN/,
    },
    {
      name: 'a template missing a required field names it',
      setup: async () => [await file('bad-template.json', { TemplateName: 't', FromEmailAddress: 'a@example.com' })],
      message: /TemplateSubject/,
    },
  ];

  it.each(invalid)('2: $name', async ({ setup, message }) => {
    const { code, stdout } = await check(...(await setup()), '--config', EXAMPLES_CONFIG);
    expect(code).toBe(2);
    expect(stdout).toMatch(message);
  });

  it('2: an invalid input wins over findings in other files', async () => {
    const broken = await file('broken2.json', 'nope');
    const { code } = await check('examples/identity-policy-open.json', broken, '--config', EXAMPLES_CONFIG);
    expect(code).toBe(2);
  });

  it('2: a bad config fails loudly naming the field, never falling back to defaults', async () => {
    const bad = await file('bad.yml', 'mode: enforce\ntrustedAccounts: ["12"]\n');
    const { code, stderr, stdout } = await check('examples/identity-policy-compliant.json', '--config', bad);
    expect(code).toBe(2);
    expect(stderr).toMatch(/trustedAccounts\.0: must be a 12-digit AWS account id/);
    expect(stdout).toBe('');
  });

  it('2: no account can be told for a placeholder ARN', async () => {
    const empty = await file('empty.yml', '{}\n');
    const { code, stdout } = await check('examples/iam-policy-ses-full-access.json', '--config', empty);
    expect(code).toBe(2);
    expect(stdout).toMatch(/pass --account or --resource/);
    expect((await check('examples/iam-policy-ses-full-access.json', '--config', empty, '--account', '111122223333')).code).toBe(1);
  });

  it.each([
    [['--format', 'xml'], /--format must be one of text, json, sarif/],
    [['--fail-on', 'urgent'], /--fail-on must be one of low, medium, high, critical/],
    [['--kind', 'bucket-policy'], /--kind must be one of/],
    [['--account', '12'], /--account must be a 12-digit/],
    [['--bogus'], /Unknown option/],
  ])('2: bad usage %j', async (args, message) => {
    const { code, stderr } = await check('examples/identity-policy-compliant.json', ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('without --config it uses ./sesguard.config.yml (the shipped defaults) and says so', async () => {
    const { code, stdout } = await check('examples/identity-policy-compliant.json');
    expect(stdout.split('\n')[0]).toBe('config: sesguard.config.yml');
    // Defaults trust only the identity's own account (111122223333, named in the policy's Resource).
    expect(code).toBe(0);
  });

  it('2: no files named', async () => {
    expect((await check()).code).toBe(2);
  });

  it('--help prints usage and exits 0', async () => {
    const { code, stdout } = await check('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('--fail-on SEVERITY');
  });
});

describe('sesguard check kinds', () => {
  it('--kind overrides inference and says it was given', async () => {
    const { stdout } = await check('examples/iam-policy-ses-full-access.json', '--kind', 'iam-policy', '--config', EXAMPLES_CONFIG);
    expect(stdout).toContain('kind: iam-policy (given: --kind)');
  });

  it('an IAM policy granting ses:* to a non-administrator', async () => {
    const { code, stdout } = await check('examples/iam-policy-ses-full-access.json', '--config', EXAMPLES_CONFIG);
    expect(code).toBe(1);
    expect(stdout).toContain('kind: iam-policy (inferred: no statement names a Principal)');
    expect(stdout).toMatch(/IAM-SES-001 HIGH statement 1 \(Sid "SesFullAccess"\), line 10/);
    expect(stdout).toMatch(/IAM-SES-002 MEDIUM/);
  });

  it('--principal judges an IAM policy for an administrator', async () => {
    const { stdout } = await check('examples/iam-policy-ses-full-access.json', '--config', EXAMPLES_CONFIG, '--principal', 'arn:aws:iam::111122223333:role/ses-admin');
    expect(stdout).not.toContain('IAM-SES-001');
  });

  it('an IAM policy whose Deny removes the perimeter grant and whose sending is pinned is compliant', async () => {
    expect((await check('examples/iam-policy-scoped-sender.json', '--config', EXAMPLES_CONFIG)).code).toBe(0);
  });

  it('an SESv1-shaped event destination (SNSDestination/IAMRoleARN) is read', async () => {
    const v1 = await file('v1.json', { Name: 'd', Enabled: true, MatchingEventTypes: ['send'], SNSDestination: { TopicARN: 'arn:aws:sns:us-east-1:444455556666:t' } });
    const { code, stdout } = await check(v1, '--config', EXAMPLES_CONFIG);
    expect(code).toBe(1);
    expect(stdout).toContain('kind: event-destination (inferred: it has SNSDestination)');
    expect(stdout).toMatch(/SNS topic arn:aws:sns:us-east-1:444455556666:t is in untrusted account 444455556666/);
    expect((await check('examples/event-destination-same-account-v1.json', '--config', EXAMPLES_CONFIG)).code).toBe(0);
  });

  it('a verification template redirecting outside trusted domains', async () => {
    const { code, stdout } = await check('examples/verification-template.json', '--config', EXAMPLES_CONFIG);
    expect(code).toBe(1);
    expect(stdout).toContain('kind: verification-template (inferred: it has FromEmailAddress)');
    expect(stdout).toMatch(/SES-CVE-002 HIGH line 3/);
    expect(stdout).toMatch(/login\.example-support\.net/);
  });
});

describe('sesguard check --format json', () => {
  it('prints one machine-readable report', async () => {
    const { code, stdout } = await check('examples/identity-policy-compliant.json', 'examples/identity-policy-open.json', '--config', EXAMPLES_CONFIG, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { exitCode: number; failOn: string; files: Array<{ file: string; kind: string; kindInferred: boolean; compliant: boolean; findings: Array<Record<string, unknown>> }> };
    expect(report.exitCode).toBe(1);
    expect(report.failOn).toBe('low');
    expect(report.files.map((f) => [f.file, f.kind, f.kindInferred, f.compliant])).toEqual([
      ['examples/identity-policy-compliant.json', 'identity-policy', true, true],
      ['examples/identity-policy-open.json', 'identity-policy', true, false],
    ]);
    expect(report.files[1]?.findings[0]).toMatchObject({
      ruleId: 'SES-IDP-001',
      severity: 'critical',
      action: 'revert',
      statement: { index: 1, sid: 'OfficeNetwork' },
      fix: { kind: 'drop-statement', statementIndex: 1, sid: 'OfficeNetwork' },
      line: 11,
    });
  });

  it('reports invalid files with their errors and exit 2', async () => {
    const broken = await file('broken3.json', '[');
    const report = JSON.parse((await check(broken, '--config', EXAMPLES_CONFIG, '--format', 'json')).stdout) as { exitCode: number; files: Array<{ errors: string[] }> };
    expect(report.exitCode).toBe(2);
    expect(report.files[0]?.errors[0]).toMatch(/not valid JSON/);
  });
});

describe('sesguard check --format sarif', () => {
  const validate = sarifValidator();

  it('the validator rejects a log that is not SARIF (so a pass means something)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).not.toEqual([]);
  });

  it('is valid SARIF 2.1.0 with rules, levels and locations on the statement line', async () => {
    const { code, stdout } = await check('examples/identity-policy-open.json', 'examples/verification-template.json', '--config', EXAMPLES_CONFIG, '--format', 'sarif');
    expect(code).toBe(1);
    const log = JSON.parse(stdout) as {
      $schema: string;
      version: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string; shortDescription: { text: string } }> } };
        results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
      }>;
    };
    expect(validate(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe('sesguard');
    expect(run?.tool.driver.rules.map((r) => r.id)).toContain('SES-IDP-001');
    expect(run?.tool.driver.rules.every((r) => r.shortDescription.text.length > 0)).toBe(true);
    const byRule = (id: string) => run?.results.find((r) => r.ruleId === id);
    expect(byRule('SES-IDP-001')).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'examples/identity-policy-open.json' }, region: { startLine: 11 } } }],
    });
    expect(run?.tool.driver.rules[byRule('SES-IDP-001')?.ruleIndex ?? -1]?.id).toBe('SES-IDP-001');
    expect(byRule('SES-IDP-005')?.level).toBe('warning');
    expect(byRule('SES-CVE-002')?.locations[0]?.physicalLocation).toMatchObject({ artifactLocation: { uri: 'examples/verification-template.json' }, region: { startLine: 3 } });
    expect(byRule('SES-IDP-001')?.message.text).toMatch(/Fix: remove statement 1/);
  });

  it('a compliant run is valid SARIF with no results', async () => {
    const { code, stdout } = await check('examples/identity-policy-compliant.json', '--config', EXAMPLES_CONFIG, '--format', 'sarif');
    expect(code).toBe(0);
    const log = JSON.parse(stdout) as { runs: Array<{ results: unknown[] }> };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]?.results).toEqual([]);
  });

  it('invalid input becomes a tool execution notification, still valid SARIF, exit 2', async () => {
    const broken = await file('broken4.json', '{');
    const { code, stdout } = await check(broken, '--config', EXAMPLES_CONFIG, '--format', 'sarif');
    expect(code).toBe(2);
    const log = JSON.parse(stdout) as { runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ message: { text: string } }> }> }> };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(log.runs[0]?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/not valid JSON/);
  });

  it('a file outside the working directory is located by its absolute file: URI', async () => {
    const outside = await file('outside.json', { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' } });
    const { stdout } = await check(outside, '--config', EXAMPLES_CONFIG, '--format', 'sarif');
    const log = JSON.parse(stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }> }> }> };
    expect(validate(log)).toEqual([]);
    const location = log.runs[0]?.results[0]?.locations[0]?.physicalLocation;
    expect(location?.artifactLocation).toEqual({ uri: `file://${outside}` });
    // A single-object Statement is statement 0, on the line where the object starts.
    expect(location?.region.startLine).toBe(3);
  });

  it('an exempt finding carries an accepted suppression', async () => {
    const exempting = await file(
      'exempt2.yml',
      'trustedAccounts: ["111122223333"]\nexemptions:\n  - resource: "arn:aws:ses:*:111122223333:configuration-set/*"\n    rules: ["*"]\n    expires: "2099-01-01"\n    reason: approved collector\n',
    );
    const { stdout } = await check('examples/event-destination-cross-account.json', '--config', exempting, '--format', 'sarif');
    const log = JSON.parse(stdout) as { runs: Array<{ results: Array<{ suppressions?: Array<{ kind: string; status: string }> }> }> };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]?.results[0]?.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
  });
});
