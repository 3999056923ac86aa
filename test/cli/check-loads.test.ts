import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';
import { entryFiles, runCompiledCli, type CliRun } from '../support/cli-loads.ts';

/**
 * Issue 15: a one-file `sesguard check` of a JSON policy paid for the YAML parser and the Terraform and
 * CloudFormation readers whatever the input was. What a check loads follows what it reads: the YAML parser
 * only for a YAML input (or a config that needs it), an infrastructure-as-code reader only for such an
 * input. Each "does not load" is paired with an input that does load it, so the probe is seen to work.
 */
const ROOT = '.build/cli-check-loads-test';
const OUT = `${ROOT}/bin`;
/** A working directory without ./sesguard.config.yml: the check runs on the built-in defaults. */
const NO_CONFIG = `${ROOT}/cwd`;
/** A config with an anchor: YAML the CLI's plain reader (bin/simple-yaml.ts) leaves to the yaml library. */
const ANCHORED_CONFIG = `${ROOT}/anchored.yml`;
/** A policy as gzipped bytes: the only kind of input that needs node:zlib. */
const GZIPPED_POLICY = `${ROOT}/identity-policy-open.json.gz`;
let metafile: Metafile;

beforeAll(async () => {
  ({ metafile } = await buildCli(OUT));
  mkdirSync(NO_CONFIG, { recursive: true });
  writeFileSync(ANCHORED_CONFIG, 'trustedAccounts: &trusted ["111122223333"]\nmode: dry-run\n');
  writeFileSync(GZIPPED_POLICY, gzipSync(readFileSync('examples/identity-policy-open.json')));
}, 60_000);
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

let runs = 0;
function check(files: string[], extra: string[] = []): CliRun {
  const run = runCompiledCli(OUT, metafile, ['check', ...files.map((f) => resolve(f)), ...extra], { cwd: NO_CONFIG, log: `${ROOT}/loads-${runs++}.log` });
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('findings');
  return run;
}

const YAML_PARSER = 'node_modules/yaml/dist/index.js';
const TERRAFORM_READER = 'lib/iac/terraform/plan.ts';
const CLOUDFORMATION_READER = 'lib/iac/cloudformation/template.ts';
const LINT = 'lib/policy/lint.ts';

describe('sesguard check loads what its input needs', () => {
  it('a JSON policy on the built-in defaults: the rules and lint, no YAML parser, no IaC reader', () => {
    const run = check(['examples/identity-policy-open.json']);
    expect(run.status).toBe(1);
    expect(run.sources).toContain(LINT);
    expect(run.sources).not.toContain(YAML_PARSER);
    expect(run.sources).not.toContain(TERRAFORM_READER);
    expect(run.sources).not.toContain(CLOUDFORMATION_READER);
  });

  it('the entry is one file, a JSON policy reads the check command as one more (chunks are linked into each), a YAML input more', () => {
    expect(entryFiles(metafile)).toBe(1);
    expect(check(['examples/identity-policy-open.json']).chunks).toBe(entryFiles(metafile) + 1);
    expect(check(['test/fixtures/iac/cloudformation/template.yaml']).chunks).toBeGreaterThan(entryFiles(metafile) + 1);
  });

  it('node:zlib loads for gzipped bytes only', () => {
    expect(check(['examples/identity-policy-open.json']).builtins).not.toContain('zlib');
    expect(check([GZIPPED_POLICY]).builtins).toContain('zlib');
  });

  it('a JSON policy judged with a config in plain YAML (examples/sesguard.config.yml): still no YAML parser', () => {
    const run = check(['examples/identity-policy-open.json'], ['--config', resolve('examples/sesguard.config.yml')]);
    expect(run.stdout).toContain('config: ');
    expect(run.sources).not.toContain(YAML_PARSER);
  });

  it('a config that is not plain YAML is read by the YAML parser', () => {
    const run = check(['examples/identity-policy-open.json'], ['--config', resolve(ANCHORED_CONFIG)]);
    expect(run.sources).toContain(YAML_PARSER);
  });

  it('a Terraform plan loads its reader, and still no YAML parser', () => {
    const run = check(['test/fixtures/iac/terraform/plan.json']);
    expect(run.sources).toContain(TERRAFORM_READER);
    expect(run.sources).not.toContain(YAML_PARSER);
  });

  it('a YAML CloudFormation template loads the YAML parser and the template reader', () => {
    const run = check(['test/fixtures/iac/cloudformation/template.yaml']);
    expect(run.sources).toContain(YAML_PARSER);
    expect(run.sources).toContain(CLOUDFORMATION_READER);
  });
});
