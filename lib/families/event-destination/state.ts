import { GetConfigurationSetEventDestinationsCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { configurationSetArn } from '../../aws/arns.ts';
import { isNotFound } from '../../aws/errors.ts';
import { assertClientRegion } from '../../aws/region.ts';
import { StateUnavailableOfflineError } from '../state-errors.ts';
import { fromSesEventDestination } from './destination.ts';
import type { EventDestinationChange, EventDestinationState } from './types.ts';

function stateBase(change: EventDestinationChange) {
  const { configurationSet } = change.target;
  return { kind: 'event-destination' as const, configurationSet, configurationSetArn: configurationSetArn(change.region, change.accountId, configurationSet) };
}

/**
 * The destination as SES holds it now. The API returns every destination of the set at once (a set holds
 * at most 10; no pagination); NotFound means the configuration set itself is gone.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetConfigurationSetEventDestinations.html
 */
export async function readEventDestination(sesv2: SESv2Client, change: EventDestinationChange): Promise<EventDestinationState> {
  await assertClientRegion(sesv2, change.region, 'SES');
  const base = stateBase(change);
  try {
    const { EventDestinations = [] } = await sesv2.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: base.configurationSet }));
    const found = EventDestinations.find((destination) => destination.Name === change.target.destinationName);
    return { ...base, destination: found ? fromSesEventDestination(found) : null };
  } catch (error) {
    if (isNotFound(error)) return { ...base, destination: null };
    throw error;
  }
}

/** Offline replay: the destination the call sent, as if it had taken effect. */
export function offlineEventDestination(change: EventDestinationChange): EventDestinationState {
  const { configurationSet, destinationName } = change.target;
  if (change.requestedDestination === undefined) {
    throw new StateUnavailableOfflineError(`the definition of event destination "${destinationName}" of configuration set ${configurationSet}`);
  }
  return { ...stateBase(change), destination: change.requestedDestination };
}
