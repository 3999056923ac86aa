import { describe, expect, it } from 'vitest';
import { parseStoredDestination, toEventDestinationDefinition, UnwritableDestinationError } from './destination.ts';
import type { EventDestination } from './destination.ts';

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
      name: 'CloudWatch dimensions become SESv2 members',
      destination: { name: 'cw', enabled: true, matchingEventTypes: ['SEND'], cloudWatchDestination: { dimensionConfigurations: [{ dimensionName: 'campaign', dimensionValueSource: 'MESSAGE_TAG', defaultDimensionValue: 'none' }] } },
      expected: { Enabled: true, MatchingEventTypes: ['SEND'], CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'campaign', DimensionValueSource: 'MESSAGE_TAG', DefaultDimensionValue: 'none' }] } },
    },
  ])('$name', ({ destination, expected }) => {
    expect(toEventDestinationDefinition(destination)).toEqual(expected);
  });

  it.each<{ name: string; destination: EventDestination }>([
    { name: 'a CloudWatch dimension without a name', destination: { name: 'cw', enabled: true, matchingEventTypes: [], cloudWatchDestination: { dimensionConfigurations: [{ dimensionName: '', dimensionValueSource: 'MESSAGE_TAG', defaultDimensionValue: 'x' }] } } },
    { name: 'a dimension value source SESv2 does not know', destination: { name: 'cw', enabled: true, matchingEventTypes: [], cloudWatchDestination: { dimensionConfigurations: [{ dimensionName: 'c', dimensionValueSource: 'COOKIE', defaultDimensionValue: 'x' }] } } },
    { name: 'an event type SESv2 does not know', destination: { name: 'sns', enabled: true, matchingEventTypes: ['EVERYTHING'], snsDestination: { topicArn: 'arn:aws:sns:us-east-1:111122223333:t' } } },
  ])('refuses $name rather than send a definition SES would reject', ({ destination }) => {
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
