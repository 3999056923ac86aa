import { UpdateAssumeRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { defineStep } from '../../remediation/step.ts';

export interface UpdateTrustPolicy {
  type: 'iam.update-trust-policy';
  roleName: string;
  /** The role's last-known-good trust policy (plain JSON), accepted by today's rules. */
  document: string;
}

/**
 * Restore a role's trust policy. IAM cannot restrict iam:UpdateAssumeRolePolicy by document, so the
 * planner only ever sends a baseline that IAM-SES-003 accepts today (trust-plan.ts); README, "Safety".
 */
export const UPDATE_TRUST_POLICY = defineStep<UpdateTrustPolicy, { iam: IAMClient }>({
  type: 'iam.update-trust-policy',
  commands: ['iam:UpdateAssumeRolePolicy'],
  removes: false,
  actsOnActor: false,
  describe: (a) => `role ${a.roleName} trust policy`,
  async send({ iam }, a) {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: a.roleName, PolicyDocument: a.document }));
  },
});
