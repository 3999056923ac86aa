import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../config/schema.ts';
import type { EventDestination, EventDestinationState } from './types.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { ctx, OWN_ACCOUNT } from '../../rules/test-fixtures.ts';

const SET_ARN = `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:configuration-set/marketing`;

function state(destination: Partial<EventDestination> | null): EventDestinationState {
  return {
    kind: 'event-destination',
    configurationSet: 'marketing',
    configurationSetArn: SET_ARN,
    destination: destination === null ? null : { name: 'to-analytics', enabled: true, matchingEventTypes: ['SEND', 'BOUNCE'], ...destination },
  };
}

const cases: Array<{ name: string; destination: Partial<EventDestination> | null; config?: ConfigInput; flagged: RegExp | null }> = [
  { name: 'SNS topic in the own account is inside the perimeter', destination: { snsDestination: { topicArn: `arn:aws:sns:us-east-1:${OWN_ACCOUNT}:ses-events` } }, flagged: null },
  { name: 'SNS topic in another account leaks mail events', destination: { snsDestination: { topicArn: 'arn:aws:sns:us-east-1:999999999999:collector' } }, flagged: /SNS topic .*999999999999/ },
  {
    name: 'SNS topic in a configured trusted account is inside the perimeter',
    destination: { snsDestination: { topicArn: 'arn:aws:sns:us-east-1:111122223333:central-logs' } },
    config: { trustedAccounts: [OWN_ACCOUNT, '111122223333'] },
    flagged: null,
  },
  {
    name: 'Firehose stream in the own account but its role in another account (the role decides where data can go)',
    destination: {
      kinesisFirehoseDestination: { deliveryStreamArn: `arn:aws:firehose:us-east-1:${OWN_ACCOUNT}:deliverystream/s`, iamRoleArn: 'arn:aws:iam::999999999999:role/writer' },
    },
    flagged: /Firehose IAM role arn:aws:iam::999999999999:role\/writer/,
  },
  {
    name: 'Firehose stream in another account',
    destination: {
      kinesisFirehoseDestination: { deliveryStreamArn: 'arn:aws:firehose:us-east-1:999999999999:deliverystream/s', iamRoleArn: `arn:aws:iam::${OWN_ACCOUNT}:role/ses-firehose` },
    },
    flagged: /Firehose delivery stream/,
  },
  {
    name: 'EventBridge bus in another account is judged even though SESv2 only accepts the default bus of the same account',
    destination: { eventBridgeDestination: { eventBusArn: 'arn:aws:events:us-east-1:999999999999:event-bus/default' } },
    flagged: /EventBridge event bus/,
  },
  { name: 'EventBridge default bus of the own account', destination: { eventBridgeDestination: { eventBusArn: `arn:aws:events:us-east-1:${OWN_ACCOUNT}:event-bus/default` } }, flagged: null },
  { name: 'Pinpoint app in another account', destination: { pinpointDestination: { applicationArn: 'arn:aws:mobiletargeting:us-east-1:999999999999:apps/abc' } }, flagged: /Pinpoint application/ },
  { name: 'an ARN without an account cannot be trusted', destination: { snsDestination: { topicArn: 'arn:aws:sns:us-east-1::topic' } }, flagged: /names no account/ },
  { name: 'CloudWatch dimensions stay in the account', destination: { cloudWatchDestination: { dimensionConfigurations: [] } }, flagged: null },
  {
    name: 'a disabled destination sends nothing (enabling it is judged again)',
    destination: { enabled: false, snsDestination: { topicArn: 'arn:aws:sns:us-east-1:999999999999:collector' } },
    flagged: null,
  },
  { name: 'a destination that no longer exists has nothing to judge', destination: null, flagged: null },
];

describe('SES-EVD-001 event destination in an untrusted account', () => {
  it.each(cases)('$name', ({ destination, config, flagged }) => {
    const findings = judge(state(destination), ctx(config));
    if (flagged === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'SES-EVD-001',
      severity: 'high',
      action: 'remove-destination',
      resource: SET_ARN,
      fix: { kind: 'remove-destination', configurationSet: 'marketing', destinationName: 'to-analytics' },
    });
    expect(findings[0]?.reason).toMatch(flagged);
    expect(findings[0]?.reason).toMatch(/"to-analytics" of configuration set "marketing"/);
  });

  it('eventDestinationRemoval: disable makes the action disable-destination', () => {
    const findings = judge(state({ snsDestination: { topicArn: 'arn:aws:sns:us-east-1:999999999999:t' } }), ctx({ eventDestinationRemoval: 'disable' }));
    expect(findings.map((f) => f.action)).toEqual(['disable-destination']);
  });
});
