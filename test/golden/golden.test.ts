import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../bin/commands/check.ts';
import { runReplay } from '../../bin/commands/replay.ts';
import { runCommand } from '../../bin/commands/test-io.ts';

/**
 * One golden file per input format (issue 14): the whole report for a real-looking fixture
 * (test/fixtures/**, written from each format's documentation), so any change to what a user sees is a
 * reviewed diff. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites them.
 */
const CONFIG = 'examples/sesguard.config.yml';
const CASES = [
  { golden: 'check-terraform-plan.txt', command: runCheck, args: ['test/fixtures/iac/terraform/plan.json', '--config', CONFIG], code: 2 },
  { golden: 'check-terraform-plan-delete-noop.txt', command: runCheck, args: ['test/fixtures/iac/terraform/plan-delete-noop.json', '--config', CONFIG], code: 0 },
  { golden: 'check-cloudformation-yaml.txt', command: runCheck, args: ['test/fixtures/iac/cloudformation/template.yaml', '--config', CONFIG, '--region', 'eu-west-1'], code: 2 },
  { golden: 'check-cloudformation-json.txt', command: runCheck, args: ['test/fixtures/iac/cloudformation/template.json', '--config', CONFIG, '--region', 'eu-west-1'], code: 2 },
  { golden: 'replay-s3-log-files.txt', command: runReplay, args: ['test/fixtures/cloudtrail/s3/', '--config', CONFIG], code: 0 },
  { golden: 'replay-lookup-events.txt', command: runReplay, args: ['test/fixtures/cloudtrail/lookup-events.json', 'test/fixtures/cloudtrail/lookup-events-us-east-1.json', '--config', CONFIG], code: 0 },
] as const;

const path = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

describe('golden reports, one per input format', () => {
  it.each(CASES)('$golden', async ({ golden, command, args, code }) => {
    const run = await runCommand(command, [...args]);
    const actual = `$ sesguard ${command === runCheck ? 'check' : 'replay'} ${args.join(' ')}\n${run.stdout}`;
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path(golden))) writeFileSync(path(golden), actual);
    expect(actual).toBe(readFileSync(path(golden), 'utf8'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(code);
  });

  it('the YAML template and its JSON form give the same report (but for line numbers)', () => {
    const body = (name: string): string => readFileSync(path(name), 'utf8').split('\n').slice(2).join('\n').replace(/template\.(yaml|json)/g, 'template').replace(/line \d+/g, 'line N');
    expect(body('check-cloudformation-json.txt')).toBe(body('check-cloudformation-yaml.txt'));
  });
});
