import { z } from 'zod';
import type { EventDestination } from '../state/types.ts';
import { describeZodIssues } from '../zod-issues.ts';

/** A destination definition that cannot be written back as it is (e.g. a CloudWatch dimension without a name). */
export class UnwritableDestinationError extends Error {
  override readonly name = 'UnwritableDestinationError';
}

const arn = z.string().min(1);

/** The shape `baselineDocument` stores for an event destination (lib/state EventDestination). */
const StoredDestination = z.object({
  name: z.string().min(1),
  enabled: z.boolean(),
  matchingEventTypes: z.array(z.string()),
  snsDestination: z.object({ topicArn: arn }).optional(),
  kinesisFirehoseDestination: z.object({ deliveryStreamArn: arn, iamRoleArn: arn }).optional(),
  eventBridgeDestination: z.object({ eventBusArn: arn }).optional(),
  pinpointDestination: z.object({ applicationArn: arn }).optional(),
  cloudWatchDestination: z.object({ dimensionConfigurations: z.array(z.unknown()) }).optional(),
});

/** Parses a stored last-known-good destination; errors name the field. */
export function parseStoredDestination(text: string): { ok: true; destination: EventDestination } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `is not valid JSON: ${(error as Error).message}` };
  }
  const result = StoredDestination.safeParse(value);
  if (!result.success) {
    return { ok: false, error: describeZodIssues(result.error).join('; ') };
  }
  const d = result.data;
  return {
    ok: true,
    destination: {
      name: d.name,
      enabled: d.enabled,
      matchingEventTypes: d.matchingEventTypes,
      ...(d.snsDestination && { snsDestination: d.snsDestination }),
      ...(d.kinesisFirehoseDestination && { kinesisFirehoseDestination: d.kinesisFirehoseDestination }),
      ...(d.eventBridgeDestination && { eventBridgeDestination: d.eventBridgeDestination }),
      ...(d.pinpointDestination && { pinpointDestination: d.pinpointDestination }),
      ...(d.cloudWatchDestination && { cloudWatchDestination: { dimensionConfigurations: d.cloudWatchDestination.dimensionConfigurations } }),
    },
  };
}

/** Reads a member whatever its casing: v1 events, v2 events and the SDK spell dimension members differently. */
function member(value: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : value[key];
}

function dimensionOf(value: unknown, index: number): Record<string, string> {
  if (typeof value !== 'object' || value === null) throw new UnwritableDestinationError(`CloudWatch dimension ${index} is not an object`);
  const record = value as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const name of ['DimensionName', 'DimensionValueSource', 'DefaultDimensionValue']) {
    const v = member(record, name);
    if (typeof v !== 'string' || v.length === 0) throw new UnwritableDestinationError(`CloudWatch dimension ${index} has no ${name}`);
    out[name] = v;
  }
  // v1 spells the source in camel case (messageTag), v2 in upper case (MESSAGE_TAG).
  out['DimensionValueSource'] = (out['DimensionValueSource'] ?? '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  return out;
}

/**
 * The SESv2 EventDestinationDefinition for UpdateConfigurationSetEventDestination, which replaces the
 * whole definition: every member the destination has must be sent, or it is lost.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestinationDefinition.html
 */
export function toEventDestinationDefinition(destination: EventDestination): Record<string, unknown> {
  return {
    Enabled: destination.enabled,
    MatchingEventTypes: [...destination.matchingEventTypes],
    ...(destination.snsDestination && { SnsDestination: { TopicArn: destination.snsDestination.topicArn } }),
    ...(destination.kinesisFirehoseDestination && {
      KinesisFirehoseDestination: {
        IamRoleArn: destination.kinesisFirehoseDestination.iamRoleArn,
        DeliveryStreamArn: destination.kinesisFirehoseDestination.deliveryStreamArn,
      },
    }),
    ...(destination.eventBridgeDestination && { EventBridgeDestination: { EventBusArn: destination.eventBridgeDestination.eventBusArn } }),
    ...(destination.pinpointDestination && { PinpointDestination: { ApplicationArn: destination.pinpointDestination.applicationArn } }),
    ...(destination.cloudWatchDestination && {
      CloudWatchDestination: { DimensionConfigurations: destination.cloudWatchDestination.dimensionConfigurations.map(dimensionOf) },
    }),
  };
}
