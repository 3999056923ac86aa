/**
 * A cold start to a repaired, alerted event (`npx tsx bench/cold-start.ts [--runs 9]`): what a noncompliant
 * change costs when it lands on a function with no warm execution environment. Each run is a fresh `node`
 * process that imports the packaged identity-policy bundle and handles one public identity policy (read,
 * delete, re-read, alert through the lazily loaded SNS chunk) against the DynamoDB emulator and a local SES/SNS
 * endpoint that answer at once (test/support/fake-aws-endpoint.ts), timed from spawn to exit, beside a bare
 * `node -e ''` and an import of the same bundle alone, interleaved. bench/bundles.ts holds the import to its
 * target; this reports what the first event adds to it (nothing holds it to a goal: the AWS round trips of a
 * real account dominate, and bench/handler-latency.ts counts those).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { parseConfig } from '../lib/config/load.ts';
import { bundleFunction } from '../scripts/deploy/bundle.ts';
import { GUARD_FUNCTIONS } from '../scripts/deploy/functions.ts';
import { startFakeAwsEndpoint } from '../test/support/fake-aws-endpoint.ts';
import { invokePackagedHandler, PUBLIC_IDENTITY_POLICY } from '../test/support/packaged-handler.ts';
import { sample } from '../test/support/sample-event.ts';
import { BENCH_TABLES, startBenchDynamoDb } from './guard-env.ts';
import { median, recordTargets } from './targets.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Math.max(3, Number.parseInt(values.runs, 10) || 9);
const DIR = '.build/bench-cold-start';
const EXPECTED_STEPS = JSON.stringify(['ses.delete-identity-policy:done']);

const bundle = await bundleFunction(GUARD_FUNCTIONS.find((f) => f.name === 'identity-policy')!, parseConfig({ mode: 'enforce' }), DIR);
const dynamodb = await startBenchDynamoDb();
const aws = await startFakeAwsEndpoint({});

/** Wall time of `node <args>` from spawn to exit (asynchronous: the emulator and the endpoint answer from this process). */
async function timeNode(args: string[]): Promise<number> {
  const started = performance.now();
  await promisify(execFile)(process.execPath, args, { env: { PATH: process.env['PATH'] ?? '' } });
  return performance.now() - started;
}

async function coldStartToRepair(): Promise<number> {
  aws.policies['example.com'] = { 'allow-all': PUBLIC_IDENTITY_POLICY };
  const event = sample('identity-policy/v2-create-policy-public-principal');
  const started = performance.now();
  const summary = (await invokePackagedHandler({ handlerFile: bundle.outfile, functionName: 'identity-policy', event, endpoints: { dynamodb: dynamodb.endpoint, aws: aws.url }, tables: BENCH_TABLES })) as { steps?: unknown; alerted?: unknown };
  const elapsed = performance.now() - started;
  // Only a run that did the whole job counts.
  if (JSON.stringify(summary.steps) !== EXPECTED_STEPS || summary.alerted !== true) throw new Error(`the cold start did not repair and alert: ${JSON.stringify(summary)}`);
  return elapsed;
}

const importOnly = ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(resolve(bundle.outfile)).href)});`];
const bare: number[] = [];
const imports: number[] = [];
const repairs: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(await timeNode(['-e', '']));
  imports.push(await timeNode(importOnly));
  repairs.push(await coldStartToRepair());
}

const [bareMs, importMs, repairMs] = [median(bare), median(imports), median(repairs)];
console.log(`node ${process.version}, ${runs} runs (medians): bare ${bareMs.toFixed(1)} ms, import ${importMs.toFixed(1)} ms, cold start to an alerted repair ${repairMs.toFixed(1)} ms`);
recordTargets('cold-start', [
  {
    target: 'identity-policy, a fresh process: import, then one public identity policy read, deleted, re-read and alerted (local emulator and endpoint)',
    figure: `${repairMs.toFixed(1)} ms = ${(repairMs / bareMs).toFixed(2)}x bare node (import alone ${(importMs / bareMs).toFixed(2)}x; the event adds ${(repairMs - importMs).toFixed(1)} ms)`,
    goal: 'reported',
    met: true,
  },
]);

await aws.close();
dynamodb.close();
rmSync(DIR, { recursive: true, force: true });
