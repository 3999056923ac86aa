import { z } from 'zod';
import type { EventDestination } from '../state/types.ts';
import type { EventDestinationChange, SesApiVersion } from './types.ts';
import { canonicalKeys, malformed, parseParameters, type EventParser, type ParseContext, type ParserResult } from './event-parser.ts';

const SES = 'ses.amazonaws.com';

/** A nested object whose member names are matched case-insensitively (see canonicalKeys). */
function members<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(canonicalKeys(Object.keys(shape)), z.object(shape));
}

const arn = z.string().min(1);

/**
 * Both API generations' destination members, in SES v2 spelling. v1 has no EventBridge or Pinpoint
 * destination; a v1 event carrying one would be rejected by SES before CloudTrail recorded success.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_EventDestination.html
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestinationDefinition.html
 */
const destinationShape = {
  name: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  matchingEventTypes: z.array(z.string()).optional(),
  snsDestination: members({ topicArn: arn }).optional(),
  kinesisFirehoseDestination: members({ deliveryStreamArn: arn, iamRoleArn: arn }).optional(),
  cloudWatchDestination: members({ dimensionConfigurations: z.array(z.unknown()).default([]) }).optional(),
  eventBridgeDestination: members({ eventBusArn: arn }).optional(),
  pinpointDestination: members({ applicationArn: arn }).optional(),
};
const DestinationParam = members(destinationShape);

const Params = z.object({
  configurationSetName: z.string().min(1),
  eventDestinationName: z.string().min(1).optional(),
  eventDestination: DestinationParam,
});

/**
 * v1 event types are camel case (`renderingFailure`), v2 upper snake case (`RENDERING_FAILURE`); the
 * rules and the state reader speak v2.
 */
export function normaliseEventType(type: string): string {
  if (/^[A-Z0-9_]+$/.test(type)) return type;
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function parse(operation: EventDestinationChange['operation']) {
  return (ctx: ParseContext): ParserResult => {
    const p = parseParameters(Params, ctx);
    if (!p.ok) return p.skip;
    const { configurationSetName, eventDestinationName, eventDestination: d } = p.value;
    // The same event name serves both APIs; only v2 names the destination outside the definition.
    const apiVersion: SesApiVersion = eventDestinationName !== undefined ? 'v2' : 'v1';
    const name = eventDestinationName ?? d.name;
    if (name === undefined) {
      return malformed(ctx, 'detail.requestParameters.eventDestination.name: is required (SES v1) when eventDestinationName (SES v2) is absent');
    }
    const destination: EventDestination = {
      name,
      // SES treats an omitted Enabled as false.
      enabled: d.enabled ?? false,
      matchingEventTypes: (d.matchingEventTypes ?? []).map(normaliseEventType),
      ...(d.snsDestination && { snsDestination: { topicArn: d.snsDestination.topicArn } }),
      ...(d.kinesisFirehoseDestination && {
        kinesisFirehoseDestination: {
          deliveryStreamArn: d.kinesisFirehoseDestination.deliveryStreamArn,
          iamRoleArn: d.kinesisFirehoseDestination.iamRoleArn,
        },
      }),
      ...(d.eventBridgeDestination && { eventBridgeDestination: { eventBusArn: d.eventBridgeDestination.eventBusArn } }),
      ...(d.pinpointDestination && { pinpointDestination: { applicationArn: d.pinpointDestination.applicationArn } }),
      ...(d.cloudWatchDestination && {
        cloudWatchDestination: { dimensionConfigurations: d.cloudWatchDestination.dimensionConfigurations },
      }),
    };
    const change: EventDestinationChange = {
      ...ctx.base,
      family: 'event-destination',
      apiVersion,
      operation,
      target: { configurationSet: configurationSetName, destinationName: name },
      requestedDestination: destination,
    };
    return change;
  };
}

export const EVENT_DESTINATION_PARSERS: readonly EventParser[] = [
  { eventSource: SES, eventName: 'CreateConfigurationSetEventDestination', family: 'event-destination', parse: parse('create') },
  { eventSource: SES, eventName: 'UpdateConfigurationSetEventDestination', family: 'event-destination', parse: parse('update') },
];
