import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, inject, vi } from 'vitest';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEmailIdentityPolicyCommand,
  DeleteEmailIdentityPolicyCommand,
  GetEmailIdentityPoliciesCommand,
  NotFoundException,
  SESv2Client,
  UpdateEmailIdentityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import type { ConfigInput } from '../../lib/config/schema.ts';
import { BASELINE_TABLE_DEFINITION, BASELINE_TABLE_KEY } from '../../lib/baseline/table.ts';
import { IDEMPOTENCY_TABLE_DEFINITION } from '../../lib/guard/idempotency.ts';
import { parseAlertNotification } from '../../lib/alert/chatbot.ts';
import type { AlertMessage } from '../../lib/alert/alert-schema.ts';
import type { HandlerSummary } from '../../lib/guard/summary.ts';
import type { FamilyId } from '../../lib/families/index.ts';
import { createEmulatorClient, createTestTable, type TestTable } from '../support/dynamodb.ts';
import { fakeIam, type FakeIamAccount } from '../support/fake-iam.ts';
import { SAMPLE_ALERT_KEY_ARN, SAMPLE_OWN_ROLE_ARNS } from '../support/sample-options.ts';

/**
 * End-to-end harness for the guard functions: the REAL Lambda handlers (functions/*.ts, middy, Powertools
 * idempotency, the DynamoDB baseline store, the SNS publisher), invoked the way Lambda invokes them. SES,
 * IAM and SNS are aws-sdk-client-mock stubs (every client instance the handler builds); DynamoDB is the
 * real local emulator started by test/global-setup.ts. Cast as in events/README.md.
 */

export const ACCOUNT = '111122223333';
export const OUTSIDE_ACCOUNT = '444455556666';
export const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:sesguard-prod-alerts`;
/** The exact ARNs of every guard role, as the template passes them (never a pattern). */
export const OWN_ROLE_ARNS = SAMPLE_OWN_ROLE_ARNS.join(',');

export type Family = FamilyId;

/**
 * What the generated entry of a family's function does (functions/runtime/family-entry.ts), after a
 * module reset so each cold start re-evaluates the modules Lambda would load.
 */
async function freshHandler(family: Family): Promise<LambdaHandler> {
  const [{ createGuardHandler }, { familyById }] = await Promise.all([import('../../functions/runtime/guard-handler.ts'), import('../../lib/families/index.ts')]);
  const found = familyById(family);
  if (!found) throw new Error(`no family ${family}`);
  return createGuardHandler(found);
}

type LambdaHandler = (event: unknown, context: Context) => Promise<HandlerSummary>;

/** Sent alerts as subscribers see them: the versioned alert out of the SNS body, and the Publish input. */
export interface PublishedAlert {
  alert: AlertMessage;
  input: PublishCommandInput;
}

export interface GuardHarness {
  sesv2: AwsClientStub<SESv2Client>;
  /** The current IAM stub (replaced by `useFakeIam`). */
  readonly iam: AwsClientStub<IAMClient>;
  /** Answers IAM reads from an in-memory account (test/support/fake-iam.ts); writes stay plain stubs. */
  useFakeIam(account: FakeIamAccount): AwsClientStub<IAMClient>;
  sns: AwsClientStub<SNSClient>;
  /**
   * CloudTrail's event history (LookupEvents): every event a test invokes is recorded there as delivered,
   * as CloudTrail would have recorded it, unless the test calls `notInCloudTrail` (a forged event).
   */
  cloudtrail: AwsClientStub<CloudTrailClient>;
  notInCloudTrail(eventId: string): void;
  /**
   * A cold start of one family's function with `config` bundled (the `__SESGUARD_CONFIG__` esbuild
   * defines). Returns `invoke(event)`, which calls the handler with a fresh Lambda context.
   */
  coldStart(family: Family, config: ConfigInput | Record<string, unknown>): Promise<(event: unknown) => Promise<HandlerSummary>>;
  publishedAlerts(): PublishedAlert[];
  /** Names of every SES and IAM command sent, in order (reads and writes). */
  awsCommands(): string[];
  /** The SES and IAM commands that change something: anything but Get*, List*. */
  awsWrites(): string[];
  /** The write commands with their exact inputs, in order: `[{ command: 'DeleteEmailIdentityPolicyCommand', input }]`. */
  awsWriteCalls(): Array<{ command: string; input: unknown }>;
  /** The raw baseline item the guard stored for `resourceId`, read straight from DynamoDB. */
  baselineItem(resourceId: string): Promise<Record<string, string> | undefined>;
}

/**
 * Registers the hooks of one test file: tables, env, mocks. `region` must be the sample events' region:
 * the SES reader refuses to read another region than the change's.
 */
export function useGuardHarness(options: { region: string }): GuardHarness {
  const sesv2 = mockClient(SESv2Client);
  let iam = mockClient(IAMClient);
  const sns = mockClient(SNSClient);
  const cloudtrail = mockClient(CloudTrailClient);
  const recorded = new Map<string, unknown>();
  const forged = new Set<string>();
  let client: DynamoDBClient | undefined;
  let tables: TestTable[] = [];
  let baselineTableName = '';

  beforeAll(async () => {
    client = createEmulatorClient();
    const [baseline, idempotency] = await Promise.all([
      createTestTable(client, BASELINE_TABLE_DEFINITION, 'handlers-baseline'),
      createTestTable(client, IDEMPOTENCY_TABLE_DEFINITION, 'handlers-idempotency'),
    ]);
    tables = [baseline, idempotency];
    baselineTableName = baseline.tableName;
    const env: Record<string, string> = {
      AWS_REGION: options.region,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      AWS_ACCESS_KEY_ID: 'AKIDHANDLERTEST',
      AWS_SECRET_ACCESS_KEY: 'handler-test-secret',
      AWS_MAX_ATTEMPTS: '2',
      SESGUARD_ALERT_TOPIC_ARN: TOPIC_ARN,
      SESGUARD_BASELINE_TABLE: baseline.tableName,
      SESGUARD_IDEMPOTENCY_TABLE: idempotency.tableName,
      SESGUARD_OWN_ROLE_ARNS: OWN_ROLE_ARNS,
      SESGUARD_RESOURCE_PREFIX: 'sesguard-prod-',
      SESGUARD_ALERT_KEY_ARN: SAMPLE_ALERT_KEY_ARN,
      // No waiting for CloudTrail's indexing in tests: the fake history answers at once.
      SESGUARD_VERIFY_WAIT_SECONDS: '0',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  });

  beforeEach(() => {
    sesv2.reset();
    iam.reset();
    sns.reset();
    sns.on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
    cloudtrail.reset();
    recorded.clear();
    forged.clear();
    cloudtrail.on(LookupEventsCommand).callsFake(async (input: { LookupAttributes?: Array<{ AttributeValue?: string }> }) => {
      const id = input.LookupAttributes?.[0]?.AttributeValue ?? '';
      const detail = recorded.get(id);
      return { Events: detail === undefined || forged.has(id) ? [] : [{ EventId: id, CloudTrailEvent: JSON.stringify(detail) }] };
    });
  });

  afterAll(async () => {
    sesv2.restore();
    iam.restore();
    sns.restore();
    cloudtrail.restore();
    vi.unstubAllEnvs();
    delete (globalThis as { __SESGUARD_CONFIG__?: unknown }).__SESGUARD_CONFIG__;
    await Promise.all(tables.map((t) => t.drop()));
    client?.destroy();
  });

  const sentCalls = () =>
    [...sesv2.calls(), ...iam.calls()].map((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: unknown };
      return { command: command.constructor.name, input: command.input };
    });
  const sent = () => sentCalls().map((call) => call.command);
  const isWrite = (name: string) => !/^(Get|List)/.test(name);

  return {
    sesv2,
    get iam() {
      return iam;
    },
    useFakeIam(account) {
      // mockClient replaces the class's stub: from here on every IAM client answers from the fake.
      iam = fakeIam(account).stub;
      return iam;
    },
    sns,
    cloudtrail,
    notInCloudTrail(eventId) {
      forged.add(eventId);
    },
    async coldStart(family, config) {
      (globalThis as { __SESGUARD_CONFIG__?: unknown }).__SESGUARD_CONFIG__ = config;
      // A new execution environment: module state (runtime, clients, idempotency wrappers) starts empty.
      vi.resetModules();
      const handler = await freshHandler(family);
      return (event) => {
        const detail = (event as { detail?: { eventID?: unknown } } | null)?.detail;
        if (typeof detail?.eventID === 'string') recorded.set(detail.eventID, structuredClone(detail));
        return handler(event, lambdaContext(`sesguard-prod-${family}`));
      };
    },
    publishedAlerts: () =>
      sns.commandCalls(PublishCommand).map((call) => {
        const input = call.args[0].input;
        return { alert: parseAlertNotification(mustHave(input.Message, 'PublishCommand.Message')), input };
      }),
    awsCommands: sent,
    awsWrites: () => sent().filter(isWrite),
    awsWriteCalls: () => sentCalls().filter((call) => isWrite(call.command)),
    async baselineItem(resourceId) {
      const { Item } = await mustHave(client, 'the emulator client (beforeAll has not run)').send(
        new GetItemCommand({ TableName: baselineTableName, Key: { [BASELINE_TABLE_KEY.partitionKey]: { S: resourceId } }, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return Object.fromEntries(Object.entries(Item).map(([key, value]) => [key, value.S ?? value.N ?? JSON.stringify(value)]));
    },
  };
}

function mustHave<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`test harness: missing ${what}`);
  return value;
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export { sample, type SampleEnvelope } from '../support/sample-event.ts';

/** An IAM user as CloudTrail records it. */
export function iamUserIdentity(userName: string): Record<string, unknown> {
  return { type: 'IAMUser', principalId: `AIDA${userName.toUpperCase().replace(/\W/g, '')}`, arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLEKEY', userName };
}

/** An assumed-role session as CloudTrail records it (sessionContext.sessionIssuer names the role). */
export function assumedRoleIdentity(roleName: string, sessionName: string): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLE:${sessionName}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${sessionName}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEKEY',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE', arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, accountId: ACCOUNT, userName: roleName },
      attributes: { creationDate: '2026-11-20T08:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/**
 * SES identity policies that behave like SES: Get returns what Create/Update/Delete left behind.
 * `urlEncoded`: Get answers with URL-encoded documents, as AWS may.
 */
export function fakeIdentityPolicies(
  sesv2: AwsClientStub<SESv2Client>,
  initial: Record<string, Record<string, string>>,
  options: { urlEncoded?: boolean } = {},
): { policies: Record<string, Record<string, string>> } {
  const policies: Record<string, Record<string, string>> = structuredClone(initial);
  const encode = (doc: string) => (options.urlEncoded ? encodeURIComponent(doc) : doc);
  const identity = (name: string | undefined) => {
    const found = name === undefined ? undefined : policies[name];
    if (!found) throw new NotFoundException({ message: `Email identity ${name} does not exist.`, $metadata: { httpStatusCode: 404 } });
    return found;
  };
  sesv2.on(GetEmailIdentityPoliciesCommand).callsFake(async (input: { EmailIdentity?: string }) => ({
    Policies: Object.fromEntries(Object.entries(identity(input.EmailIdentity)).map(([name, doc]) => [name, encode(doc)])),
  }));
  const write = async (input: { EmailIdentity?: string; PolicyName?: string; Policy?: string }) => {
    identity(input.EmailIdentity)[input.PolicyName ?? ''] = input.Policy ?? '';
    return {};
  };
  sesv2.on(CreateEmailIdentityPolicyCommand).callsFake(write);
  sesv2.on(UpdateEmailIdentityPolicyCommand).callsFake(write);
  sesv2.on(DeleteEmailIdentityPolicyCommand).callsFake(async (input: { EmailIdentity?: string; PolicyName?: string }) => {
    delete identity(input.EmailIdentity)[input.PolicyName ?? ''];
    return {};
  });
  return { policies };
}

/** The enforce-mode config most tests run with; the rest of the fields take their defaults. */
export function enforceConfig(overrides: Partial<ConfigInput> = {}): ConfigInput {
  return { mode: 'enforce', ...overrides };
}

/** A policy document as a one-line JSON string, as SES stores what it was sent. */
export function policyDocument(...statements: Array<Record<string, unknown>>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
