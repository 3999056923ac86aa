import { IAMClient } from '@aws-sdk/client-iam';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { eventDestinationReader } from '../lib/state/aws-state-reader.ts';
import { eventDestinationSteps } from '../lib/remediation/steps/ses-event-destination-steps.ts';
import { quarantineSteps } from '../lib/remediation/steps/quarantine-steps.ts';
import { createGuardHandler } from './runtime/guard-handler.ts';

/** Configuration-set event destinations (SES v1 and v2 share the event names). */
export const handler = createGuardHandler({
  family: 'event-destination',
  wire: (make) => {
    const sesv2 = make(SESv2Client, 'SESV2');
    return { readers: eventDestinationReader(sesv2), senders: { ...eventDestinationSteps(sesv2), ...quarantineSteps(make(IAMClient, 'IAM')) } };
  },
});
