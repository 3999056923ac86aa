import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createServiceClient, type MakeClient } from '../../lib/aws/client-factory.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import type { BaselineStore } from '../../lib/baseline/types.ts';
import { revokeSessionsPolicyName } from '../../lib/remediation/quarantine/revoke-sessions.ts';
import { setVerifyMaxWait } from '../../lib/remediation/quarantine/verify-event.ts';
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

/**
 * A function whose family never reverts a resource (every step acts on the actor, or it has none) keeps
 * no baselines and is not given the table (scripts/deploy). Its states record none; a call here is a
 * wiring defect, and it says so instead of writing somewhere it has no right to.
 */
const NO_BASELINES: BaselineStore = {
  get: () => Promise.resolve(undefined),
  put: () => Promise.reject(new Error('this function keeps no baselines (SESGUARD_BASELINE_TABLE is not set)')),
};

/** One family's guard: its clients, its reader and its repair steps, from the function's environment. */
export function createGuardRuntime(processEnv: NodeJS.ProcessEnv, family: Family, overrides: { config?: Config } = {}): GuardRuntime {
  const env = parseGuardEnv(processEnv);
  if (env.SESGUARD_VERIFY_WAIT_SECONDS !== undefined) setVerifyMaxWait(env.SESGUARD_VERIFY_WAIT_SECONDS * 1000);
  const config = overrides.config ?? loadBundledConfig();
  const make: MakeClient = (Client, service) => createServiceClient(Client, service, processEnv);
  const dynamodb = make(DynamoDBClient, 'DYNAMODB');
  const connection = family.connect(make);
  const deps: GuardDeps = {
    config,
    families: [family],
    readState: (change) => connection.read(change),
    baseline: env.SESGUARD_BASELINE_TABLE ? new DynamoBaselineStore({ client: dynamodb, tableName: env.SESGUARD_BASELINE_TABLE }) : NO_BASELINES,
    // The event path reads the state right before planning: that read is the read before writing.
    execute: (plan, context) => executePlan(plan, { senders: connection.senders, ...context, plannedJustRead: true, now: () => new Date() }),
    parseOptions: {
      ownRoleArns: env.SESGUARD_OWN_ROLE_ARNS,
      guardResourcePrefix: env.SESGUARD_RESOURCE_PREFIX,
      guardPolicyNames: [config.quarantinePolicyName, revokeSessionsPolicyName(config.quarantinePolicyName)],
      guardKeyArns: [env.SESGUARD_ALERT_KEY_ARN],
    },
    now: () => new Date(),
  };
  const publisher = createSnsAlertPublisher({ sns: make(SNSClient, 'SNS'), topicArn: env.SESGUARD_ALERT_TOPIC_ARN, config });
  return { env, config, dynamodb, deps, publisher };
}

/**
 * The idempotency record prefix of one family's decisions or alerts. The template confines each function
 * to its own records with `dynamodb:LeadingKeys` on these prefixes (scripts/deploy/iam-policy.ts).
 */
export function idempotencyKeyPrefix(what: 'decision' | 'alert', familyId: string): string {
  return `sesguard.${what}.${familyId}`;
}
