import { describe, expect, it } from 'vitest';
import { DimensionValueSource, EventType } from '@aws-sdk/client-sesv2';
import { EVENT_TYPES, EventDestinationInputSchema, fromSesEventDestination, normaliseEventType, toEventDestination, VALUE_SOURCES } from './destination.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:444455556666:mail-events';

describe('event destination input: one normaliser for CloudTrail records and check files, v1 and v2', () => {
  it.each([
    { name: 'v2 as the API spells it (check file)', input: { Enabled: true, MatchingEventTypes: ['BOUNCE'], SnsDestination: { TopicArn: TOPIC } } },
    { name: 'v1 as the API spells it (SNSDestination/TopicARN)', input: { Enabled: true, MatchingEventTypes: ['bounce'], SNSDestination: { TopicARN: TOPIC } } },
    { name: 'v1 as CloudTrail records it (lower camel case)', input: { enabled: true, matchingEventTypes: ['bounce'], sNSDestination: { topicARN: TOPIC } } },
  ])('$name gives the same destination', ({ input }) => {
    const parsed = EventDestinationInputSchema.parse(input);
    expect(toEventDestination(parsed, 'all-events', false)).toEqual({ name: 'all-events', enabled: true, matchingEventTypes: ['BOUNCE'], snsDestination: { topicArn: TOPIC } });
  });

  it('v1 Firehose IAMRoleARN/DeliveryStreamARN fold into the v2 names', () => {
    const parsed = EventDestinationInputSchema.parse({ KinesisFirehoseDestination: { IAMRoleARN: 'arn:aws:iam::1:role/r', DeliveryStreamARN: 'arn:aws:firehose:eu-west-1:1:deliverystream/s' } });
    expect(toEventDestination(parsed, 'f', false).kinesisFirehoseDestination).toEqual({ iamRoleArn: 'arn:aws:iam::1:role/r', deliveryStreamArn: 'arn:aws:firehose:eu-west-1:1:deliverystream/s' });
  });

  it('an omitted Enabled is what the caller chooses: false for a recorded call (SES default), true for a pre-deploy check', () => {
    const parsed = EventDestinationInputSchema.parse({ SnsDestination: { TopicArn: TOPIC } });
    expect(toEventDestination(parsed, 'd', false).enabled).toBe(false);
    expect(toEventDestination(parsed, 'd', true).enabled).toBe(true);
  });

  it('a destination that is not an ARN is rejected, naming the field', () => {
    const result = EventDestinationInputSchema.safeParse({ SnsDestination: { TopicArn: 'mail-events' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['snsDestination', 'topicArn'], message: 'must be an ARN' });
  });

  it('v1 CloudWatch dimensions (messageTag) become the SESv2 value source (MESSAGE_TAG), whatever the member casing', () => {
    const parsed = EventDestinationInputSchema.parse({ cloudWatchDestination: { dimensionConfigurations: [{ dimensionName: 'campaign', dimensionValueSource: 'messageTag', defaultDimensionValue: 'none' }] } });
    expect(toEventDestination(parsed, 'cw', false).cloudWatchDestination).toEqual({ dimensionConfigurations: [{ dimensionName: 'campaign', dimensionValueSource: 'MESSAGE_TAG', defaultDimensionValue: 'none' }] });
    const v2 = EventDestinationInputSchema.parse({ CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'c', DimensionValueSource: 'EMAIL_HEADER', DefaultDimensionValue: 'd' }] } });
    expect(toEventDestination(v2, 'cw', false).cloudWatchDestination).toEqual({ dimensionConfigurations: [{ dimensionName: 'c', dimensionValueSource: 'EMAIL_HEADER', defaultDimensionValue: 'd' }] });
  });

  it('a CloudWatch dimension without its required members is rejected, naming the member', () => {
    const result = EventDestinationInputSchema.safeParse({ CloudWatchDestination: { DimensionConfigurations: [{ DimensionValueSource: 'MESSAGE_TAG' }] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['cloudWatchDestination.dimensionConfigurations.0.dimensionName', 'cloudWatchDestination.dimensionConfigurations.0.defaultDimensionValue']);
  });

  it.each([
    ['renderingFailure', 'RENDERING_FAILURE'],
    ['deliveryDelay', 'DELIVERY_DELAY'],
    ['BOUNCE', 'BOUNCE'],
    ['send', 'SEND'],
  ])('event type %s is %s in v2 spelling', (v1, v2) => {
    expect(normaliseEventType(v1)).toBe(v2);
  });
});

describe('a destination SES returns without the ARN it sends to is unreadable: invalid, never compliant', () => {
  it.each([
    { name: 'SNS without TopicArn', member: { SnsDestination: {} } },
    { name: 'EventBridge without EventBusArn', member: { EventBridgeDestination: {} } },
    { name: 'Pinpoint without ApplicationArn', member: { PinpointDestination: {} } },
    { name: 'Firehose without its role', member: { KinesisFirehoseDestination: { DeliveryStreamArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/s' } } },
  ])('$name', async ({ member }) => {
    const { default: family } = await import('./index.ts');
    // The SDK types these members as required; a response is still untrusted input, so test it without them.
    const destination = fromSesEventDestination({ Name: 'd', Enabled: true, MatchingEventTypes: ['SEND'], ...member } as Parameters<typeof fromSesEventDestination>[0]);
    const state = { kind: 'event-destination' as const, configurationSet: 'c', configurationSetArn: 'arn:aws:ses:eu-west-1:111122223333:configuration-set/c', destination };
    expect(family.states['event-destination'].unreadable(state)).toEqual([expect.stringMatching(/^event destination "d" of configuration set "c": .* has no ARN/)]);
  });
});

describe('the SESv2 enum values the destination code spells out', () => {
  it('are exactly the SDK\'s DimensionValueSource and EventType', () => {
    expect([...VALUE_SOURCES].sort()).toEqual(Object.values(DimensionValueSource).sort());
    expect([...EVENT_TYPES].sort()).toEqual(Object.values(EventType).sort());
  });
});
