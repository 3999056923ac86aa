import { basename } from 'node:path';
import { InvalidInputError, type CheckInput } from '../family.ts';
import { accountFor, isRecord, regionOf, unknownMembers, type MemberTree } from '../check-helpers.ts';
import { describeZodIssues } from '../../zod-issues.ts';
import { EventDestinationInputSchema, toEventDestination, type EventDestination } from './destination.ts';
import { configurationSetArn } from '../../aws/arns.ts';
import type { EventDestinationState } from './types.ts';

/**
 * What an event destination may hold: SESv2's EventDestinationDefinition, v1's EventDestination (its
 * SNSDestination/TopicARN/IAMRoleARN spellings match case-insensitively, as the parser folds them) and
 * CloudFormation's AWS::SES::ConfigurationSetEventDestination EventDestination, which uses the same names.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestinationDefinition.html
 */
const DESTINATIONS: MemberTree = {
  SnsDestination: { TopicArn: true },
  KinesisFirehoseDestination: { DeliveryStreamArn: true, IamRoleArn: true },
  EventBridgeDestination: { EventBusArn: true },
  PinpointDestination: { ApplicationArn: true },
  CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: true, DimensionValueSource: true, DefaultDimensionValue: true }] },
};
const DESTINATION_MEMBERS: MemberTree = { Name: true, Enabled: true, MatchingEventTypes: true, ...DESTINATIONS };
/** A whole CreateConfigurationSetEventDestination / UpdateConfigurationSetEventDestination request. */
const REQUEST_MEMBERS: MemberTree = { ConfigurationSetName: true, EventDestinationName: true, EventDestination: DESTINATION_MEMBERS };

/** Members that only an event destination has (v1 and v2 spellings). */
const DESTINATION_KEYS = ['SnsDestination', 'SNSDestination', 'KinesisFirehoseDestination', 'EventBridgeDestination', 'PinpointDestination', 'CloudWatchDestination', 'MatchingEventTypes'];

function bodyOf(document: Record<string, unknown>): { body: Record<string, unknown>; wrapped: boolean } {
  return isRecord(document.EventDestination) ? { body: document.EventDestination, wrapped: true } : { body: document, wrapped: false };
}

const lower = (keys: Iterable<string>): Set<string> => new Set([...keys].map((k) => k.toLowerCase()));
const DESTINATION_KINDS = lower(Object.keys(DESTINATIONS));

/** A destination in the v2 shape, also from v1 (SNSDestination/TopicARN, IAMRoleARN) and from a whole Create request. */
export function parseCheckedDestination(file: string, document: Record<string, unknown>): { destination: EventDestination; configurationSet?: string } {
  const { body, wrapped } = bodyOf(document);
  const unknown = unknownMembers(document, wrapped ? REQUEST_MEMBERS : DESTINATION_MEMBERS, { caseInsensitive: true });
  if (unknown.length > 0) throw new InvalidInputError(file, unknown);
  // SES creates a destination only with one place to send events to; with none the input is not a destination at all.
  if (!Object.keys(body).some((key) => DESTINATION_KINDS.has(key.toLowerCase()))) {
    throw new InvalidInputError(file, [`${wrapped ? 'EventDestination' : '(root)'}: names no destination; an event destination needs one of ${Object.keys(DESTINATIONS).join(', ')}`]);
  }
  const configurationSet = typeof document.ConfigurationSetName === 'string' ? document.ConfigurationSetName : undefined;
  const fallbackName = typeof document.EventDestinationName === 'string' ? document.EventDestinationName : basename(file).replace(/\.json$/i, '');
  const parsed = EventDestinationInputSchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(file, describeZodIssues(parsed.error, { prefix: wrapped ? 'EventDestination' : '', spelledAs: body }));
  // Enabled is judged as true when absent: a check must not pass a destination because a field was left out.
  return {
    destination: toEventDestination(parsed.data, parsed.data.name ?? fallbackName, true),
    ...(configurationSet !== undefined && { configurationSet }),
  };
}

export const EVENT_DESTINATION_CHECK: CheckInput<EventDestinationState> = {
  kind: 'event-destination',
  description: 'an SES event destination (SESv2 or v1 shape, or a whole CreateConfigurationSetEventDestination request)',
  recognise(document) {
    if (!isRecord(document)) return undefined;
    const key = DESTINATION_KEYS.find((k) => k in bodyOf(document).body);
    return key ? `it has ${key}` : undefined;
  },
  build(file, document, target) {
    const { destination, configurationSet } = parseCheckedDestination(file, document);
    const account = accountFor(file, target);
    const region = regionOf(target) ?? target.region;
    const setName = configurationSet ?? target.resource?.split('/').pop() ?? 'checked-configuration-set';
    return {
      state: { kind: 'event-destination', configurationSet: setName, configurationSetArn: target.resource ?? configurationSetArn(region, account, setName), destination },
      account,
      region,
    };
  },
  pointer(_finding, document) {
    if (!isRecord(document)) return [];
    const { body, wrapped } = bodyOf(document);
    const key = Object.keys(body).find((k) => DESTINATION_KINDS.has(k.toLowerCase()));
    return key ? [...(wrapped ? ['EventDestination'] : []), key] : [];
  },
};
