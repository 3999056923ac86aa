import type { EventDestination as SesEventDestination } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import type { EventDestination } from './types.ts';

/** An SESv2 GetConfigurationSetEventDestinations entry in the guard's shape (lib/state/types.ts). */
export function fromSesEventDestination(destination: SesEventDestination): EventDestination {
  const { SnsDestination, KinesisFirehoseDestination, EventBridgeDestination, PinpointDestination, CloudWatchDestination } = destination;
  return {
    name: destination.Name ?? '',
    // SES omits Enabled only when it is false (the API's default for a boolean).
    enabled: destination.Enabled ?? false,
    matchingEventTypes: [...(destination.MatchingEventTypes ?? [])],
    ...(SnsDestination?.TopicArn !== undefined && { snsDestination: { topicArn: SnsDestination.TopicArn } }),
    ...(KinesisFirehoseDestination && {
      kinesisFirehoseDestination: {
        deliveryStreamArn: KinesisFirehoseDestination.DeliveryStreamArn ?? '',
        iamRoleArn: KinesisFirehoseDestination.IamRoleArn ?? '',
      },
    }),
    ...(EventBridgeDestination?.EventBusArn !== undefined && { eventBridgeDestination: { eventBusArn: EventBridgeDestination.EventBusArn } }),
    ...(PinpointDestination?.ApplicationArn !== undefined && { pinpointDestination: { applicationArn: PinpointDestination.ApplicationArn } }),
    ...(CloudWatchDestination && {
      cloudWatchDestination: {
        dimensionConfigurations: (CloudWatchDestination.DimensionConfigurations ?? []).map((dimension) => ({
          dimensionName: dimension.DimensionName,
          dimensionValueSource: dimension.DimensionValueSource,
          defaultDimensionValue: dimension.DefaultDimensionValue,
        })),
      },
    }),
  };
}

/** The guard's EventDestination shape, for payloads and fixtures (lib/cloudtrail normalises v1 and v2 to it). */
export const EventDestinationSchema = z.object({
  name: z.string().min(1),
  enabled: z.boolean().default(false),
  matchingEventTypes: z.array(z.string()).default([]),
  snsDestination: z.object({ topicArn: z.string() }).optional(),
  kinesisFirehoseDestination: z.object({ deliveryStreamArn: z.string(), iamRoleArn: z.string() }).optional(),
  eventBridgeDestination: z.object({ eventBusArn: z.string() }).optional(),
  pinpointDestination: z.object({ applicationArn: z.string() }).optional(),
  cloudWatchDestination: z.object({ dimensionConfigurations: z.array(z.unknown()) }).optional(),
}) satisfies z.ZodType<EventDestination, unknown>;
