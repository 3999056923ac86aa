import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig } from '../../lib/config/load.ts';
import { BASELINE_TABLE_DEFINITION } from '../../lib/baseline/table.ts';
import { IDEMPOTENCY_TABLE_DEFINITION } from '../../lib/guard/idempotency.ts';
import { parseAlertNotification } from '../../lib/alert/chatbot.ts';
import { bundleFunction, type BundleResult } from '../../scripts/deploy/bundle.ts';
import { GUARD_FUNCTIONS } from '../../scripts/deploy/functions.ts';
import { createEmulatorClient, createTestTable, type TestTable } from '../support/dynamodb.ts';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../support/fake-aws-endpoint.ts';
import { invokePackagedHandler, PACKAGED_TOPIC_ARN, PUBLIC_IDENTITY_POLICY, SAMPLE_IDENTITY_ARN } from '../support/packaged-handler.ts';
import { sample, type SampleEnvelope } from '../support/sample-event.ts';
import { SAMPLE_ACCOUNT } from '../support/sample-options.ts';

/**
 * Guard functions as they are shipped: the bundle the zip carries (its start-up chunks linked into index.mjs;
 * SNS, CloudTrail, IAM and the quarantine senders in chunks of their own, loaded when first used), run in a
 * Node process of its own the way Lambda runs it, against the DynamoDB emulator and a local AWS endpoint
 * (test/support/fake-aws-endpoint.ts). The handler tests run the TypeScript sources; this is what proves the
 * packaging kept the behaviour.
 */

const DIR = '.build/test-packaged-handler';

const bundles = new Map<string, BundleResult>();
let aws: FakeAwsEndpoint;
let client: DynamoDBClient;
let tables: TestTable[] = [];

beforeAll(async () => {
  const config = parseConfig({ mode: 'enforce', quarantinePolicyName: 'sesguard-quarantine' });
  const built = await Promise.all(
    ['identity-policy', 'custom-verification'].map((name) => bundleFunction(GUARD_FUNCTIONS.find((f) => f.name === name)!, config, `${DIR}/bundles`)),
  );
  for (const b of built) bundles.set(b.fn.name, b);
  aws = await startFakeAwsEndpoint({ 'example.com': { 'allow-all': PUBLIC_IDENTITY_POLICY } });
  client = createEmulatorClient();
  tables = await Promise.all([createTestTable(client, BASELINE_TABLE_DEFINITION, 'packaged-baseline'), createTestTable(client, IDEMPOTENCY_TABLE_DEFINITION, 'packaged-idempotency')]);
}, 60_000);

/** A sample event with fresh ids, recorded in the fake's CloudTrail history as delivered. */
function sampleEvent(name: string): SampleEnvelope {
  const event = sample(name);
  aws.cloudTrail.set(event.detail.eventID, structuredClone(event.detail));
  return event;
}

/** Runs `functionName`'s packaged handler on `event` in a process of its own; returns its summary. */
function invokePackaged(functionName: string, event: unknown): Promise<unknown> {
  const [baseline, idempotency] = tables;
  return invokePackagedHandler({
    handlerFile: bundles.get(functionName)!.outfile,
    functionName,
    event,
    endpoints: { dynamodb: inject('dynamoEndpoint'), aws: aws.url },
    tables: { baseline: baseline!.tableName, idempotency: idempotency!.tableName },
  });
}

afterAll(async () => {
  await Promise.all(tables.map((t) => t.drop()));
  client?.destroy();
  await aws?.close();
  await rm(DIR, { recursive: true, force: true });
});

describe('packaged guard functions', () => {
  it('identity-policy decides, repairs, re-reads and alerts on a public identity policy, loading SNS only to alert', async () => {
    aws.requests.length = 0;
    const event = sampleEvent('identity-policy/v2-create-policy-public-principal');

    expect(await invokePackaged('identity-policy', event)).toEqual({
      eventId: event.detail.eventID,
      eventName: 'CreateEmailIdentityPolicy',
      verdict: 'noncompliant',
      findings: ['SES-IDP-001[0]', 'SES-IDP-005[0]'],
      steps: ['ses.delete-identity-policy:done'],
      alerted: true,
    });
    expect(aws.requests).toEqual([
      'GET /v2/email/identities/example.com/policies',
      'DELETE /v2/email/identities/example.com/policies/allow-all',
      'GET /v2/email/identities/example.com/policies',
      'POST sns Publish',
    ]);
    expect(aws.policies['example.com']).toEqual({});
    const published = aws.published.at(-1);
    expect(published?.get('TopicArn')).toBe(PACKAGED_TOPIC_ARN);
    expect(parseAlertNotification(published?.get('Message') ?? '')).toMatchObject({ outcome: 'repaired', rules: ['SES-IDP-001', 'SES-IDP-005'], resource: { arn: SAMPLE_IDENTITY_ARN } });
    // The alert went out through the lazily loaded SNS chunk: start-up carries no SNS code.
    expect(await readFile(bundles.get('identity-policy')!.outfile, 'utf8')).not.toContain('sns.amazonaws.com/doc');
  }, 60_000);

  it('custom-verification quarantines a non-administrator sender through its lazy CloudTrail, IAM and SNS chunks', async () => {
    aws.requests.length = 0;
    const event = sampleEvent('custom-verification/send-by-non-admin-user');

    expect(await invokePackaged('custom-verification', event)).toEqual({
      eventId: event.detail.eventID,
      eventName: 'SendCustomVerificationEmail',
      verdict: 'noncompliant',
      findings: ['SES-CVE-001'],
      steps: ['cloudtrail.verify-event:done', 'iam.attach-quarantine-policy:done'],
      alerted: true,
    });
    expect(aws.requests).toEqual(['POST cloudtrail LookupEvents', 'POST iam AttachUserPolicy', 'POST sns Publish']);
    expect(aws.attachedToUsers).toEqual({ 'dev-bob': [`arn:aws:iam::${SAMPLE_ACCOUNT}:policy/sesguard-quarantine`] });
    expect(parseAlertNotification(aws.published.at(-1)?.get('Message') ?? '')).toMatchObject({ outcome: 'repaired', rules: ['SES-CVE-001'] });
  }, 60_000);
});
