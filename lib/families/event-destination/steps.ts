import { DeleteConfigurationSetEventDestinationCommand, UpdateConfigurationSetEventDestinationCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { defineStep } from '../../remediation/step.ts';
import { toEventDestinationDefinition, type EventDestination } from './destination.ts';

export interface EventDestinationClients {
  sesv2: SESv2Client;
}

export interface DeleteEventDestination {
  type: 'ses.delete-event-destination';
  configurationSet: string;
  destinationName: string;
}

export interface UpdateEventDestination {
  type: 'ses.update-event-destination';
  configurationSet: string;
  destinationName: string;
  /** The whole definition it is replaced with (restored from the baseline, or disabled). */
  destination: EventDestination;
}

const where = (a: { configurationSet: string; destinationName: string }) => `configuration set ${a.configurationSet} destination ${a.destinationName}`;

export const DELETE_EVENT_DESTINATION = defineStep<DeleteEventDestination, EventDestinationClients>({
  type: 'ses.delete-event-destination',
  commands: ['sesv2:DeleteConfigurationSetEventDestination'],
  removes: true,
  actsOnActor: false,
  describe: where,
  async send({ sesv2 }, a) {
    await sesv2.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: a.configurationSet, EventDestinationName: a.destinationName }));
  },
});

/** UpdateConfigurationSetEventDestination replaces the whole definition. */
export const UPDATE_EVENT_DESTINATION = defineStep<UpdateEventDestination, EventDestinationClients>({
  type: 'ses.update-event-destination',
  commands: ['sesv2:UpdateConfigurationSetEventDestination'],
  removes: false,
  actsOnActor: false,
  describe: where,
  async send({ sesv2 }, a) {
    await sesv2.send(
      new UpdateConfigurationSetEventDestinationCommand({
        ConfigurationSetName: a.configurationSet,
        EventDestinationName: a.destinationName,
        EventDestination: toEventDestinationDefinition(a.destination),
      }),
    );
  },
});
