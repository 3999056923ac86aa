import { iamPrincipalArn } from '../../aws/arns.ts';
import type { IamGrantChange, IamGrantState, IamPolicyInEffect, IamPrincipalState } from './types.ts';

/**
 * PURE: whether the grant an IAM event made still exists, shared by the live reader (what IAM answers now)
 * and the offline one (the event applied to the sidecar's world). Events arrive late and twice: an
 * AttachUserPolicy delivered after the detach must not be judged as if the policy were still attached.
 */

/**
 * Whether the attachment the event made is still there: the principal (a group: the group itself, listed
 * first) lists the policy among its own. A late event whose attachment was undone grants nothing now.
 */
export function attachmentTruth(
  change: Extract<IamGrantChange, { operation: 'attach' }>,
  changedPolicy: IamPolicyInEffect | null,
  principals: readonly IamPrincipalState[],
  region: string,
  accountId: string,
): Pick<IamGrantState, 'link' | 'notInEffect'> {
  const { principal, policyArn } = change;
  const own = principals.find((p) => p.principal.type === principal.type && p.principal.name === principal.name);
  const present = own?.policies.some((p) => p.source === policyArn && p.viaGroup === undefined) === true;
  const link = { kind: 'attachment' as const, principal, principalArn: own?.arn ?? iamPrincipalArn(region, accountId, principal.type, principal.name), policyArn, present };
  const who = `${principal.type} ${principal.name}`;
  const notInEffect =
    changedPolicy === null
      ? `${policyArn} no longer exists`
      : !own
        ? `${who} no longer exists`
        : !present
          ? `${policyArn} is no longer attached to ${who} (IAM no longer lists the attachment the event made)`
          : undefined;
  return { link, ...(notInEffect !== undefined && { notInEffect }) };
}

/** Whether the user is still in the group (ListGroupsForUser): a removed user gains nothing through it. */
export function membershipTruth(
  change: Extract<IamGrantChange, { operation: 'add-to-group' }>,
  principals: readonly IamPrincipalState[],
  region: string,
  accountId: string,
): Pick<IamGrantState, 'link' | 'notInEffect'> {
  const user = principals.find((p) => p.principal.type === 'user' && p.principal.name === change.userName);
  const present = user?.groups?.includes(change.groupName) === true;
  const link = { kind: 'membership' as const, userName: change.userName, userArn: user?.arn ?? iamPrincipalArn(region, accountId, 'user', change.userName), groupName: change.groupName, present };
  const notInEffect = !user ? `user ${change.userName} no longer exists` : !present ? `user ${change.userName} is no longer a member of group ${change.groupName}` : undefined;
  return { link, ...(notInEffect !== undefined && { notInEffect }) };
}

/**
 * The grant as text, for the alert's before/after and the executor's "changed since it was read" check.
 * An attachment or a membership is the thing the change made, so that is what is shown and compared (the
 * policy document does not change when it is detached); otherwise the changed policy's document.
 */
export function grantDocument(state: IamGrantState): string | null {
  const link = state.link;
  if (link?.kind === 'attachment') return JSON.stringify({ principal: link.principalArn, policy: link.policyArn, attached: link.present }, null, 2);
  if (link?.kind === 'membership') return JSON.stringify({ user: link.userArn, group: link.groupName, member: link.present }, null, 2);
  return state.changedPolicy?.rawDocument ?? null;
}

/** A grant that no longer exists is compliant; the decision says why. */
export function grantNotes(state: IamGrantState): string[] {
  return state.notInEffect !== undefined ? [`The grant this event made is no longer in effect: ${state.notInEffect}.`] : [];
}
