import { IAMClient } from '@aws-sdk/client-iam';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { customVerificationReader } from '../lib/state/aws-state-reader.ts';
import { verificationTemplateSteps } from '../lib/remediation/steps/ses-verification-template-steps.ts';
import { quarantineSteps } from '../lib/remediation/steps/quarantine-steps.ts';
import { createGuardHandler } from './runtime/guard-handler.ts';

/** Custom verification emails (the actor is judged) and their templates. */
export const handler = createGuardHandler({
  family: 'custom-verification',
  wire: (make) => {
    const sesv2 = make(SESv2Client, 'SESV2');
    return { readers: customVerificationReader(sesv2), senders: { ...verificationTemplateSteps(sesv2), ...quarantineSteps(make(IAMClient, 'IAM')) } };
  },
});
