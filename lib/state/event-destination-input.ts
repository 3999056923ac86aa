import { z } from 'zod';
import { canonicalKeys } from '../cloudtrail/event-parser.ts';
import type { EventDestination } from './types.ts';

/**
 * An event destination as a caller wrote it — in a CloudTrail record (lower camel case, v1 or v2) or in a
 * JSON file for `sesguard check` (the API's own PascalCase, v1 or v2). Member names are matched
 * case-insensitively, which also folds v1's spellings into v2's (SNSDestination/TopicARN → snsDestination/
 * topicArn, IAMRoleARN → iamRoleArn). v1 has no EventBridge or Pinpoint destination.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_EventDestination.html
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestinationDefinition.html
 */
function members<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(canonicalKeys(Object.keys(shape)), z.object(shape));
}

const arn = z.string().regex(/^arn:/, 'must be an ARN');

export const EventDestinationInputSchema = members({
  name: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  matchingEventTypes: z.array(z.string()).optional(),
  snsDestination: members({ topicArn: arn }).optional(),
  kinesisFirehoseDestination: members({ deliveryStreamArn: arn, iamRoleArn: arn }).optional(),
  cloudWatchDestination: members({ dimensionConfigurations: z.array(z.unknown()).default([]) }).optional(),
  eventBridgeDestination: members({ eventBusArn: arn }).optional(),
  pinpointDestination: members({ applicationArn: arn }).optional(),
});
export type EventDestinationInput = z.infer<typeof EventDestinationInputSchema>;

/**
 * v1 event types are camel case (`renderingFailure`), v2 upper snake case (`RENDERING_FAILURE`); the
 * rules and the state reader speak v2.
 */
export function normaliseEventType(type: string): string {
  if (/^[A-Z0-9_]+$/.test(type)) return type;
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * The guard's EventDestination from a parsed input. `enabledWhenAbsent`: SES treats an omitted Enabled as
 * false, which is what a recorded call did; a pre-deploy check judges it as enabled, so that leaving the
 * field out cannot make a destination pass.
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
    ...(d.cloudWatchDestination && { cloudWatchDestination: { dimensionConfigurations: d.cloudWatchDestination.dimensionConfigurations } }),
  };
}
