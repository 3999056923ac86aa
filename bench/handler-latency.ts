/**
 * Handler latency and the exposure window (`npx tsx bench/handler-latency.ts [--runs 200] [--aws-ms 5]`):
 * the REAL identity-policy Lambda handler (middy, idempotency and baseline in a local DynamoDB, SNS publish)
 * against the pure decision (`decideEvent` with in-memory state, baseline and no publish) on the same
 * events, in the same run. SES and SNS answer from aws-sdk-client-mock after `--aws-ms` milliseconds (so
 * calls sent side by side really overlap); DynamoDB is the emulator. Every call is recorded with its start
 * and end (test/support/call-timeline.ts), and the exposure window is counted as the issue asks: the
 * longest chain of calls that each waited for the one before, from the event to the published alert.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetEmailIdentityPoliciesCommand, SESv2Client, UpdateEmailIdentityPolicyCommand, DeleteEmailIdentityPolicyCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { MemoryBaselineStore } from '../lib/baseline/memory-store.ts';
import { parseConfig } from '../lib/config/validate.ts';
import { decideEvent, type GuardDeps } from '../lib/guard/decide.ts';
import identityPolicy from '../lib/families/identity-policy/index.ts';
import { createGuardHandler } from '../functions/runtime/guard-handler.ts';
import { bindSteps } from '../lib/remediation/step.ts';
import { DELETE_IDENTITY_POLICY } from '../lib/families/identity-policy/steps.ts';
import { executePlan } from '../lib/remediation/execute.ts';
import { CallTimeline } from '../test/support/call-timeline.ts';
import { startBenchDynamoDb, useGuardFunctionEnv } from './guard-env.ts';
import { SAMPLE_OWN_ROLE_ARNS, SAMPLE_PREFIX } from '../test/support/sample-options.ts';
import { median, recordTargets } from './targets.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, 'aws-ms': { type: 'string', default: '5' } } });
const runs = Math.max(20, Number.parseInt(values.runs, 10) || 200);
const awsMs = Math.max(0, Number.parseInt(values['aws-ms'], 10) || 0);

const SAMPLE = JSON.parse(readFileSync('events/identity-policy/v2-create-policy-public-principal.json', 'utf8')) as { detail: { eventID: string; requestParameters: { policy: string } } };
const withNewId = () => ({ ...SAMPLE, detail: { ...SAMPLE.detail, eventID: randomUUID() } });
const configInput = { mode: 'enforce', trustedAccounts: ['111122223333'] };

async function time(n: number, once: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

const { endpoint, close: closeDynamoDb } = await startBenchDynamoDb();

const timeline = new CallTimeline();
const answerAfter = <T>(name: string, answer: T) => () => timeline.record(name, () => new Promise<T>((resolve) => setTimeout(() => resolve(answer), awsMs)));
// SES as it behaves: the delete takes, so the re-read after the repair finds the policy gone. Each event
// starts from the public policy again (`freshPolicy`).
let policies: Record<string, string> = {};
const freshPolicy = () => (policies = { 'allow-all': SAMPLE.detail.requestParameters.policy });
const ses = mockClient(SESv2Client);
ses.on(GetEmailIdentityPoliciesCommand).callsFake(() => answerAfter('SES GetEmailIdentityPolicies', { Policies: { ...policies } })());
ses.on(UpdateEmailIdentityPolicyCommand).callsFake(answerAfter('SES UpdateEmailIdentityPolicy', {}));
ses.on(DeleteEmailIdentityPolicyCommand).callsFake(() => {
  policies = {};
  return answerAfter('SES DeleteEmailIdentityPolicy', {})();
});
mockClient(SNSClient).on(PublishCommand).callsFake(answerAfter('SNS Publish', { MessageId: 'bench' }));
// DynamoDB (Powertools' raw client and the baseline store's document client) shares the SDK's base client.
interface Sender {
  send(this: unknown, command: { constructor: { name: string } }, ...rest: unknown[]): Promise<unknown>;
}
const sdkClientBase = Object.getPrototypeOf(DynamoDBClient.prototype) as Sender;
const originalSend = sdkClientBase.send;
sdkClientBase.send = function send(this: unknown, command, ...rest) {
  return timeline.record(`DynamoDB ${command.constructor.name.replace(/Command$/, '')}`, () => originalSend.call(this, command, ...rest));
};

useGuardFunctionEnv(endpoint, configInput);
const handler = createGuardHandler(identityPolicy);
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

const config = parseConfig(configInput);
// In memory, the same story: the event's document until the delete, then no policy.
let pureDeleted = false;
const pureDeps: GuardDeps = {
  config,
  families: [identityPolicy],
  readState: async (change, family) => {
    const state = family.offlineState(change);
    return pureDeleted ? { ...state, rawDocument: null, document: null } : state;
  },
  baseline: new MemoryBaselineStore(),
  execute: (plan, ctx) =>
    executePlan(plan, {
      senders: bindSteps([{ ...DELETE_IDENTITY_POLICY, send: async () => void (pureDeleted = true) }], {}),
      ...ctx,
      plannedJustRead: true,
      now: () => new Date(),
    }),
  parseOptions: { ownRoleArns: SAMPLE_OWN_ROLE_ARNS, guardResourcePrefix: SAMPLE_PREFIX },
  now: () => new Date(),
};

// Warm-up both paths (module init, JIT, the first DynamoDB connection).
const handleNew = () => {
  freshPolicy();
  return handler(withNewId(), context);
};
const decidePure = () => {
  pureDeleted = false;
  return decideEvent(withNewId(), pureDeps);
};
await time(20, handleNew);
await time(20, decidePure);

const handlerMs = median(await time(runs, handleNew));
const pureMs = median(await time(runs, decidePure));
const duplicateEvent = withNewId();
await handler(duplicateEvent, context);
const duplicateMs = median(await time(runs, () => handler(duplicateEvent, context)));

// One event, every call recorded: how many had to wait for the one before, up to the published alert.
timeline.clear();
await handleNew();
const calls = timeline.names();
const path = timeline.criticalPath((c) => c.name === 'SNS Publish');
const sesReads = calls.filter((n) => n === 'SES GetEmailIdentityPolicies').length;

// As deployed, the SES families take each SES call's slot from the shared budget item first (one DynamoDB
// UpdateItem per SES call; the rate is set high here so that the count shows the reservations, not the waiting).
process.env.SESGUARD_SES_CALLS_PER_SECOND = '1000';
const pacedHandler = createGuardHandler(identityPolicy);
freshPolicy();
await pacedHandler(withNewId(), context);
timeline.clear();
freshPolicy();
await pacedHandler(withNewId(), context);
const pacedPath = timeline.criticalPath((c) => c.name === 'SNS Publish');
const pacedCalls = timeline.names();
delete process.env.SESGUARD_SES_CALLS_PER_SECOND;

console.log(`node ${process.version}, ${runs} runs each, medians (SES/SNS mocked answering after ${awsMs} ms, DynamoDB local)`);
console.log(`pure decision (parse, judge, plan, execute; in memory): ${pureMs.toFixed(2)} ms`);
console.log(`identity-policy handler, new event:                   ${handlerMs.toFixed(2)} ms  (${(handlerMs / pureMs).toFixed(1)}x the pure decision)`);
console.log(`identity-policy handler, duplicate event (stored):    ${duplicateMs.toFixed(2)} ms  (${(duplicateMs / pureMs).toFixed(1)}x)`);
console.log(`calls for one noncompliant event (${calls.length}), in the order sent: ${calls.join(', ')}`);
console.log(`critical path to the alert (${path.length} sequential round trips): ${path.map((c) => c.name).join(' -> ')}`);
console.log(`with the shared SES budget (${pacedPath.length} sequential round trips, ${pacedCalls.length} calls): ${pacedPath.map((c) => c.name).join(' -> ')}`);
recordTargets('handler-latency', [
  { target: 'exposure window: sequential AWS round trips, noncompliant identity-policy event -> alert published', figure: `${path.length} (${calls.length} calls, ${sesReads} SES reads)`, goal: '<= 6', met: path.length <= 6 },
  {
    target: 'exposure window with the shared SES budget (a slot reserved in DynamoDB before each SES call), as deployed',
    figure: `${pacedPath.length} (${pacedCalls.length} calls)`,
    goal: '<= 6',
    met: pacedPath.length <= 6,
  },
  { target: `time to handle a noncompliant event (SES/SNS answer after ${awsMs} ms, DynamoDB emulator)`, figure: `${handlerMs.toFixed(1)} ms median (${(handlerMs / pureMs).toFixed(1)}x the pure decision)`, goal: 'reported', met: true },
]);
sdkClientBase.send = originalSend;
closeDynamoDb();
