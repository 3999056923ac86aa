import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServiceClient, type MakeClient } from '../../lib/aws/client-factory.ts';
import { systemClock } from '../../lib/aws/clock.ts';
import { lazySnsClient } from '../../lib/aws/lazy-client.ts';
import { Pacer } from '../../lib/aws/paced-client.ts';
import { SES_BUDGET_KEY, SharedRateBucket } from '../../lib/aws/shared-rate-bucket.ts';
import { IDEMPOTENCY_TABLE_KEY } from '../../lib/guard/idempotency.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import type { BaselineStore } from '../../lib/baseline/types.ts';
import { guardPolicyNames } from '../../lib/remediation/quarantine/perimeter-deny.ts';
import { setVerifyMaxWait } from '../../lib/remediation/quarantine/verify-wait.ts';
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
  const plain: MakeClient = (Client, service) => createServiceClient(Client, service, processEnv);
  const dynamodb = plain(DynamoDBClient, 'DYNAMODB');
  const connection = family.connect(sesPaced(plain, processEnv, env, dynamodb, family.id));
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
      guardPolicyNames: guardPolicyNames(config.quarantinePolicyName),
      guardKeyArns: [env.SESGUARD_ALERT_KEY_ARN],
    },
    now: () => new Date(),
  };
  const publisher = createSnsAlertPublisher({ sns: lazySnsClient(plain), topicArn: env.SESGUARD_ALERT_TOPIC_ARN, config });
  return { env, config, dynamodb, deps, publisher };
}

/**
 * SES clients whose every call (reads, repairs, re-reads, retries) first takes a slot of the budget shared
 * with every other invocation and the sweep, when the template gives the function a rate. SES's quota is
 * per account and region and the table is the stack's (regional), so one item is the whole budget. The
 * SDK's own retries are off for them: a retry that did not wait for a slot would spend the budget twice;
 * the paced client retries, each attempt after its own slot (lib/aws/paced-client.ts).
 */
function sesPaced(make: MakeClient, processEnv: NodeJS.ProcessEnv, env: GuardEnv, dynamodb: DynamoDBClient, familyId: string): MakeClient {
  const rate = env.SESGUARD_SES_CALLS_PER_SECOND;
  if (rate === undefined) return make;
  const budget = new SharedRateBucket({
    client: dynamodb,
    tableName: env.SESGUARD_IDEMPOTENCY_TABLE,
    key: SES_BUDGET_KEY,
    keyAttribute: IDEMPOTENCY_TABLE_KEY.partitionKey,
    ttlAttribute: IDEMPOTENCY_TABLE_KEY.ttlAttribute,
    rate,
    clock: systemClock,
  });
  const pacer = new Pacer({ sesRate: rate, iamRate: rate, sharedGate: (service) => (service === 'SESV2' ? budget : undefined) }, systemClock);
  return (Client, service) => {
    if (service !== 'SESV2') return make(Client, service);
    const client = createServiceClient(Client, service, { ...processEnv, AWS_MAX_ATTEMPTS: '1' });
    return pacer.wrap(client as typeof client & object, service, processEnv.AWS_REGION ?? '', familyId);
  };
}

/**
 * The idempotency record prefix of one family's decisions or alerts. The template confines each function
 * to its own records with `dynamodb:LeadingKeys` on these prefixes (scripts/deploy/iam-policy.ts).
 */
export function idempotencyKeyPrefix(what: 'decision' | 'alert', familyId: string): string {
  return `sesguard.${what}.${familyId}`;
}
