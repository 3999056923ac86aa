import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { isNotFound } from '../../aws/errors.ts';
import { collectPages } from '../../aws/pagination.ts';
import type { FamilyInventory, InventoryEntry, InventoryScope } from '../family.ts';
import type { GuardIntegrityChange, GuardIntegrityState } from './types.ts';

/**
 * The guard's own resources as deployed (GUARD-001), checked with read calls on those resources only:
 * - each EventBridge rule exists and is ENABLED (events:DescribeRule): a disabled rule is a blind function;
 * - each Lambda function exists (lambda:GetFunctionConfiguration) and has not been throttled to nothing by a
 *   reserved concurrency of 0 (lambda:GetFunctionConcurrency);
 * - the alert topic exists (sns:GetTopicAttributes) and has at least one confirmed subscription
 *   (sns:ListSubscriptionsByTopic): a topic nobody receives is a guard that fails silently.
 * What the event path sees of these (DisableRule, DeleteFunction, Unsubscribe...) it alerts on at once; the
 * sweep catches what happened while no event arrived (an event lost, a change before the guard existed).
 * Not checked here (each would add a client and a read permission for little the events do not already say):
 * CloudWatch alarm actions, the dead-letter queue, the KMS key, CloudTrail trails and the sweep's own schedule.
 * Drift becomes one Change per resource, judged by GUARD-001 like a tampering event; a resource in place
 * gives nothing to judge.
 */
const NOT_FOUND_NAMES = new Set(['ResourceNotFoundException']);
const gone = (error: unknown): boolean => isNotFound(error) || (error instanceof Error && NOT_FOUND_NAMES.has(error.name));

type Check = { resourceType: GuardIntegrityChange['resourceType']; name: string; resource: string; inspect: () => Promise<string | undefined> };

function entryOf(check: Check, where: InventoryScope): InventoryEntry<GuardIntegrityChange, GuardIntegrityState> {
  return {
    key: `${check.resourceType}/${check.name}`,
    resource: check.resource,
    async items() {
      const effect = await check.inspect();
      if (effect === undefined) return [];
      const change: GuardIntegrityChange = {
        ...where.changeBase(`${check.resourceType}/${check.name}`),
        family: 'guard-integrity',
        resourceType: check.resourceType,
        resourceName: check.name,
        effect,
      };
      return [{ change, state: { kind: 'guard-integrity', change } }];
    },
  };
}

export const guardIntegrityInventory: FamilyInventory<GuardIntegrityChange, GuardIntegrityState> = {
  scope: 'regional',
  connect(make, where) {
    const guard = where.guard;
    return {
      async page() {
        if (!guard) return { entries: [], sorted: true };
        const events = make(EventBridgeClient, 'EVENTBRIDGE');
        const lambda = make(LambdaClient, 'LAMBDA');
        const sns = make(SNSClient, 'SNS');
        const checks: Check[] = [
          ...guard.rules.map(
            (name): Check => ({
              resourceType: 'events-rule',
              name,
              resource: `rule/${name}`,
              async inspect() {
                try {
                  const rule = await events.send(new DescribeRuleCommand({ Name: name }));
                  return rule.State === 'ENABLED' ? undefined : `found the guard's EventBridge rule ${name} ${rule.State ?? 'in no state'}: its changes no longer reach the guard`;
                } catch (error) {
                  if (gone(error)) return `found the guard's EventBridge rule ${name} missing: its changes no longer reach the guard`;
                  throw error;
                }
              },
            }),
          ),
          ...guard.functions.map(
            (name): Check => ({
              resourceType: 'lambda-function',
              name,
              resource: `function/${name}`,
              async inspect() {
                try {
                  await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
                } catch (error) {
                  if (gone(error)) return `found the guard's Lambda function ${name} missing`;
                  throw error;
                }
                const { ReservedConcurrentExecutions } = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
                return ReservedConcurrentExecutions === 0 ? `found the guard's Lambda function ${name} with a reserved concurrency of 0, so it can never run` : undefined;
              },
            }),
          ),
          ...(guard.alertTopicArn === undefined
            ? []
            : [
                {
                  resourceType: 'sns-topic' as const,
                  name: guard.alertTopicArn,
                  resource: guard.alertTopicArn,
                  async inspect() {
                    const topicArn = guard.alertTopicArn ?? '';
                    try {
                      await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
                    } catch (error) {
                      if (gone(error)) return `found the guard's alert topic ${topicArn} missing: no alert is delivered`;
                      throw error;
                    }
                    const pages = await collectPages(async (marker) => {
                      const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(marker !== undefined && { NextToken: marker }) }));
                      return { ...out, IsTruncated: out.NextToken !== undefined, ...(out.NextToken !== undefined && { Marker: out.NextToken }) };
                    });
                    const confirmed = pages.flatMap((p) => p.Subscriptions ?? []).filter((s) => s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation');
                    return confirmed.length === 0 ? `found the guard's alert topic ${topicArn} with no confirmed subscription: its alerts reach no one` : undefined;
                  },
                },
              ]),
        ];
        const entries = checks.map((check) => entryOf(check, where)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        return { entries, sorted: true };
      },
    };
  },
};
