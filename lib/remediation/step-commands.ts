import type { StepAction } from './types.ts';

/**
 * Every SDK operation each step type can send, as `<client>:<Operation>`: the documented contract of a
 * step, checked by the executor's tests (no step sends anything not listed here). The deployed roles are
 * derived from each bundle's esbuild metafile instead (scripts/deploy/sdk-commands.ts), so they follow
 * the code even where this list is not consulted.
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
