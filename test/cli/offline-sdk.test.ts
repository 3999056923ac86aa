import { rmSync } from 'node:fs';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';
import { runCompiledCli } from '../support/cli-loads.ts';

/**
 * `sesguard check` judges files offline: it must not pay for the AWS SDK (issue 15: a one-file check was
 * 7x bare node because the family registry loaded every family's clients). A chunk that carries any
 * @aws-sdk/client-* module fails the check.
 */
const ROOT = '.build/cli-offline-sdk-test';
const OUT = `${ROOT}/bin`;
let metafile: Metafile;

beforeAll(async () => {
  ({ metafile } = await buildCli(OUT));
}, 60_000);
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** The @aws-sdk/client-* packages in the chunks a run of the compiled CLI loaded. */
function sdkClientsLoadedBy(args: string[], expectedStatus: number): string[] {
  const run = runCompiledCli(OUT, metafile, args, { log: `${ROOT}/loads-${args[0]}.log` });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(expectedStatus);
  expect(run.chunks, 'the hook saw the CLI load its chunks').toBeGreaterThan(1);
  const clients = new Set<string>();
  for (const input of run.sources) {
    const m = /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input);
    if (m) clients.add(m[1]!);
  }
  return [...clients].sort();
}

describe('the offline check path loads no AWS SDK client', () => {
  it('sesguard check of a policy and a Terraform plan loads no @aws-sdk/client-* module', () => {
    expect(sdkClientsLoadedBy(['check', 'examples/identity-policy-open.json', 'test/fixtures/iac/terraform/plan.json', '--config', 'examples/sesguard.config.yml'], 2)).toEqual([]);
  });

  it('sesguard config validate loads none either', () => {
    expect(sdkClientsLoadedBy(['config', 'validate', 'examples/sesguard.config.yml'], 0)).toEqual([]);
  });

  it('the probe sees the SDK where it is loaded: replay imports every family with its steps', () => {
    expect(sdkClientsLoadedBy(['replay', 'events/identity-policy/v2-create-policy-public-principal.json'], 0)).toContain('client-iam');
  });
});
