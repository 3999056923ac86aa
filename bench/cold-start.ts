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
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BASELINE_TABLE_DEFINITION } from '../lib/baseline/table.ts';
import { parseConfig } from '../lib/config/load.ts';
import { IDEMPOTENCY_TABLE_DEFINITION } from '../lib/guard/idempotency.ts';
import { bundleFunction } from '../scripts/deploy/bundle.ts';
import { GUARD_FUNCTIONS } from '../scripts/deploy/functions.ts';
import { startFakeAwsEndpoint } from '../test/support/fake-aws-endpoint.ts';
import { invokePackagedHandler, PACKAGED_REGION } from '../test/support/packaged-handler.ts';
import { median, recordTargets } from './targets.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Math.max(3, Number.parseInt(values.runs, 10) || 9);
const DIR = '.build/bench-cold-start';

const IDENTITY_ARN = `arn:aws:ses:${PACKAGED_REGION}:111122223333:identity/example.com`;
const PUBLIC_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'AnyoneMaySend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY_ARN }] });
const SAMPLE = readFileSync('events/identity-policy/v2-create-policy-public-principal.json', 'utf8');
const EXPECTED_STEPS = JSON.stringify(['ses.delete-identity-policy:done']);

const bundle = await bundleFunction(GUARD_FUNCTIONS.find((f) => f.name === 'identity-policy')!, parseConfig({ mode: 'enforce' }), DIR);
const server = dynalite({ createTableMs: 0 });
await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
const dynamodbEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const dynamodb = new DynamoDBClient({ region: PACKAGED_REGION, endpoint: dynamodbEndpoint, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const tables = { baseline: 'bench-cold-baseline', idempotency: 'bench-cold-idempotency' };
await dynamodb.send(new CreateTableCommand({ TableName: tables.baseline, ...BASELINE_TABLE_DEFINITION, AttributeDefinitions: [...BASELINE_TABLE_DEFINITION.AttributeDefinitions], KeySchema: [...BASELINE_TABLE_DEFINITION.KeySchema], BillingMode: 'PAY_PER_REQUEST' }));
await dynamodb.send(new CreateTableCommand({ TableName: tables.idempotency, ...IDEMPOTENCY_TABLE_DEFINITION, AttributeDefinitions: [...IDEMPOTENCY_TABLE_DEFINITION.AttributeDefinitions], KeySchema: [...IDEMPOTENCY_TABLE_DEFINITION.KeySchema], BillingMode: 'PAY_PER_REQUEST' }));
const aws = await startFakeAwsEndpoint({});

/** Wall time of `node <args>` from spawn to exit (asynchronous: the emulator and the endpoint answer from this process). */
async function timeNode(args: string[]): Promise<number> {
  const started = performance.now();
  await promisify(execFile)(process.execPath, args, { env: { PATH: process.env['PATH'] ?? '' } });
  return performance.now() - started;
}

async function coldStartToRepair(): Promise<number> {
  aws.policies['example.com'] = { 'allow-all': PUBLIC_POLICY };
  const event = JSON.parse(SAMPLE) as { id: string; detail: { eventID: string } };
  event.id = randomUUID();
  event.detail.eventID = randomUUID();
  const started = performance.now();
  const summary = (await invokePackagedHandler({ handlerFile: bundle.outfile, functionName: 'identity-policy', event, endpoints: { dynamodb: dynamodbEndpoint, aws: aws.url }, tables })) as { steps?: unknown; alerted?: unknown };
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

dynamodb.destroy();
await aws.close();
server.close();
rmSync(DIR, { recursive: true, force: true });
