import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SAMPLE_ACCOUNT, SAMPLE_ALERT_KEY_ARN, SAMPLE_OWN_ROLE_ARNS } from './sample-options.ts';

/**
 * A packaged guard function run as Lambda runs it: a fresh Node process imports the bundle's handler module
 * and invokes it once, with a Lambda-shaped context and the environment the template sets, every AWS service
 * pointed at local endpoints (AWS_ENDPOINT_URL_<SERVICE>). Used by the packaged-bundle test and the
 * cold-start bench.
 */

export const PACKAGED_REGION = 'eu-west-1';
export const PACKAGED_TOPIC_ARN = `arn:aws:sns:${PACKAGED_REGION}:${SAMPLE_ACCOUNT}:sesguard-prod-alerts`;
/** The identity the identity-policy samples name, and a policy on it that lets anyone send (SES-IDP-001). */
export const SAMPLE_IDENTITY_ARN = `arn:aws:ses:${PACKAGED_REGION}:${SAMPLE_ACCOUNT}:identity/example.com`;
export const PUBLIC_IDENTITY_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'AnyoneMaySend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: SAMPLE_IDENTITY_ARN }] });

/** Imports the handler module, invokes it once, prints the summary last (Powertools metrics print before it). */
const INVOKE = `
const { handler } = await import(process.env.BUNDLE_URL);
const name = process.env.FUNCTION_NAME;
const context = {
  functionName: name, functionVersion: '$LATEST', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:${PACKAGED_REGION}:${SAMPLE_ACCOUNT}:function:' + name,
  awsRequestId: crypto.randomUUID(), logGroupName: '/aws/lambda/' + name, logStreamName: 'test',
  getRemainingTimeInMillis: () => 60000, callbackWaitsForEmptyEventLoop: false, done() {}, fail() {}, succeed() {},
};
const summary = await handler(JSON.parse(process.env.EVENT), context);
process.stdout.write('\\nsummary: ' + JSON.stringify(summary) + '\\n');
`;

export interface PackagedInvocation {
  /** The bundle's index.mjs. */
  handlerFile: string;
  /** The guard function's name without the stage prefix, e.g. `identity-policy`. */
  functionName: string;
  event: unknown;
  /** Where DynamoDB (the emulator) and the other services (test/support/fake-aws-endpoint.ts) answer. */
  endpoints: { dynamodb: string; aws: string };
  tables: { baseline: string; idempotency: string };
  /** Node options before the script, e.g. `--cpu-prof` to see where a cold start goes. */
  execArgv?: string[];
}

/** Runs the invocation in a process of its own and returns the handler's summary. */
export async function invokePackagedHandler(invocation: PackagedInvocation): Promise<unknown> {
  const { endpoints } = invocation;
  const { stdout } = await promisify(execFile)(process.execPath, [...(invocation.execArgv ?? []), '--input-type=module', '-e', INVOKE], {
    env: {
      PATH: process.env['PATH'] ?? '',
      BUNDLE_URL: pathToFileURL(resolve(invocation.handlerFile)).href,
      FUNCTION_NAME: `sesguard-prod-${invocation.functionName}`,
      EVENT: JSON.stringify(invocation.event),
      AWS_REGION: PACKAGED_REGION,
      AWS_ACCESS_KEY_ID: 'AKIDPACKAGEDTEST',
      AWS_SECRET_ACCESS_KEY: 'packaged-test-secret',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SESV2: endpoints.aws,
      AWS_ENDPOINT_URL_SNS: endpoints.aws,
      AWS_ENDPOINT_URL_IAM: endpoints.aws,
      AWS_ENDPOINT_URL_CLOUDTRAIL: endpoints.aws,
      AWS_MAX_ATTEMPTS: '1',
      SESGUARD_ALERT_TOPIC_ARN: PACKAGED_TOPIC_ARN,
      SESGUARD_BASELINE_TABLE: invocation.tables.baseline,
      SESGUARD_IDEMPOTENCY_TABLE: invocation.tables.idempotency,
      SESGUARD_OWN_ROLE_ARNS: SAMPLE_OWN_ROLE_ARNS.join(','),
      SESGUARD_RESOURCE_PREFIX: 'sesguard-prod-',
      SESGUARD_ALERT_KEY_ARN: SAMPLE_ALERT_KEY_ARN,
      SESGUARD_VERIFY_WAIT_SECONDS: '0',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  const summary = stdout.split('\n').find((line) => line.startsWith('summary: '));
  if (summary === undefined) throw new Error(`the handler printed no summary:\n${stdout}`);
  return JSON.parse(summary.slice('summary: '.length)) as unknown;
}
