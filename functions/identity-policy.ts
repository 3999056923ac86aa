import { IAMClient } from '@aws-sdk/client-iam';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { identityPolicyReader } from '../lib/state/aws-state-reader.ts';
import { identityPolicySteps } from '../lib/remediation/steps/ses-identity-policy-steps.ts';
import { quarantineSteps } from '../lib/remediation/steps/quarantine-steps.ts';
import { createGuardHandler } from './runtime/guard-handler.ts';

/** SES identity (sending-authorization) policies: PutIdentityPolicy, Create/UpdateEmailIdentityPolicy. */
export const handler = createGuardHandler({
  family: 'identity-policy',
  wire: (make) => {
    const sesv2 = make(SESv2Client, 'SESV2');
    return { readers: identityPolicyReader(sesv2), senders: { ...identityPolicySteps(sesv2), ...quarantineSteps(make(IAMClient, 'IAM')) } };
  },
});
