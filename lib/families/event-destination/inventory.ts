import { GetConfigurationSetEventDestinationsCommand, ListConfigurationSetsCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { isNotFound } from '../../aws/errors.ts';
import { assertClientRegion } from '../../aws/region.ts';
import type { FamilyInventory, InventoryEntry } from '../family.ts';
import { fromSesEventDestination } from './destination.ts';
import { configurationSetArn } from '../../aws/arns.ts';
import type { EventDestinationChange, EventDestinationState } from './types.ts';

/**
 * Every configuration set of the region (ListConfigurationSets, paginated) and each one's event destinations
 * (GetConfigurationSetEventDestinations: all of a set's destinations, at most 10, in one call). One Change per
 * destination, with the state already read.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListConfigurationSets.html
 */
export const PAGE_SIZE = 1000;

export const eventDestinationInventory: FamilyInventory<EventDestinationChange, EventDestinationState> = {
  scope: 'regional',
  connect(make, where) {
    const sesv2 = make(SESv2Client, 'SESV2');
    const entry = (configurationSet: string): InventoryEntry<EventDestinationChange, EventDestinationState> => {
      const arn = configurationSetArn(where.region, where.accountId, configurationSet);
      return {
        key: configurationSet,
        resource: arn,
        async items() {
          let destinations;
          try {
            destinations = (await sesv2.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: configurationSet }))).EventDestinations ?? [];
          } catch (error) {
            if (isNotFound(error)) return [];
            throw error;
          }
          return destinations
            .filter((d) => d.Name)
            .map((d) => ({
              change: {
                ...where.changeBase(`${configurationSet}#${d.Name}`),
                family: 'event-destination' as const,
                apiVersion: 'v2' as const,
                operation: 'update' as const,
                target: { configurationSet, destinationName: d.Name ?? '' },
              },
              state: { kind: 'event-destination' as const, configurationSet, configurationSetArn: arn, destination: fromSesEventDestination(d) },
            }));
        },
      };
    };
    return {
      async page(cursor) {
        await assertClientRegion(sesv2, where.region, 'SES');
        const out = await sesv2.send(new ListConfigurationSetsCommand({ PageSize: PAGE_SIZE, ...(cursor !== undefined && { NextToken: cursor }) }));
        return { entries: (out.ConfigurationSets ?? []).map(entry), sorted: false, ...(out.NextToken && { next: out.NextToken }) };
      },
    };
  },
};
