import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createServiceClient, type MakeClient } from '../../lib/aws/client-factory.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import { executePlan } from '../../lib/remediation/execute.ts';
import { createSnsAlertPublisher, type AlertPublisher } from '../../lib/alert/publish.ts';
import type { Config } from '../../lib/config/schema.ts';
import type { Family } from '../../lib/families/family.ts';
import type { GuardDeps } from '../../lib/guard/decide.ts';
import { parseGuardEnv, type GuardEnv } from './env.ts';
import { loadBundledConfig } from './config.ts';

/** Everything a guard function builds once per cold start. */
export interface GuardRuntime {
  env: GuardEnv;
  config: Config;
  dynamodb: DynamoDBClient;
  deps: GuardDeps;
  publisher: AlertPublisher;
}

/** One family's guard: its clients, its reader and its repair steps, from the function's environment. */
export function createGuardRuntime(processEnv: NodeJS.ProcessEnv, family: Family, overrides: { config?: Config } = {}): GuardRuntime {
  const env = parseGuardEnv(processEnv);
  const config = overrides.config ?? loadBundledConfig();
  const make: MakeClient = (Client, service) => createServiceClient(Client, service, processEnv);
  const dynamodb = make(DynamoDBClient, 'DYNAMODB');
  const connection = family.connect(make);
  const deps: GuardDeps = {
    config,
    families: [family],
    readState: (change) => connection.read(change),
    baseline: new DynamoBaselineStore({ client: dynamodb, tableName: env.SESGUARD_BASELINE_TABLE }),
    execute: (plan, context) => executePlan(plan, { senders: connection.senders, ...context, now: () => new Date() }),
    parseOptions: { ownRoleArns: env.SESGUARD_OWN_ROLE_ARNS, guardResourcePrefix: env.SESGUARD_RESOURCE_PREFIX },
    now: () => new Date(),
  };
  const publisher = createSnsAlertPublisher({ sns: make(SNSClient, 'SNS'), topicArn: env.SESGUARD_ALERT_TOPIC_ARN, config });
  return { env, config, dynamodb, deps, publisher };
}
