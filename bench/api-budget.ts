/**
 * The SES API budget under a burst (`npx tsx bench/api-budget.ts [--events 50] [--window-s 10] [--scale 5]`):
 * 50 identity-policy events arriving within 10 s, each a public policy on its own identity, handled by the
 * REAL identity-policy handler (middy, idempotency, the SES client paced through the shared budget item in
 * DynamoDB, lib/aws/shared-rate-bucket.ts), one handler instance per Lambda execution environment and as
 * many environments at once as there are events in flight, as Lambda scales an asynchronous burst.
 *
 * SES is a mock that enforces its documented budget for the whole account: a token bucket of one call per
 * second, capacity one, beyond which it throws the SDK's TooManyRequestsException (HTTP 429), as SES v2
 * answers. Every SES call counts (reads, repairs, re-reads), whichever invocation sends it.
 * `--scale 5` (the default) runs the same burst five times faster (SES at 5 calls/s, the guard's share at
 * 4.5/s, the events within 2 s) so the bench takes half a minute instead of three; `--scale 1` is real time.
 * The figures are ratios to the floor (SES calls / SES's rate); at scale 10 and above the event loop's own
 * timer jitter (a few ms) becomes a sizeable part of a slot and throttles appear that real time does not show.
 * `--share` overrides the guard's share of the budget (default SHARED_SES_RATE).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DeleteEmailIdentityPolicyCommand,
  GetEmailIdentityPoliciesCommand,
  NotFoundException,
  SESv2Client,
  TooManyRequestsException,
  UpdateEmailIdentityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { SHARED_SES_RATE } from '../lib/aws/shared-rate-bucket.ts';
import identityPolicy from '../lib/families/identity-policy/index.ts';
import { createGuardHandler } from '../functions/runtime/guard-handler.ts';
import type { HandlerSummary } from '../lib/guard/summary.ts';
import { startBenchDynamoDb, useGuardFunctionEnv } from './guard-env.ts';
import { recordTargets } from './targets.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '50' }, 'window-s': { type: 'string', default: '10' }, scale: { type: 'string', default: '5' }, share: { type: 'string' } } });
const eventCount = Math.max(1, Number.parseInt(values.events, 10) || 50);
const windowS = Math.max(0, Number(values['window-s']) || 10);
const scale = Math.max(1, Number(values.scale) || 5);
/** SES's budget, calls per second for the account and region (scaled). */
const sesRate = 1 * scale;
/** How long a mocked SES call takes (scaled): a few tens of ms in AWS. */
const sesLatencyMs = 40 / scale;

const SAMPLE = JSON.parse(readFileSync('events/identity-policy/v2-create-policy-public-principal.json', 'utf8')) as {
  detail: { eventID: string; requestParameters: { emailIdentity: string; policyName: string; policy: string } };
};
const identityOf = (i: number) => `burst-${i}.example.com`;
const publicPolicy = (identity: string) => SAMPLE.detail.requestParameters.policy.replace('identity/example.com', `identity/${identity}`);
const eventFor = (i: number) => {
  const identity = identityOf(i);
  return {
    ...SAMPLE,
    id: randomUUID(),
    detail: { ...SAMPLE.detail, eventID: randomUUID(), requestParameters: { ...SAMPLE.detail.requestParameters, emailIdentity: identity, policy: publicPolicy(identity) } },
  };
};

// SES for one account and region: the identities' policies, and the budget every caller draws from.
const policies = new Map<string, Record<string, string>>();
for (let i = 0; i < eventCount; i++) policies.set(identityOf(i), { 'allow-all': publicPolicy(identityOf(i)) });
const ses = { accepted: 0, throttled: 0, tokens: 1, last: performance.now() };
function admit(): void {
  const now = performance.now();
  ses.tokens = Math.min(1, ses.tokens + ((now - ses.last) / 1000) * sesRate);
  ses.last = now;
  if (ses.tokens < 1) {
    ses.throttled++;
    throw new TooManyRequestsException({ message: 'Too many requests.', $metadata: { httpStatusCode: 429 } });
  }
  ses.tokens -= 1;
  ses.accepted++;
}
const sesCall = <T>(answer: () => T) => async (): Promise<T> => {
  admit();
  await new Promise((resolve) => setTimeout(resolve, sesLatencyMs));
  return answer();
};
const identity = (name: string | undefined) => {
  const found = name === undefined ? undefined : policies.get(name);
  if (!found) throw new NotFoundException({ message: `Email identity ${name} does not exist.`, $metadata: { httpStatusCode: 404 } });
  return found;
};
const sesMock = mockClient(SESv2Client);
sesMock.on(GetEmailIdentityPoliciesCommand).callsFake((input: { EmailIdentity?: string }) => sesCall(() => ({ Policies: { ...identity(input.EmailIdentity) } }))());
sesMock.on(UpdateEmailIdentityPolicyCommand).callsFake((input: { EmailIdentity?: string; PolicyName?: string; Policy?: string }) =>
  sesCall(() => {
    identity(input.EmailIdentity)[input.PolicyName ?? ''] = input.Policy ?? '';
    return {};
  })(),
);
sesMock.on(DeleteEmailIdentityPolicyCommand).callsFake((input: { EmailIdentity?: string; PolicyName?: string }) =>
  sesCall(() => {
    delete identity(input.EmailIdentity)[input.PolicyName ?? ''];
    return {};
  })(),
);
mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: 'bench' });

const { endpoint, close: closeDynamoDb } = await startBenchDynamoDb();

useGuardFunctionEnv(endpoint, { mode: 'enforce', trustedAccounts: ['111122223333'] }, {
  // What the template sets for the SES families: the guard's share of SES's budget (scaled with it).
  SESGUARD_SES_CALLS_PER_SECOND: String((Number(values.share) || SHARED_SES_RATE) * scale),
});

// Lambda execution environments: each runs one invocation at a time; a burst gets new ones while all are busy.
interface Environment {
  handler: ReturnType<typeof createGuardHandler>;
  busy: boolean;
}
const environments: Environment[] = [];
let maxConcurrent = 0;
let inFlight = 0;
const context = (name: string) => ({ functionName: name, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 900_000 }) as unknown as Context;

async function invoke(event: unknown): Promise<{ summary?: HandlerSummary; error?: unknown; ms: number }> {
  let env = environments.find((e) => !e.busy);
  if (!env) {
    env = { handler: createGuardHandler(identityPolicy), busy: false };
    environments.push(env);
  }
  env.busy = true;
  maxConcurrent = Math.max(maxConcurrent, ++inFlight);
  const started = performance.now();
  try {
    return { summary: await env.handler(event, context('sesguard-bench-identity-policy')), ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  } finally {
    env.busy = false;
    inFlight--;
  }
}

const started = performance.now();
const results = await Promise.all(
  Array.from({ length: eventCount }, async (_, i) => {
    // Arrivals spread evenly over the window (scaled).
    await new Promise((resolve) => setTimeout(resolve, ((i / eventCount) * windowS * 1000) / scale));
    return invoke(eventFor(i));
  }),
);
const totalMs = performance.now() - started;
closeDynamoDb();
sesMock.restore();

const repaired = results.filter((r) => r.summary?.verdict === 'noncompliant' && r.summary.steps.every((s) => s.endsWith(':done')));
const failed = results.filter((r) => r.error !== undefined);
const throttleFailures = failed.filter((r) => /TooManyRequests|Throttl/.test(String(r.error)));
const policiesLeft = [...policies.values()].filter((p) => Object.keys(p).length > 0).length;
const floorMs = (ses.accepted / sesRate) * 1000;
const ratio = totalMs / floorMs;
const slowestS = (Math.max(...results.map((r) => r.ms)) * scale) / 1000;

console.log(`node ${process.version}: ${eventCount} identity-policy events within ${windowS} s, SES mock at 1 call/s for the account (run ${scale}x faster; times below in real seconds)`);
console.log(`SES calls accepted ${ses.accepted} (${(ses.accepted / eventCount).toFixed(1)} per event), throttled ${ses.throttled}; floor ${((floorMs * scale) / 1000).toFixed(1)} s`);
console.log(`total ${((totalMs * scale) / 1000).toFixed(1)} s = ${ratio.toFixed(2)}x the floor; ${maxConcurrent} invocations at once at most; the slowest took ${slowestS.toFixed(1)} s`);
console.log(`decided and repaired ${repaired.length}/${eventCount}; failed invocations ${failed.length} (${throttleFailures.length} by throttling); policies still public ${policiesLeft}`);
for (const r of failed.slice(0, 3)) console.log(`  failure: ${String(r.error)}`);

recordTargets('api-budget', [
  { target: `burst of ${eventCount} identity-policy events in ${windowS} s: decided and repaired`, figure: `${repaired.length}/${eventCount} (${policiesLeft} still public)`, goal: `${eventCount}/${eventCount}`, met: repaired.length === eventCount && policiesLeft === 0 },
  { target: 'burst: invocations failed by throttling', figure: `${throttleFailures.length} (SES throttled ${ses.throttled} calls, all retried)`, goal: '0', met: throttleFailures.length === 0 && failed.length === 0 },
  { target: 'burst: total time / floor (SES calls / 1 per s)', figure: `${ratio.toFixed(2)}x (${((totalMs * scale) / 1000).toFixed(1)} s for ${ses.accepted} calls)`, goal: '<= 1.2x', met: ratio <= 1.2 },
]);
