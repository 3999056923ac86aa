import type { IAMClient } from '@aws-sdk/client-iam';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { iamGrantSteps } from './iam-grant-steps.ts';
import { quarantineSteps } from './quarantine-steps.ts';
import { eventDestinationSteps } from './ses-event-destination-steps.ts';
import { identityPolicySteps } from './ses-identity-policy-steps.ts';
import { verificationTemplateSteps } from './ses-verification-template-steps.ts';
import type { StepSenders } from './step-sender.ts';

export type { StepSender, StepSenders } from './step-sender.ts';
export { iamGrantSteps, quarantineSteps, eventDestinationSteps, identityPolicySteps, verificationTemplateSteps };
export { revokeSessionsDocument } from './quarantine-steps.ts';

/** Every step type, for the CLI (`replay --live --apply`) and tests; Lambda functions wire only their family's. */
export function allStepSenders(clients: { sesv2: SESv2Client; iam: IAMClient }): StepSenders {
  return {
    ...identityPolicySteps(clients.sesv2),
    ...eventDestinationSteps(clients.sesv2),
    ...verificationTemplateSteps(clients.sesv2),
    ...iamGrantSteps(clients.iam),
    ...quarantineSteps(clients.iam),
  };
}
