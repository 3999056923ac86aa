import { GetEmailIdentityPoliciesCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { identityArn } from '../../aws/arns.ts';
import { isNotFound } from '../../aws/errors.ts';
import { assertClientRegion } from '../../aws/region.ts';
import { readPolicyDocument, readPolicyInput } from '../policy-document.ts';
import { StateUnavailableOfflineError } from '../state-errors.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from './types.ts';

function stateBase(change: IdentityPolicyChange) {
  const { identity, policyName } = change.target;
  return { kind: 'identity-policy' as const, identity, identityArn: identityArn(change.region, change.accountId, identity), policyName };
}

/**
 * The policy as SES holds it now. GetEmailIdentityPolicies returns every policy of the identity at once
 * (at most 20; the API has no pagination); NotFound means the identity itself is gone.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentityPolicies.html
 */
export async function readIdentityPolicy(sesv2: SESv2Client, change: IdentityPolicyChange): Promise<IdentityPolicyState> {
  await assertClientRegion(sesv2, change.region, 'SES');
  const base = stateBase(change);
  let policies: Record<string, string>;
  try {
    policies = (await sesv2.send(new GetEmailIdentityPoliciesCommand({ EmailIdentity: base.identity }))).Policies ?? {};
  } catch (error) {
    if (isNotFound(error)) return { ...base, rawDocument: null, document: null };
    throw error;
  }
  return identityPolicyState(change.region, change.accountId, base.identity, base.policyName, policies);
}

/** One policy of an identity, from the map GetEmailIdentityPolicies returns (the live reader's and the sweep's). */
export function identityPolicyState(region: string, accountId: string, identity: string, policyName: string, policies: Record<string, string>): IdentityPolicyState {
  const base = { kind: 'identity-policy' as const, identity, identityArn: identityArn(region, accountId, identity), policyName };
  const raw = Object.hasOwn(policies, policyName) ? policies[policyName] : undefined;
  if (raw === undefined) return { ...base, rawDocument: null, document: null };
  return { ...base, ...readPolicyDocument(raw) };
}

/** Offline replay: the document the call sent, as if it had taken effect. */
export function offlineIdentityPolicy(change: IdentityPolicyChange): IdentityPolicyState {
  const { identity, policyName } = change.target;
  if (change.requestedPolicy === undefined || change.requestedPolicy === null) {
    throw new StateUnavailableOfflineError(`the document of identity policy "${policyName}" on ${identity}`);
  }
  return { ...stateBase(change), ...readPolicyInput(change.requestedPolicy) };
}
