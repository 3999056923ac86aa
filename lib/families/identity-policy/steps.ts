import { CreateEmailIdentityPolicyCommand, DeleteEmailIdentityPolicyCommand, UpdateEmailIdentityPolicyCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { defineStep } from '../../remediation/step.ts';

export interface IdentityPolicyClients {
  sesv2: SESv2Client;
}

export interface PutIdentityPolicy {
  type: 'ses.put-identity-policy';
  identity: string;
  policyName: string;
  document: string;
  op: 'create' | 'update';
}

export interface DeleteIdentityPolicy {
  type: 'ses.delete-identity-policy';
  identity: string;
  policyName: string;
}

/** Write a (reverted or stripped) document back. SESv2 has no "put": Create fails when the policy exists, Update when it does not. */
export const PUT_IDENTITY_POLICY = defineStep<PutIdentityPolicy, IdentityPolicyClients>({
  type: 'ses.put-identity-policy',
  commands: ['sesv2:CreateEmailIdentityPolicy', 'sesv2:UpdateEmailIdentityPolicy'],
  removes: false,
  actsOnActor: false,
  describe: (a) => `identity ${a.identity} policy ${a.policyName} (${a.op})`,
  async send({ sesv2 }, a) {
    const input = { EmailIdentity: a.identity, PolicyName: a.policyName, Policy: a.document };
    await (a.op === 'create' ? sesv2.send(new CreateEmailIdentityPolicyCommand(input)) : sesv2.send(new UpdateEmailIdentityPolicyCommand(input)));
  },
});

export const DELETE_IDENTITY_POLICY = defineStep<DeleteIdentityPolicy, IdentityPolicyClients>({
  type: 'ses.delete-identity-policy',
  commands: ['sesv2:DeleteEmailIdentityPolicy'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `identity ${a.identity} policy ${a.policyName}`,
  async send({ sesv2 }, a) {
    await sesv2.send(new DeleteEmailIdentityPolicyCommand({ EmailIdentity: a.identity, PolicyName: a.policyName }));
  },
});
