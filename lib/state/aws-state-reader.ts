import type { Change } from '../cloudtrail/types.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import type { ResourceState } from './types.ts';
import type { StateReader } from './reader.ts';
import { readEventDestination, readIdentityPolicy, readVerificationTemplate } from './ses-state.ts';
import { readIamGrant } from './iam-state.ts';

/**
 * Reads the CURRENT state of a change's target from AWS. The event is evidence of who changed what,
 * never the state: events arrive late, twice and out of order, so the guard judges what AWS holds now.
 */
export function createAwsStateReader(clients: Pick<AwsClients, 'sesv2' | 'iam'>): StateReader {
  return {
    read(change: Change): Promise<ResourceState> {
      switch (change.family) {
        case 'identity-policy':
          return readIdentityPolicy(clients.sesv2, change);
        case 'event-destination':
          return readEventDestination(clients.sesv2, change);
        case 'custom-verification':
          if (change.operation === 'send') {
            // Sending is an action, not a state: the actor is judged, from the event.
            return Promise.resolve({ kind: 'custom-verification-send', templateName: change.target.templateName, emailAddress: change.target.emailAddress });
          }
          return readVerificationTemplate(clients.sesv2, change);
        case 'iam-grant':
          return readIamGrant(clients.iam, change);
        case 'guard-integrity':
          return Promise.resolve({ kind: 'guard-integrity', change });
      }
    },
  };
}
