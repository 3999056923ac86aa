import { IAMClient } from '@aws-sdk/client-iam';
import { iamGrantReader } from '../lib/state/aws-state-reader.ts';
import { iamGrantSteps } from '../lib/remediation/steps/iam-grant-steps.ts';
import { quarantineSteps } from '../lib/remediation/steps/quarantine-steps.ts';
import { createGuardHandler } from './runtime/guard-handler.ts';

/** IAM grants that reach the SES perimeter. IAM is global: this function is deployed in us-east-1 only. */
export const handler = createGuardHandler({
  family: 'iam-grant',
  wire: (make) => {
    const iam = make(IAMClient, 'IAM');
    return { readers: iamGrantReader(iam), senders: { ...iamGrantSteps(iam), ...quarantineSteps(iam) } };
  },
});
