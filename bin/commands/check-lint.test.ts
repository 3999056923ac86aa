import { describe, expect, it } from 'vitest';
import { runCheck } from './check.ts';
import { runCommand, scratchFiles } from './test-io.ts';

const check = (...args: string[]) => runCommand(runCheck, args);
const scratch = scratchFiles('check-lint');
const file = scratch.file;

/** The seed guide's mistakes: a misspelt action, condition keys SES does not have, an S3 ARN in an SES grant. */
const SEED_GUIDE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'SendSecurely',
      Effect: 'Allow',
      Action: ['ses:SendEmial', 'ses:SendRawEmail'],
      Resource: ['arn:aws:s3:::mail-archive/*'],
      Condition: { Bool: { 'ses:RequireTLS': 'true' }, NumericLessThan: { 'ses:MessageSize': '10485760' } },
    },
  ],
};

describe('check lints policies (LINT-* findings, like IAM Access Analyzer policy validation)', () => {
  it('reports each problem with its statement and the line of the field, next to the perimeter rules', async () => {
    const path = await file('seed.json', SEED_GUIDE_POLICY);
    const { code, stdout } = await check(path, '--account', '111122223333');
    expect(stdout).toContain('LINT-UNKNOWN-ACTION MEDIUM statement 0 (Sid "SendSecurely"), line 7');
    expect(stdout).toContain('Action: "ses:SendEmial" is not an action of ses; did you mean ses:SendEmail?');
    expect(stdout).toContain('LINT-UNKNOWN-CONDITION-KEY MEDIUM statement 0 (Sid "SendSecurely"), line 16');
    expect(stdout).toContain('Condition.Bool.ses:RequireTLS: ses:RequireTLS is not a condition key of ses');
    expect(stdout).toContain('Condition.NumericLessThan.ses:MessageSize');
    expect(stdout).toMatch(/LINT-RESOURCE-SERVICE-MISMATCH MEDIUM statement 0 \(Sid "SendSecurely"\), line 11/);
    expect(code).toBe(1);
  });

  it('a document over the size limit for its kind: an SES identity policy over 4 KB', async () => {
    const statements = Array.from({ length: 30 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'ses:SendEmail', Resource: 'arn:aws:ses:us-east-1:111122223333:identity/example.com', Condition: { StringEquals: { 'ses:FromAddress': `sender-${i}@example.com` } } }));
    const path = await file('big.json', { Version: '2012-10-17', Statement: statements });
    const { stdout } = await check(path, '--config', 'examples/sesguard.config.yml');
    expect(stdout).toMatch(/LINT-POLICY-TOO-LARGE HIGH line 1\n {4}Document: the policy is \d+ bytes; SES accepts sending authorization policies up to 4 KB \(4096 bytes\)/);
  });

  it('severity is configurable per code, and a code can be turned off', async () => {
    const path = await file('seed2.json', SEED_GUIDE_POLICY);
    const config = await file('lint.yml', 'lint:\n  codes:\n    LINT-UNKNOWN-ACTION: { severity: critical }\n    LINT-UNKNOWN-CONDITION-KEY: { enabled: false }\n');
    const { stdout } = await check(path, '--account', '111122223333', '--config', config, '--fail-on', 'critical');
    expect(stdout).toContain('LINT-UNKNOWN-ACTION CRITICAL');
    expect(stdout).not.toContain('LINT-UNKNOWN-CONDITION-KEY');
    expect(stdout).toMatch(/exit 1\n$/);
    const off = await file('lint-off.yml', 'lint: { enabled: false }\n');
    expect((await check(path, '--account', '111122223333', '--config', off)).stdout).not.toContain('LINT-');
  });

  it('SARIF lists the LINT codes as rules and each finding at its line', async () => {
    const path = await file('seed3.json', SEED_GUIDE_POLICY);
    const log = JSON.parse((await check(path, '--account', '111122223333', '--format', 'sarif')).stdout) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }>;
    };
    const run = log.runs[0];
    const lint = run?.results.find((r) => r.ruleId === 'LINT-UNKNOWN-ACTION');
    expect(lint?.locations[0]?.physicalLocation.region.startLine).toBe(7);
    expect(run?.tool.driver.rules[lint?.ruleIndex ?? -1]?.id).toBe('LINT-UNKNOWN-ACTION');
  });

  it("policies inside IaC are linted too (an AWS managed policy is not: it is AWS's own)", async () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        { address: 'aws_iam_user_policy.x', mode: 'managed', type: 'aws_iam_user_policy', name: 'x', change: { actions: ['create'], after: { name: 'x', user: 'bob', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:SendEmial', Resource: '*' }] }) }, after_unknown: {} } },
        { address: 'aws_iam_user_policy_attachment.y', mode: 'managed', type: 'aws_iam_user_policy_attachment', name: 'y', change: { actions: ['create'], after: { user: 'bob', policy_arn: 'arn:aws:iam::aws:policy/AmazonSESFullAccess' }, after_unknown: {} } },
      ],
    };
    const path = await file('plan.json', plan);
    const { stdout } = await check(path, '--account', '111122223333');
    expect(stdout.match(/LINT-UNKNOWN-ACTION/g)?.length).toBe(2); // the finding, and its row in the table
    expect(stdout).toMatch(/aws_iam_user_policy\.x \(iam-policy, line \d+\): 1 finding\n/);
  });
});
