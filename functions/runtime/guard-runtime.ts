import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createServiceClient, type AwsServiceKey, type ClientConstructor } from '../../lib/aws/client-factory.ts';
import { createStateReader, type FamilyStateReaders } from '../../lib/state/reader.ts';
import type { StepSenders } from '../../lib/remediation/steps/step-sender.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import { executePlan } from '../../lib/remediation/execute.ts';
import { createSnsAlertPublisher, type AlertPublisher } from '../../lib/alert/publish.ts';
import type { Config } from '../../lib/config/schema.ts';
import type { GuardDeps } from '../../lib/guard/pipeline.ts';
import { parseGuardEnv, type GuardEnv } from './env.ts';
import { loadBundledConfig } from './config.ts';

export type MakeClient = <C>(Client: ClientConstructor<C>, service: AwsServiceKey) => C;

/** What makes a function one family's guard: how it reads that family's state and which repairs it can send. */
export interface FamilyWiring {
  readers: FamilyStateReaders;
  senders: StepSenders;
}

/** Everything a guard function builds once per cold start. */
export interface GuardRuntime {
  env: GuardEnv;
  config: Config;
  dynamodb: DynamoDBClient;
  deps: GuardDeps;
  publisher: AlertPublisher;
}

export function createGuardRuntime(processEnv: NodeJS.ProcessEnv, wire: (make: MakeClient) => FamilyWiring, overrides: { config?: Config } = {}): GuardRuntime {
  const env = parseGuardEnv(processEnv);
  const config = overrides.config ?? loadBundledConfig();
  const make: MakeClient = (Client, service) => createServiceClient(Client, service, processEnv);
  const dynamodb = make(DynamoDBClient, 'DYNAMODB');
  const { readers, senders } = wire(make);
  const deps: GuardDeps = {
    config,
    stateReader: createStateReader(readers),
    baseline: new DynamoBaselineStore({ client: dynamodb, tableName: env.SESGUARD_BASELINE_TABLE }),
    execute: (plan, context) => executePlan(plan, { senders, ...context, now: () => new Date() }),
    parseOptions: { ownRoleArns: env.SESGUARD_OWN_ROLE_ARNS, guardResourcePrefix: env.SESGUARD_RESOURCE_PREFIX },
    now: () => new Date(),
  };
  const publisher = createSnsAlertPublisher({ sns: make(SNSClient, 'SNS'), topicArn: env.SESGUARD_ALERT_TOPIC_ARN, config });
  return { env, config, dynamodb, deps, publisher };
}
