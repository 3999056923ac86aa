/**
 * Handler latency (`npx tsx bench/handler-latency.ts [--runs 200]`): the REAL identity-policy Lambda handler
 * (middy, idempotency and baseline in a local DynamoDB, SNS publish) against the pure decision
 * (`decideEvent` with in-memory state, baseline and no publish) on the same events, in the same run.
 * SES and SNS answer from aws-sdk-client-mock, so the figure is the guard's own overhead, not AWS's
 * latency. It reports medians and their ratio: what the Lambda wiring adds to a decision.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import dynalite from 'dynalite';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetEmailIdentityPoliciesCommand, SESv2Client, UpdateEmailIdentityPolicyCommand, DeleteEmailIdentityPolicyCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { BASELINE_TABLE_DEFINITION } from '../lib/baseline/table.ts';
import { IDEMPOTENCY_TABLE_DEFINITION } from '../lib/guard/idempotency.ts';
import { MemoryBaselineStore } from '../lib/baseline/memory-store.ts';
import { parseConfig } from '../lib/config/validate.ts';
import { decideEvent, type GuardDeps } from '../lib/guard/decide.ts';
import identityPolicy from '../lib/families/identity-policy/index.ts';
import { createGuardHandler } from '../functions/runtime/guard-handler.ts';
import { bindSteps } from '../lib/remediation/step.ts';
import { DELETE_IDENTITY_POLICY } from '../lib/families/identity-policy/steps.ts';
import { executePlan } from '../lib/remediation/execute.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const runs = Math.max(20, Number.parseInt(values.runs, 10) || 200);

const SAMPLE = JSON.parse(readFileSync('events/identity-policy/v2-create-policy-public-principal.json', 'utf8')) as { detail: { eventID: string; requestParameters: { policy: string } } };
const withNewId = () => ({ ...SAMPLE, detail: { ...SAMPLE.detail, eventID: randomUUID() } });
const configInput = { mode: 'enforce', trustedAccounts: ['111122223333'] };

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(n: number, once: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

const server = dynalite({ createTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const dynamodb = new DynamoDBClient({ region: 'eu-west-1', endpoint, credentials });
for (const [TableName, definition] of [
  ['bench-baseline', BASELINE_TABLE_DEFINITION],
  ['bench-idempotency', IDEMPOTENCY_TABLE_DEFINITION],
] as const) {
  await dynamodb.send(
    new CreateTableCommand({ TableName, AttributeDefinitions: [...definition.AttributeDefinitions], KeySchema: [...definition.KeySchema], BillingMode: 'PAY_PER_REQUEST' }),
  );
}

const ses = mockClient(SESv2Client);
ses.on(GetEmailIdentityPoliciesCommand).resolves({ Policies: { 'allow-all': SAMPLE.detail.requestParameters.policy } });
ses.on(UpdateEmailIdentityPolicyCommand).resolves({});
ses.on(DeleteEmailIdentityPolicyCommand).resolves({});
mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: 'bench' });

Object.assign(process.env, {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  SESGUARD_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:sesguard-bench-alerts',
  SESGUARD_BASELINE_TABLE: 'bench-baseline',
  SESGUARD_IDEMPOTENCY_TABLE: 'bench-idempotency',
  SESGUARD_OWN_ROLE_ARNS: 'arn:aws:iam::111122223333:role/sesguard-bench-*',
  SESGUARD_RESOURCE_PREFIX: 'sesguard-bench-',
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
(globalThis as { __SESGUARD_CONFIG__?: unknown }).__SESGUARD_CONFIG__ = configInput;
const handler = createGuardHandler(identityPolicy);
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

const config = parseConfig(configInput);
const pureDeps: GuardDeps = {
  config,
  families: [identityPolicy],
  readState: async (change, family) => family.offlineState(change),
  baseline: new MemoryBaselineStore(),
  execute: (plan, ctx) => executePlan(plan, { senders: bindSteps([{ ...DELETE_IDENTITY_POLICY, send: async () => undefined }], {}), ...ctx, now: () => new Date() }),
  parseOptions: { ownRoleArns: ['arn:aws:iam::111122223333:role/sesguard-bench-*'], guardResourcePrefix: 'sesguard-bench-' },
  now: () => new Date(),
};

// Warm-up both paths (module init, JIT, the first DynamoDB connection).
await time(20, () => handler(withNewId(), context));
await time(20, () => decideEvent(withNewId(), pureDeps));

const handlerMs = median(await time(runs, () => handler(withNewId(), context)));
const pureMs = median(await time(runs, () => decideEvent(withNewId(), pureDeps)));
const duplicateEvent = withNewId();
await handler(duplicateEvent, context);
const duplicateMs = median(await time(runs, () => handler(duplicateEvent, context)));

console.log(`node ${process.version}, ${runs} runs each, medians (SES/SNS mocked, DynamoDB local)`);
console.log(`pure decision (parse, judge, plan, execute; in memory): ${pureMs.toFixed(2)} ms`);
console.log(`identity-policy handler, new event:                   ${handlerMs.toFixed(2)} ms  (${(handlerMs / pureMs).toFixed(1)}x the pure decision)`);
console.log(`identity-policy handler, duplicate event (stored):    ${duplicateMs.toFixed(2)} ms  (${(duplicateMs / pureMs).toFixed(1)}x)`);
server.close();
