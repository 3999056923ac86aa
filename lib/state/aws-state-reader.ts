import type { CustomVerificationSendChange, GuardIntegrityChange, VerificationTemplateChange } from '../cloudtrail/types.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { ResourceState } from './types.ts';
import { createStateReader, type FamilyStateReaders, type StateReader } from './reader.ts';
import { readEventDestination, readIdentityPolicy, readVerificationTemplate } from './ses-state.ts';
import { readIamGrant } from './iam-state.ts';

/**
 * Reads the CURRENT state of a change's target from AWS. The event is evidence of who changed what,
 * never the state: events arrive late, twice and out of order, so the guard judges what AWS holds now.
 * Each family's reader is built alone so a Lambda bundle carries only the read commands it sends.
 */
export const identityPolicyReader = (sesv2: SESv2Client): FamilyStateReaders => ({ 'identity-policy': (change) => readIdentityPolicy(sesv2, change) });

export const eventDestinationReader = (sesv2: SESv2Client): FamilyStateReaders => ({ 'event-destination': (change) => readEventDestination(sesv2, change) });

export const customVerificationReader = (sesv2: SESv2Client): FamilyStateReaders => ({
  'custom-verification': (change: CustomVerificationSendChange | VerificationTemplateChange): Promise<ResourceState> => {
    if (change.operation === 'send') {
      // Sending is an action, not a state: the actor is judged, from the event.
      return Promise.resolve({ kind: 'custom-verification-send', templateName: change.target.templateName, emailAddress: change.target.emailAddress });
    }
    return readVerificationTemplate(sesv2, change);
  },
});

export const iamGrantReader = (iam: IAMClient): FamilyStateReaders => ({ 'iam-grant': (change) => readIamGrant(iam, change) });

/** A deleted rule or a stopped trail leaves nothing to read: the event itself is the state. */
export const guardIntegrityReader = (): FamilyStateReaders => ({
  'guard-integrity': (change: GuardIntegrityChange) => Promise.resolve({ kind: 'guard-integrity', change }),
});

/** Every family, for the CLI and tests. */
export function createAwsStateReader(clients: Pick<AwsClients, 'sesv2' | 'iam'>): StateReader {
  return createStateReader({
    ...identityPolicyReader(clients.sesv2),
    ...eventDestinationReader(clients.sesv2),
    ...customVerificationReader(clients.sesv2),
    ...iamGrantReader(clients.iam),
    ...guardIntegrityReader(),
  });
}
