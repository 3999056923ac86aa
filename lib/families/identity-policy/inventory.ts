import { GetEmailIdentityPoliciesCommand, ListEmailIdentitiesCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { isNotFound } from '../../aws/errors.ts';
import { assertClientRegion } from '../../aws/region.ts';
import type { FamilyInventory, InventoryEntry } from '../family.ts';
import { identityPolicyState } from './state.ts';
import { identityArn } from '../../aws/arns.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from './types.ts';

/**
 * Every email identity of the region (ListEmailIdentities, up to 1000 a page) and, per identity, every policy
 * it holds (GetEmailIdentityPolicies: all of them in one call, no pagination; SES allows it once per second,
 * which is what makes the sweep of a large account take hours). Each policy becomes one Change, presented as
 * the SES v2 update that would have left it as it is, with the state already read.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListEmailIdentities.html
 */
export const PAGE_SIZE = 1000;

export const identityPolicyInventory: FamilyInventory<IdentityPolicyChange, IdentityPolicyState> = {
  scope: 'regional',
  connect(make, where) {
    const sesv2 = make(SESv2Client, 'SESV2');
    const entry = (identity: string): InventoryEntry<IdentityPolicyChange, IdentityPolicyState> => ({
      key: identity,
      resource: identityArn(where.region, where.accountId, identity),
      async items() {
        let policies: Record<string, string>;
        try {
          policies = (await sesv2.send(new GetEmailIdentityPoliciesCommand({ EmailIdentity: identity }))).Policies ?? {};
        } catch (error) {
          // Deleted between the listing and the read: nothing left to judge.
          if (isNotFound(error)) return [];
          throw error;
        }
        return Object.keys(policies)
          .sort()
          .map((policyName) => ({
            change: {
              ...where.changeBase(`${identity}#${policyName}`),
              family: 'identity-policy' as const,
              apiVersion: 'v2' as const,
              operation: 'update' as const,
              target: { identity, policyName },
            },
            state: identityPolicyState(where.region, where.accountId, identity, policyName, policies),
          }));
      },
    });
    return {
      async page(cursor) {
        await assertClientRegion(sesv2, where.region, 'SES');
        const out = await sesv2.send(new ListEmailIdentitiesCommand({ PageSize: PAGE_SIZE, ...(cursor !== undefined && { NextToken: cursor }) }));
        const names = (out.EmailIdentities ?? []).flatMap((identity) => (identity.IdentityName ? [identity.IdentityName] : []));
        return { entries: names.map(entry), sorted: false, ...(out.NextToken && { next: out.NextToken }) };
      },
    };
  },
};
