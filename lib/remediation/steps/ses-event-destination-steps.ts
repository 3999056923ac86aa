import {
  DeleteConfigurationSetEventDestinationCommand,
  UpdateConfigurationSetEventDestinationCommand,
  type EventDestinationDefinition,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { StepSenders } from './step-sender.ts';

export function eventDestinationSteps(sesv2: SESv2Client): StepSenders {
  return {
    'ses.delete-event-destination': async (action) => {
      await sesv2.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: action.configurationSet, EventDestinationName: action.destinationName }));
    },
    'ses.update-event-destination': async (action) => {
      await sesv2.send(
        new UpdateConfigurationSetEventDestinationCommand({
          ConfigurationSetName: action.configurationSet,
          EventDestinationName: action.destinationName,
          // Built by toEventDestinationDefinition in the SESv2 shape.
          EventDestination: action.destination as EventDestinationDefinition,
        }),
      );
    },
  };
}
