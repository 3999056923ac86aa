import * as z from '../../zod.ts';
import type { SesApiVersion } from '../../cloudtrail/types.ts';
import { malformed, parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import { EventDestinationInputSchema, toEventDestination } from './destination.ts';
import type { EventDestinationChange } from './types.ts';

const SES = 'ses.amazonaws.com';

const Params = z.object({
  configurationSetName: z.string().check(z.minLength(1)),
  eventDestinationName: z.optional(z.string().check(z.minLength(1))),
  eventDestination: EventDestinationInputSchema,
});

function parse(operation: EventDestinationChange['operation']) {
  return (ctx: ParseContext): ParserResult<EventDestinationChange> => {
    const p = parseParameters(Params, ctx);
    if (!p.ok) return p.skip;
    const { configurationSetName, eventDestinationName, eventDestination: d } = p.value;
    // The same event name serves both APIs; only v2 names the destination outside the definition.
    const apiVersion: SesApiVersion = eventDestinationName !== undefined ? 'v2' : 'v1';
    const name = eventDestinationName ?? d.name;
    if (name === undefined) {
      return malformed(ctx, 'detail.requestParameters.eventDestination.name: is required (SES v1) when eventDestinationName (SES v2) is absent');
    }
    // SES treats an omitted Enabled as false: that is what the recorded call did.
    const destination = toEventDestination(d, name, false);
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

export const EVENT_DESTINATION_EVENTS: readonly EventParser<EventDestinationChange>[] = [
  { eventSource: SES, eventName: 'CreateConfigurationSetEventDestination', family: 'event-destination', parse: parse('create') },
  { eventSource: SES, eventName: 'UpdateConfigurationSetEventDestination', family: 'event-destination', parse: parse('update') },
];
