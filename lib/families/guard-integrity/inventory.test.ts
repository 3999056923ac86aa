import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeRuleCommand, EventBridgeClient, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { judgeAll, ctx } from '../../rules/test-fixtures.ts';
import { testMakeClient } from '../../sweep/test-fixtures.ts';
import { guardIntegrityInventory } from './inventory.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:sesguard-prod-alerts';
const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
afterEach(() => {
  events.reset();
  lambda.reset();
  sns.reset();
});

const where = {
  accountId: '111122223333',
  region: 'eu-west-1',
  changeBase: (key: string) => ({ eventId: `sweep:s:${key}`, eventName: 'SesguardSweep', eventSource: 'sesguard.sweep', eventTime: '2026-11-24T06:00:00Z', region: 'eu-west-1', accountId: '111122223333', actor: { type: 'AWSService' as const, invokedBy: 'sesguard sweep' } }),
  guard: { prefix: 'sesguard-prod-', functions: ['sesguard-prod-identity-policy', 'sesguard-prod-sweep'], rules: ['sesguard-prod-identity-policy', 'sesguard-prod-guard-integrity'], alertTopicArn: TOPIC },
};

async function drift(): Promise<string[]> {
  const page = await guardIntegrityInventory.connect(testMakeClient('eu-west-1'), where).page(undefined);
  const items = (await Promise.all(page.entries.map((e) => e.items()))).flat();
  return items.map((i) => i.change.effect);
}

describe('guard-integrity inventory: the guard as deployed', () => {
  it('finds nothing to judge when every rule is enabled, every function can run and the topic has a subscriber', async () => {
    events.on(DescribeRuleCommand).resolves({ State: 'ENABLED' });
    lambda.on(GetFunctionConfigurationCommand).resolves({ State: 'Active' });
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: {} });
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: `${TOPIC}:1a2b`, Protocol: 'https' }] });
    expect(await drift()).toEqual([]);
    expect(events.commandCalls(DescribeRuleCommand).map((c) => c.args[0].input.Name).sort()).toEqual(where.guard.rules.slice().sort());
  });

  it('turns a disabled or deleted rule, a function at concurrency 0 and a topic nobody receives into GUARD-001 findings', async () => {
    events.on(DescribeRuleCommand, { Name: 'sesguard-prod-identity-policy' }).resolves({ State: 'DISABLED' });
    events.on(DescribeRuleCommand, { Name: 'sesguard-prod-guard-integrity' }).rejects(new ResourceNotFoundException({ message: 'Rule does not exist', $metadata: {} }));
    lambda.on(GetFunctionConfigurationCommand).resolves({ State: 'Active' });
    lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'sesguard-prod-sweep' }).resolves({ ReservedConcurrentExecutions: 0 });
    lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'sesguard-prod-identity-policy' }).resolves({});
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: {} });
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email' }] });
    const effects = await drift();
    expect(effects.sort()).toEqual([
      "found the guard's EventBridge rule sesguard-prod-guard-integrity missing: its changes no longer reach the guard",
      "found the guard's EventBridge rule sesguard-prod-identity-policy DISABLED: its changes no longer reach the guard",
      "found the guard's Lambda function sesguard-prod-sweep with a reserved concurrency of 0, so it can never run",
      `found the guard's alert topic ${TOPIC} with no confirmed subscription: its alerts reach no one`,
    ]);
    const page = await guardIntegrityInventory.connect(testMakeClient('eu-west-1'), where).page(undefined);
    const [item] = (await Promise.all(page.entries.map((e) => e.items()))).flat();
    const [finding] = judgeAll(item!.state!, ctx());
    expect(finding).toMatchObject({ ruleId: 'GUARD-001', severity: 'critical' });
  });

  it('checks nothing when the sweep was not told what was deployed (the CLI)', async () => {
    const { guard: _guard, ...noGuard } = where;
    const page = await guardIntegrityInventory.connect(testMakeClient('eu-west-1'), noGuard).page(undefined);
    expect(page.entries).toEqual([]);
  });
});
