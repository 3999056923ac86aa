import {
  DeleteConfigurationSetEventDestinationCommand,
  DeleteCustomVerificationEmailTemplateCommand,
  DeleteEmailIdentityPolicyCommand,
  UpdateConfigurationSetEventDestinationCommand,
  UpdateCustomVerificationEmailTemplateCommand,
  UpdateEmailIdentityPolicyCommand,
  CreateEmailIdentityPolicyCommand,
  type EventDestinationDefinition,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { StepAction } from './types.ts';

/** The clients a step may use: SESv2 and IAM, nothing else (the executor is the only writer). */
export interface RepairClients {
  sesv2: SESv2Client;
  iam: IAMClient;
}

/**
 * Every SDK operation each step type can send, as `<client>:<Operation>`. The deployment derives the
 * function role's write permissions from this, so a step type cannot be added without saying what it
 * needs; the executor's tests check that no step sends anything not listed here.
 */
export const COMMANDS_BY_STEP: { readonly [K in StepAction['type']]: readonly string[] } = {
  'ses.put-identity-policy': ['sesv2:CreateEmailIdentityPolicy', 'sesv2:UpdateEmailIdentityPolicy'],
  'ses.delete-identity-policy': ['sesv2:DeleteEmailIdentityPolicy'],
  'ses.delete-event-destination': ['sesv2:DeleteConfigurationSetEventDestination'],
  'ses.update-event-destination': ['sesv2:UpdateConfigurationSetEventDestination'],
  'ses.update-verification-template': ['sesv2:UpdateCustomVerificationEmailTemplate'],
  'ses.delete-verification-template': ['sesv2:DeleteCustomVerificationEmailTemplate'],
  'iam.detach-policy': ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachGroupPolicy'],
  'iam.put-inline-policy': ['iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy'],
  'iam.delete-inline-policy': ['iam:DeleteUserPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteGroupPolicy'],
  'iam.set-default-policy-version': ['iam:SetDefaultPolicyVersion'],
  'iam.delete-policy-version': ['iam:DeletePolicyVersion'],
  'iam.remove-user-from-group': ['iam:RemoveUserFromGroup'],
  'iam.attach-quarantine-policy': ['iam:AttachUserPolicy', 'iam:AttachRolePolicy'],
  'iam.revoke-role-sessions': ['iam:PutRolePolicy'],
};

/** Steps that remove something: when AWS says it is not there, the step's goal is already met. */
export const REMOVING_STEPS: ReadonlySet<StepAction['type']> = new Set([
  'ses.delete-identity-policy',
  'ses.delete-event-destination',
  'ses.delete-verification-template',
  'iam.detach-policy',
  'iam.delete-inline-policy',
  'iam.delete-policy-version',
  'iam.remove-user-from-group',
]);

/**
 * Steps that act on the principal who made the change, not on the changed resource. The resource having
 * become compliant since (someone else fixed it) does not undo what the actor did, so the race check
 * before writing does not cancel them.
 */
export const ACTOR_STEPS: ReadonlySet<StepAction['type']> = new Set(['iam.attach-quarantine-policy', 'iam.revoke-role-sessions']);

/**
 * The inline policy that denies every action to sessions issued before `before` — what the IAM console's
 * "Revoke active sessions" writes. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
 */
export function revokeSessionsDocument(before: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': before } } }],
  });
}

/** Sends the one SDK command a step maps to. */
export async function sendStep(action: StepAction, clients: RepairClients): Promise<void> {
  const { sesv2, iam } = clients;
  switch (action.type) {
    case 'ses.put-identity-policy': {
      const input = { EmailIdentity: action.identity, PolicyName: action.policyName, Policy: action.document };
      // SESv2 has no "put": Create fails when the policy exists, Update when it does not.
      await (action.op === 'create' ? sesv2.send(new CreateEmailIdentityPolicyCommand(input)) : sesv2.send(new UpdateEmailIdentityPolicyCommand(input)));
      return;
    }
    case 'ses.delete-identity-policy':
      await sesv2.send(new DeleteEmailIdentityPolicyCommand({ EmailIdentity: action.identity, PolicyName: action.policyName }));
      return;
    case 'ses.delete-event-destination':
      await sesv2.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: action.configurationSet, EventDestinationName: action.destinationName }));
      return;
    case 'ses.update-event-destination':
      await sesv2.send(
        new UpdateConfigurationSetEventDestinationCommand({
          ConfigurationSetName: action.configurationSet,
          EventDestinationName: action.destinationName,
          // Built by toEventDestinationDefinition in the SESv2 shape.
          EventDestination: action.destination as EventDestinationDefinition,
        }),
      );
      return;
    case 'ses.update-verification-template':
      await sesv2.send(
        new UpdateCustomVerificationEmailTemplateCommand({
          TemplateName: action.templateName,
          FromEmailAddress: action.template.fromEmailAddress,
          TemplateSubject: action.template.templateSubject,
          TemplateContent: action.template.templateContent,
          SuccessRedirectionURL: action.template.successRedirectionURL,
          FailureRedirectionURL: action.template.failureRedirectionURL,
        }),
      );
      return;
    case 'ses.delete-verification-template':
      await sesv2.send(new DeleteCustomVerificationEmailTemplateCommand({ TemplateName: action.templateName }));
      return;
    case 'iam.detach-policy': {
      const { principalName: name, policyArn: PolicyArn } = action;
      if (action.principalType === 'user') await iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }));
      else if (action.principalType === 'role') await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn }));
      else await iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn }));
      return;
    }
    case 'iam.put-inline-policy': {
      const { principalName: name, policyName: PolicyName, document: PolicyDocument } = action;
      if (action.principalType === 'user') await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName, PolicyDocument }));
      else if (action.principalType === 'role') await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument }));
      else await iam.send(new PutGroupPolicyCommand({ GroupName: name, PolicyName, PolicyDocument }));
      return;
    }
    case 'iam.delete-inline-policy': {
      const { principalName: name, policyName: PolicyName } = action;
      if (action.principalType === 'user') await iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName }));
      else if (action.principalType === 'role') await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName }));
      else await iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName }));
      return;
    }
    case 'iam.set-default-policy-version':
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: action.policyArn, VersionId: action.versionId }));
      return;
    case 'iam.delete-policy-version':
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: action.policyArn, VersionId: action.versionId }));
      return;
    case 'iam.remove-user-from-group':
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: action.groupName, UserName: action.userName }));
      return;
    case 'iam.attach-quarantine-policy':
      if (action.principalType === 'user') await iam.send(new AttachUserPolicyCommand({ UserName: action.principalName, PolicyArn: action.policyArn }));
      else await iam.send(new AttachRolePolicyCommand({ RoleName: action.principalName, PolicyArn: action.policyArn }));
      return;
    case 'iam.revoke-role-sessions':
      await iam.send(new PutRolePolicyCommand({ RoleName: action.roleName, PolicyName: action.policyName, PolicyDocument: revokeSessionsDocument(action.before) }));
      return;
  }
}
