import { CreateEmailIdentityPolicyCommand, DeleteEmailIdentityPolicyCommand, UpdateEmailIdentityPolicyCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { StepSenders } from './step-sender.ts';

export function identityPolicySteps(sesv2: SESv2Client): StepSenders {
  return {
    'ses.put-identity-policy': async (action) => {
      const input = { EmailIdentity: action.identity, PolicyName: action.policyName, Policy: action.document };
      // SESv2 has no "put": Create fails when the policy exists, Update when it does not.
      await (action.op === 'create' ? sesv2.send(new CreateEmailIdentityPolicyCommand(input)) : sesv2.send(new UpdateEmailIdentityPolicyCommand(input)));
    },
    'ses.delete-identity-policy': async (action) => {
      await sesv2.send(new DeleteEmailIdentityPolicyCommand({ EmailIdentity: action.identity, PolicyName: action.policyName }));
    },
  };
}
