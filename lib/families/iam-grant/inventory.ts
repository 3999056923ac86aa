import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  type GetAccountAuthorizationDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { isNotFound } from '../../aws/errors.ts';
import { collectPages } from '../../aws/pagination.ts';
import type { FamilyInventory, InventoryEntry, InventoryItem, InventoryScope } from '../family.ts';
import { readPolicyDocument } from '../policy-document.ts';
import { attachmentTruth } from './grant-truth.ts';
import { inlinePolicySource, type IamGrantChange, type IamGrantState, type IamPolicyInEffect, type IamPrincipalRef, type IamPrincipalState } from './types.ts';

/**
 * Every IAM user, group and role with the policies in effect for it, from GetAccountAuthorizationDetails:
 * one paginated call family returns every principal with its inline documents, attachments and group
 * memberships, and every attached managed policy with all its versions, instead of the thousands of Get/List
 * calls reading each principal would take. Documents come URL-encoded (RFC 3986) and are decoded by
 * readPolicyDocument. "IAM might return fewer results, even when there are more": pages are followed by
 * Marker until IsTruncated is false.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
 *
 * A principal's grants are judged as the event path judges them: each attached managed policy as the
 * attachment (repair: detach it), each inline policy as its put (repair: revert, strip or delete), with the
 * principal's whole effective set; a group's grants with the group and every member, so a user's group
 * policies are judged once, on the group. The first read of every Change answers from this index; the
 * sweep re-reads live (the event path's reader) only around a repair.
 */
export const MAX_ITEMS = 1000;

/** Everything GetAccountAuthorizationDetails says, indexed by principal and policy. */
export interface AuthorizationIndex {
  users: Map<string, PrincipalRecord & { groups: string[] }>;
  groups: Map<string, PrincipalRecord>;
  roles: Map<string, PrincipalRecord & { trustPolicy?: string }>;
  /** Managed policy ARN -> its default version's document. */
  managed: Map<string, { versionId: string; document: string }>;
}

interface PrincipalRecord {
  name: string;
  arn: string;
  inline: Array<{ policyName: string; document: string }>;
  attached: string[];
}

type Page = GetAccountAuthorizationDetailsCommandOutput;

/** Folds the pages into one index (PURE: the same pages give the same index). */
export function indexAuthorizationDetails(pages: readonly Page[]): AuthorizationIndex {
  const index: AuthorizationIndex = { users: new Map(), groups: new Map(), roles: new Map(), managed: new Map() };
  const inline = (list: Array<{ PolicyName?: string; PolicyDocument?: string }> | undefined) =>
    (list ?? []).flatMap((p) => (p.PolicyName && p.PolicyDocument !== undefined ? [{ policyName: p.PolicyName, document: p.PolicyDocument }] : []));
  const attached = (list: Array<{ PolicyArn?: string }> | undefined) => (list ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []));
  for (const page of pages) {
    for (const u of page.UserDetailList ?? []) {
      if (!u.UserName || !u.Arn) continue;
      index.users.set(u.UserName, { name: u.UserName, arn: u.Arn, inline: inline(u.UserPolicyList), attached: attached(u.AttachedManagedPolicies), groups: u.GroupList ?? [] });
    }
    for (const g of page.GroupDetailList ?? []) {
      if (!g.GroupName || !g.Arn) continue;
      index.groups.set(g.GroupName, { name: g.GroupName, arn: g.Arn, inline: inline(g.GroupPolicyList), attached: attached(g.AttachedManagedPolicies) });
    }
    for (const r of page.RoleDetailList ?? []) {
      if (!r.RoleName || !r.Arn) continue;
      index.roles.set(r.RoleName, {
        name: r.RoleName,
        arn: r.Arn,
        inline: inline(r.RolePolicyList),
        attached: attached(r.AttachedManagedPolicies),
        // Kept for IAM-SES-003 (role trust policies), which judges who may assume a role.
        ...(r.AssumeRolePolicyDocument !== undefined && { trustPolicy: r.AssumeRolePolicyDocument }),
      });
    }
    for (const p of page.Policies ?? []) {
      const version = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion === true || v.VersionId === p.DefaultVersionId);
      if (p.Arn && version?.VersionId && version.Document !== undefined) index.managed.set(p.Arn, { versionId: version.VersionId, document: version.Document });
    }
  }
  return index;
}

const keyOf = (ref: IamPrincipalRef): string => `${ref.type}/${ref.name}`;

/** The principals and policies of one index, resolved the way the live reader resolves them. */
class IndexedAccount {
  readonly #fetched = new Map<string, Promise<IamPolicyInEffect | null>>();

  constructor(
    readonly index: AuthorizationIndex,
    private readonly iam: IAMClient,
  ) {}

  /**
   * A managed policy's default document. An AWS managed policy the listing did not carry (its filter returns
   * what the account uses; this is the fallback, not the rule) is read live, once per sweep invocation.
   */
  managed(arn: string): Promise<IamPolicyInEffect | null> {
    const known = this.index.managed.get(arn);
    if (known) return Promise.resolve({ source: arn, kind: 'managed', versionId: known.versionId, ...readPolicyDocument(known.document) });
    let fetched = this.#fetched.get(arn);
    if (!fetched) {
      fetched = (async () => {
        try {
          const versionId = (await this.iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
          if (versionId === undefined) throw new Error(`IAM GetPolicy returned no DefaultVersionId for ${arn}`);
          const document = (await this.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }))).PolicyVersion?.Document;
          if (document === undefined) throw new Error(`IAM GetPolicyVersion returned no document for ${arn} ${versionId}`);
          return { source: arn, kind: 'managed' as const, versionId, ...readPolicyDocument(document) };
        } catch (error) {
          if (isNotFound(error)) return null;
          throw error;
        }
      })();
      this.#fetched.set(arn, fetched);
    }
    return fetched;
  }

  inline(type: IamPrincipalRef['type'], owner: string, policy: { policyName: string; document: string }): IamPolicyInEffect {
    return { source: inlinePolicySource(type, owner, policy.policyName), kind: 'inline', ...readPolicyDocument(policy.document) };
  }

  record(ref: IamPrincipalRef): PrincipalRecord | undefined {
    return ref.type === 'user' ? this.index.users.get(ref.name) : ref.type === 'role' ? this.index.roles.get(ref.name) : this.index.groups.get(ref.name);
  }

  async ownPolicies(ref: IamPrincipalRef): Promise<IamPolicyInEffect[]> {
    const record = this.record(ref);
    if (!record) return [];
    const managed = await Promise.all(record.attached.map((arn) => this.managed(arn)));
    return [...managed.filter((p): p is IamPolicyInEffect => p !== null), ...record.inline.map((p) => this.inline(ref.type, ref.name, p))];
  }

  /** The effective set, as the live reader builds it: own policies, and a user's groups' policies via the group. */
  async principal(ref: IamPrincipalRef): Promise<IamPrincipalState | null> {
    const record = this.record(ref);
    if (!record) return null;
    const own = await this.ownPolicies(ref);
    const groups = ref.type === 'user' ? (this.index.users.get(ref.name)?.groups ?? []) : [];
    const viaGroups = await Promise.all(groups.map(async (group) => (await this.ownPolicies({ type: 'group', name: group })).map((p) => ({ ...p, viaGroup: group }))));
    return { principal: ref, arn: record.arn, policies: [...own, ...viaGroups.flat()], ...(ref.type === 'user' && { groups }) };
  }

  /** Who holds what `ref` holds: itself, and for a group every member (the group first). */
  async reachedBy(ref: IamPrincipalRef): Promise<IamPrincipalState[]> {
    const refs: IamPrincipalRef[] =
      ref.type === 'group'
        ? [ref, ...[...this.index.users.values()].filter((u) => u.groups.includes(ref.name)).map((u): IamPrincipalRef => ({ type: 'user', name: u.name }))]
        : [ref];
    const states = await Promise.all(refs.map((r) => this.principal(r)));
    return states.filter((s): s is IamPrincipalState => s !== null);
  }

  async items(ref: IamPrincipalRef, where: InventoryScope): Promise<InventoryItem<IamGrantChange, IamGrantState>[]> {
    const record = this.record(ref);
    if (!record) return [];
    const principals = await this.reachedBy(ref);
    const base = (suffix: string) => ({ ...where.changeBase(`${keyOf(ref)}#${suffix}`), family: 'iam-grant' as const });
    const attachments = await Promise.all(
      record.attached.map(async (policyArn): Promise<InventoryItem<IamGrantChange, IamGrantState>> => {
        const change = { ...base(policyArn), operation: 'attach' as const, principal: ref, policyArn };
        const changedPolicy = await this.managed(policyArn);
        // The attachment truth, as the live reader states it: the executor compares the two readings.
        return { change, state: { kind: 'iam-grant', changedPolicy, principals, ...attachmentTruth(change, changedPolicy, principals, change.region, change.accountId) } };
      }),
    );
    const inlines = record.inline.map(
      (policy): InventoryItem<IamGrantChange, IamGrantState> => ({
        change: { ...base(`inline/${policy.policyName}`), operation: 'put-inline', principal: ref, policyName: policy.policyName },
        state: { kind: 'iam-grant', changedPolicy: this.inline(ref.type, ref.name, policy), principals },
      }),
    );
    return [...attachments, ...inlines];
  }
}

export const iamGrantInventory: FamilyInventory<IamGrantChange, IamGrantState> = {
  scope: 'global',
  connect(make, where) {
    const iam = make(IAMClient, 'IAM');
    return {
      // The whole account is one page: a principal's effective set spans every page of the listing (a user on
      // the first, its group's managed policy on the last), so nothing is judged before all pages are read.
      // A resume re-reads the listing and continues after the last principal finished, in key order.
      async page() {
        const pages = await collectPages((Marker) =>
          iam.send(
            new GetAccountAuthorizationDetailsCommand({
              Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'],
              MaxItems: MAX_ITEMS,
              ...(Marker !== undefined && { Marker }),
            }),
          ),
        );
        const account = new IndexedAccount(indexAuthorizationDetails(pages), iam);
        const refs: IamPrincipalRef[] = [
          ...[...account.index.groups.keys()].map((name) => ({ type: 'group' as const, name })),
          ...[...account.index.roles.keys()].map((name) => ({ type: 'role' as const, name })),
          ...[...account.index.users.keys()].map((name) => ({ type: 'user' as const, name })),
        ];
        const entries: InventoryEntry<IamGrantChange, IamGrantState>[] = refs
          .map((ref) => ({ key: keyOf(ref), resource: account.record(ref)?.arn ?? keyOf(ref), items: () => account.items(ref, where) }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        return { entries, sorted: true };
      },
    };
  },
};
