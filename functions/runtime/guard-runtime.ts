import { createAwsClients, type AwsClients } from '../../lib/aws/client-factory.ts';
import { createAwsStateReader } from '../../lib/state/aws-state-reader.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import { executePlan } from '../../lib/remediation/execute.ts';
import { createSnsAlertPublisher, type AlertPublisher } from '../../lib/alert/publish.ts';
import type { Config } from '../../lib/config/schema.ts';
import type { GuardDeps } from '../../lib/guard/pipeline.ts';
import { parseGuardEnv, type GuardEnv } from './env.ts';
import { loadRuntimeConfig } from './config.ts';

/** Everything a guard function builds once per cold start. */
export interface GuardRuntime {
  env: GuardEnv;
  config: Config;
  clients: AwsClients;
  deps: GuardDeps;
  publisher: AlertPublisher;
}

export function createGuardRuntime(processEnv: NodeJS.ProcessEnv, clients: AwsClients = createAwsClients(processEnv)): GuardRuntime {
  const env = parseGuardEnv(processEnv);
  const config = loadRuntimeConfig(env.SESGUARD_CONFIG_PATH);
  const deps: GuardDeps = {
    config,
    stateReader: createAwsStateReader(clients),
    baseline: new DynamoBaselineStore({ client: clients.dynamodb, tableName: env.SESGUARD_BASELINE_TABLE }),
    execute: (plan, context) => executePlan(plan, { clients, ...context, now: () => new Date() }),
    parseOptions: { ownRoleArns: env.SESGUARD_OWN_ROLE_ARNS, guardResourcePrefix: env.SESGUARD_RESOURCE_PREFIX },
    now: () => new Date(),
  };
  const publisher = createSnsAlertPublisher({ sns: clients.sns, topicArn: env.SESGUARD_ALERT_TOPIC_ARN, config });
  return { env, config, clients, deps, publisher };
}
