import { describe, expect, it } from 'vitest';
import { parseStoredDestination, toEventDestinationDefinition, UnwritableDestinationError } from './event-destination-definition.ts';
import type { EventDestination } from '../state/types.ts';

describe('toEventDestinationDefinition: the SESv2 EventDestinationDefinition that replaces a destination', () => {
  it.each<{ name: string; destination: EventDestination; expected: Record<string, unknown> }>([
    {
      name: 'Firehose carries both the stream and the role SES assumes',
      destination: { name: 'fh', enabled: true, matchingEventTypes: ['SEND'], kinesisFirehoseDestination: { deliveryStreamArn: 'arn:aws:firehose:us-east-1:111122223333:deliverystream/s', iamRoleArn: 'arn:aws:iam::111122223333:role/r' } },
      expected: { Enabled: true, MatchingEventTypes: ['SEND'], KinesisFirehoseDestination: { IamRoleArn: 'arn:aws:iam::111122223333:role/r', DeliveryStreamArn: 'arn:aws:firehose:us-east-1:111122223333:deliverystream/s' } },
    },
    {
      name: 'EventBridge and Pinpoint destinations (SESv2 only)',
      destination: { name: 'eb', enabled: false, matchingEventTypes: ['BOUNCE'], eventBridgeDestination: { eventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/default' }, pinpointDestination: { applicationArn: 'arn:aws:mobiletargeting:us-east-1:111122223333:apps/x' } },
      expected: { Enabled: false, MatchingEventTypes: ['BOUNCE'], EventBridgeDestination: { EventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/default' }, PinpointDestination: { ApplicationArn: 'arn:aws:mobiletargeting:us-east-1:111122223333:apps/x' } },
    },
    {
      name: 'CloudWatch dimensions from a v1 event (camel case, messageTag) become SESv2 members (MESSAGE_TAG)',
      destination: { name: 'cw', enabled: true, matchingEventTypes: ['SEND'], cloudWatchDestination: { dimensionConfigurations: [{ dimensionName: 'campaign', dimensionValueSource: 'messageTag', defaultDimensionValue: 'none' }] } },
      expected: { Enabled: true, MatchingEventTypes: ['SEND'], CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'campaign', DimensionValueSource: 'MESSAGE_TAG', DefaultDimensionValue: 'none' }] } },
    },
    {
      name: 'CloudWatch dimensions already in SESv2 spelling pass through',
      destination: { name: 'cw', enabled: true, matchingEventTypes: ['SEND'], cloudWatchDestination: { dimensionConfigurations: [{ DimensionName: 'c', DimensionValueSource: 'EMAIL_HEADER', DefaultDimensionValue: 'd' }] } },
      expected: { Enabled: true, MatchingEventTypes: ['SEND'], CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'c', DimensionValueSource: 'EMAIL_HEADER', DefaultDimensionValue: 'd' }] } },
    },
  ])('$name', ({ destination, expected }) => {
    expect(toEventDestinationDefinition(destination)).toEqual(expected);
  });

  it('refuses a CloudWatch dimension without a name rather than send a definition SES would reject', () => {
    const destination: EventDestination = { name: 'cw', enabled: true, matchingEventTypes: [], cloudWatchDestination: { dimensionConfigurations: [{ DimensionValueSource: 'MESSAGE_TAG' }] } };
    expect(() => toEventDestinationDefinition(destination)).toThrow(UnwritableDestinationError);
  });
});

describe('parseStoredDestination: a baseline record is data from a store, parsed not trusted', () => {
  it('reads back what baselineDocument stored', () => {
    const destination: EventDestination = { name: 'to-sns', enabled: true, matchingEventTypes: ['SEND'], snsDestination: { topicArn: 'arn:aws:sns:us-east-1:111122223333:t' } };
    expect(parseStoredDestination(JSON.stringify(destination))).toEqual({ ok: true, destination });
  });

  it.each([
    { name: 'not JSON', text: 'nope', error: /not valid JSON/ },
    { name: 'missing enabled', text: JSON.stringify({ name: 'x', matchingEventTypes: [] }), error: /enabled/ },
    { name: 'an SNS destination without a topic', text: JSON.stringify({ name: 'x', enabled: true, matchingEventTypes: [], snsDestination: {} }), error: /snsDestination\.topicArn/ },
  ])('names the field when the record is $name', ({ text, error }) => {
    const result = parseStoredDestination(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});
