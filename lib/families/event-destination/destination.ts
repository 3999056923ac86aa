import type {
  CloudWatchDimensionConfiguration,
  DimensionValueSource,
  EventType,
  EventDestination as SdkEventDestination,
  EventDestinationDefinition,
} from '@aws-sdk/client-sesv2';
import * as z from '../../zod.ts';
import { canonicalKeys } from '../../cloudtrail/event-parser.ts';
import { describeZodIssues } from '../../zod-issues.ts';

/**
 * The one representation of an SES configuration-set event destination, in the SESv2 shape (v1 events and
 * v1 check files are normalised to it). Every other form — a CloudTrail request, a check file, the SDK's
 * read shape, the SDK's write shape, a baseline record — converts to or from this, here and nowhere else.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestinationDefinition.html
 */
export interface CloudWatchDimension {
  dimensionName: string;
  /** SESv2 spelling: MESSAGE_TAG, EMAIL_HEADER or LINK_TAG. */
  dimensionValueSource: string;
  defaultDimensionValue: string;
}

export interface EventDestination {
  name: string;
  enabled: boolean;
  /** SESv2 spelling (RENDERING_FAILURE), whatever the caller wrote. */
  matchingEventTypes: string[];
  snsDestination?: { topicArn: string };
  kinesisFirehoseDestination?: { deliveryStreamArn: string; iamRoleArn: string };
  eventBridgeDestination?: { eventBusArn: string };
  pinpointDestination?: { applicationArn: string };
  cloudWatchDestination?: { dimensionConfigurations: CloudWatchDimension[] };
}

/**
 * v1 event types are camel case (`renderingFailure`), v2 upper snake case (`RENDERING_FAILURE`); the rules
 * and the state reader speak v2. The same holds for a dimension's value source (messageTag / MESSAGE_TAG).
 */
export function normaliseEventType(type: string): string {
  if (/^[A-Z0-9_]+$/.test(type)) return type;
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const arn = z.string().check(z.regex(/^arn:/, 'must be an ARN'));
const required = z.string().check(z.minLength(1, 'is required'));

const CloudWatchDimensionSchema = z.object({
  dimensionName: required,
  dimensionValueSource: z.pipe(required, z.transform(normaliseEventType)),
  defaultDimensionValue: required,
});

/** A stored or replayed destination in this representation, parsed, never trusted. */
export const EventDestinationSchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  enabled: z.boolean(),
  matchingEventTypes: z.array(z.string()),
  snsDestination: z.optional(z.strictObject({ topicArn: arn })),
  kinesisFirehoseDestination: z.optional(z.strictObject({ deliveryStreamArn: arn, iamRoleArn: arn })),
  eventBridgeDestination: z.optional(z.strictObject({ eventBusArn: arn })),
  pinpointDestination: z.optional(z.strictObject({ applicationArn: arn })),
  cloudWatchDestination: z.optional(z.strictObject({ dimensionConfigurations: z.array(z.strictObject(CloudWatchDimensionSchema.shape)) })),
}) satisfies z.ZodMiniType<EventDestination, unknown>;

/**
 * An event destination as a caller wrote it — in a CloudTrail record (lower camel case, v1 or v2) or in a
 * JSON file for `sesguard check` (the API's own PascalCase, v1 or v2). Member names are matched
 * case-insensitively, which also folds v1's spellings into v2's (SNSDestination/TopicARN -> snsDestination/
 * topicArn, IAMRoleARN -> iamRoleArn). v1 has no EventBridge or Pinpoint destination.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_EventDestination.html
 */
function members<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.pipe(z.transform(canonicalKeys(Object.keys(shape))), z.object(shape));
}

export const EventDestinationInputSchema = members({
  name: z.optional(z.string().check(z.minLength(1))),
  enabled: z.optional(z.boolean()),
  matchingEventTypes: z.optional(z.array(z.string())),
  snsDestination: z.optional(members({ topicArn: arn })),
  kinesisFirehoseDestination: z.optional(members({ deliveryStreamArn: arn, iamRoleArn: arn })),
  cloudWatchDestination: z.optional(members({ dimensionConfigurations: z._default(z.array(members(CloudWatchDimensionSchema.shape)), []) })),
  eventBridgeDestination: z.optional(members({ eventBusArn: arn })),
  pinpointDestination: z.optional(members({ applicationArn: arn })),
});
export type EventDestinationInput = z.infer<typeof EventDestinationInputSchema>;

/**
 * The destination a caller's input describes. `enabledWhenAbsent`: SES treats an omitted Enabled as false,
 * which is what a recorded call did; a pre-deploy check judges it as enabled, so that leaving the field
 * out cannot make a destination pass.
 */
export function toEventDestination(d: EventDestinationInput, name: string, enabledWhenAbsent: boolean): EventDestination {
  return {
    name,
    enabled: d.enabled ?? enabledWhenAbsent,
    matchingEventTypes: (d.matchingEventTypes ?? []).map(normaliseEventType),
    ...(d.snsDestination && { snsDestination: { topicArn: d.snsDestination.topicArn } }),
    ...(d.kinesisFirehoseDestination && {
      kinesisFirehoseDestination: { deliveryStreamArn: d.kinesisFirehoseDestination.deliveryStreamArn, iamRoleArn: d.kinesisFirehoseDestination.iamRoleArn },
    }),
    ...(d.eventBridgeDestination && { eventBridgeDestination: { eventBusArn: d.eventBridgeDestination.eventBusArn } }),
    ...(d.pinpointDestination && { pinpointDestination: { applicationArn: d.pinpointDestination.applicationArn } }),
    ...(d.cloudWatchDestination && { cloudWatchDestination: { dimensionConfigurations: d.cloudWatchDestination.dimensionConfigurations.map((c) => ({ ...c })) } }),
  };
}

/** A GetConfigurationSetEventDestinations entry. SES omits Enabled only when it is false (a boolean's default). */
export function fromSesEventDestination(destination: SdkEventDestination): EventDestination {
  const { SnsDestination, KinesisFirehoseDestination, EventBridgeDestination, PinpointDestination, CloudWatchDestination } = destination;
  return {
    name: destination.Name ?? '',
    enabled: destination.Enabled ?? false,
    matchingEventTypes: [...(destination.MatchingEventTypes ?? [])],
    // A member SES returns without its ARN is kept with an empty one: the state facet reports it as
    // unreadable (dropping it would make a destination nobody can judge look compliant).
    ...(SnsDestination && { snsDestination: { topicArn: SnsDestination.TopicArn ?? '' } }),
    ...(KinesisFirehoseDestination && {
      kinesisFirehoseDestination: {
        deliveryStreamArn: KinesisFirehoseDestination.DeliveryStreamArn ?? '',
        iamRoleArn: KinesisFirehoseDestination.IamRoleArn ?? '',
      },
    }),
    ...(EventBridgeDestination && { eventBridgeDestination: { eventBusArn: EventBridgeDestination.EventBusArn ?? '' } }),
    ...(PinpointDestination && { pinpointDestination: { applicationArn: PinpointDestination.ApplicationArn ?? '' } }),
    ...(CloudWatchDestination && {
      cloudWatchDestination: {
        dimensionConfigurations: (CloudWatchDestination.DimensionConfigurations ?? []).map((dimension) => ({
          dimensionName: dimension.DimensionName ?? '',
          dimensionValueSource: dimension.DimensionValueSource ?? '',
          defaultDimensionValue: dimension.DefaultDimensionValue ?? '',
        })),
      },
    }),
  };
}

/** A destination definition that cannot be written back as it is (e.g. a CloudWatch dimension without a name). */
export class UnwritableDestinationError extends Error {
  override readonly name = 'UnwritableDestinationError';
}

/**
 * SESv2's DimensionValueSource and EventType values, spelt out rather than read from the SDK's enum objects so
 * that `sesguard check` (which judges event destinations offline) loads no SDK module; destination.test.ts
 * holds them equal to the SDK's.
 */
export const VALUE_SOURCES: readonly DimensionValueSource[] = ['EMAIL_HEADER', 'LINK_TAG', 'MESSAGE_TAG'];
export const EVENT_TYPES: readonly EventType[] = ['BOUNCE', 'CLICK', 'COMPLAINT', 'DELIVERY', 'DELIVERY_DELAY', 'OPEN', 'REJECT', 'RENDERING_FAILURE', 'SEND', 'SUBSCRIPTION'];

function isValueSource(value: string): value is DimensionValueSource {
  return (VALUE_SOURCES as readonly string[]).includes(value);
}

function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

function dimensionDefinition(d: CloudWatchDimension, index: number): CloudWatchDimensionConfiguration {
  for (const [member, value] of [['DimensionName', d.dimensionName], ['DefaultDimensionValue', d.defaultDimensionValue]] as const) {
    if (value.length === 0) throw new UnwritableDestinationError(`CloudWatch dimension ${index} has no ${member}`);
  }
  const source = d.dimensionValueSource;
  if (!isValueSource(source)) throw new UnwritableDestinationError(`CloudWatch dimension ${index} has DimensionValueSource "${source}", not one of ${VALUE_SOURCES.join(', ')}`);
  return { DimensionName: d.dimensionName, DimensionValueSource: source, DefaultDimensionValue: d.defaultDimensionValue };
}

function eventTypes(types: readonly string[]): EventType[] {
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0) throw new UnwritableDestinationError(`event type ${unknown.join(', ')} is not one SESv2 accepts (${EVENT_TYPES.join(', ')})`);
  return types.filter(isEventType);
}

/**
 * The SESv2 EventDestinationDefinition for UpdateConfigurationSetEventDestination, which replaces the
 * whole definition: every member the destination has must be sent, or it is lost.
 */
export function toEventDestinationDefinition(destination: EventDestination): EventDestinationDefinition {
  return {
    Enabled: destination.enabled,
    MatchingEventTypes: eventTypes(destination.matchingEventTypes),
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
      CloudWatchDestination: { DimensionConfigurations: destination.cloudWatchDestination.dimensionConfigurations.map(dimensionDefinition) },
    }),
  };
}

/** Reads back a stored (baseline) or replayed destination; errors name the field. */
export function parseEventDestination(value: unknown): { ok: true; destination: EventDestination } | { ok: false; error: string } {
  const result = EventDestinationSchema.safeParse(value);
  if (!result.success) return { ok: false, error: describeZodIssues(result.error).join('; ') };
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
      ...(d.cloudWatchDestination && { cloudWatchDestination: d.cloudWatchDestination }),
    },
  };
}

/** A baseline record's text (JSON of this representation). */
export function parseStoredDestination(text: string): { ok: true; destination: EventDestination } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `is not valid JSON: ${(error as Error).message}` };
  }
  return parseEventDestination(value);
}
