import {
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { iamPrincipalArn } from '../../aws/arns.ts';
import { isNotFound } from '../../aws/errors.ts';
import { createLimiter, type Limiter } from '../../aws/limiter.ts';
import { collectPages } from '../../aws/pagination.ts';
import { readPolicyDocument } from '../policy-document.ts';
import { inlinePolicySource, type IamGrantChange, type IamGrantState, type IamPolicyInEffect, type IamPrincipalRef, type IamPrincipalState, type PolicyVersion } from './types.ts';
import { newestFirst } from './versions.ts';
import { readRoleTrust } from './trust-state.ts';
import { attachmentTruth, membershipTruth } from './grant-truth.ts';

/**
 * Reads what an IAM change grants, and to whom, from IAM itself. A grant is judged by what each
 * principal EFFECTIVELY holds afterwards, so every user or role that gains is read with its full set:
 * attached and inline policies, and for users those of every group they belong to. A group is read with
 * its own policies, and its members by name (groupAndMembers).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
 */

async function orNullIfGone<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * IAM throttles per account at a low rate; a group of fifty members must not fire hundreds of calls at
 * once and turn into throttling errors. The SDK retries what still gets throttled.
 */
export const IAM_CONCURRENCY = 4;

/** One read of one change. Caches what several principals share (a managed policy, a group's policies). */
class IamStateReading {
  readonly #managed = new Map<string, Promise<IamPolicyInEffect | null>>();
  readonly #groupPolicies = new Map<string, Promise<IamPolicyInEffect[]>>();
  readonly #limit: Limiter;

  constructor(
    private readonly iam: IAMClient,
    private readonly region: string,
    private readonly accountId: string,
  ) {
    this.#limit = createLimiter(IAM_CONCURRENCY);
  }

  /** Every IAM call goes through here so the concurrency bound holds. */
  #call<T>(send: () => Promise<T>): Promise<T> {
    return this.#limit(send);
  }

  async read(change: IamGrantChange): Promise<IamGrantState> {
    switch (change.operation) {
      case 'attach': {
        const [changedPolicy, principals] = await Promise.all([this.managedPolicy(change.policyArn), this.principalsReachedBy([change.principal])]);
        return { kind: 'iam-grant', changedPolicy, principals, ...attachmentTruth(change, changedPolicy, principals, this.region, this.accountId) };
      }
      case 'put-inline': {
        const [changedPolicy, principals] = await Promise.all([this.inlinePolicy(change.principal, change.policyName), this.principalsReachedBy([change.principal])]);
        const gone = changedPolicy === null ? { notInEffect: `inline policy ${change.policyName} of ${change.principal.type} ${change.principal.name} no longer exists` } : {};
        return { kind: 'iam-grant', changedPolicy, principals, ...gone };
      }
      case 'create-version':
      case 'set-default-version':
        return this.readPolicyVersionChange(change.policyArn);
      case 'add-to-group': {
        // The membership is the grant: the user gains every policy of the group. Nothing single to revert.
        const [groupPolicies, principals] = await Promise.all([
          this.groupOwnPolicies(change.groupName),
          this.principalsReachedBy([{ type: 'user', name: change.userName }]),
        ]);
        return {
          kind: 'iam-grant',
          changedPolicy: null,
          principals,
          gainedPolicies: groupPolicies.map((policy) => ({ ...policy, viaGroup: change.groupName })),
          ...membershipTruth(change, principals, this.region, this.accountId),
        };
      }
      case 'update-trust':
      case 'create-role':
        return readRoleTrust(this.iam, change, (name) => this.role(name));
    }
  }

  /**
   * A new or newly default version changes the policy for everyone it is attached to. The document in
   * effect is the default version's, whichever version the event named.
   */
  async readPolicyVersionChange(policyArn: string): Promise<IamGrantState> {
    const listed = await orNullIfGone(() => this.policyVersions(policyArn));
    if (listed === null) return { kind: 'iam-grant', changedPolicy: null, principals: [], versions: [], notInEffect: `${policyArn} no longer exists` };
    // Every version's document (IAM keeps at most five): the rollback judges each before restoring it.
    const read = await Promise.all(listed.map(async (version) => ({ version, policy: await orNullIfGone(() => this.managedPolicyVersion(policyArn, version.versionId)) })));
    const versions = read.filter(({ policy }) => policy !== null).map(({ version, policy }) => ({ ...version, ...documentOf(policy) }));
    const changedPolicy = read.find(({ version }) => version.isDefault)?.policy ?? null;
    if (changedPolicy) this.#managed.set(policyArn, Promise.resolve(changedPolicy));
    const attachedTo = (await orNullIfGone(() => this.entitiesForPolicy(policyArn))) ?? [];
    return { kind: 'iam-grant', changedPolicy, principals: await this.principalsReachedBy(attachedTo), versions };
  }

  /** Principals that hold what `refs` hold: each user or role itself, and a group with every member. */
  async principalsReachedBy(refs: readonly IamPrincipalRef[]): Promise<IamPrincipalState[]> {
    const states = await Promise.all(
      refs.map(async (ref): Promise<IamPrincipalState[]> => {
        switch (ref.type) {
          case 'user': {
            const user = await this.user(ref.name);
            return user ? [user] : [];
          }
          case 'role': {
            const role = await this.role(ref.name);
            return role ? [role] : [];
          }
          case 'group':
            return this.groupAndMembers(ref.name);
        }
      }),
    );
    // A user reached directly and through a group is one principal: the one read with its full set, in the
    // place it was first reached.
    const byKey = new Map<string, IamPrincipalState>();
    for (const state of states.flat()) {
      const key = `${state.principal.type}/${state.principal.name}`;
      const seen = byKey.get(key);
      if (!seen || (seen.onlyViaGroup !== undefined && state.onlyViaGroup === undefined)) byKey.set(key, state);
    }
    return [...byKey.values()];
  }

  managedPolicy(policyArn: string): Promise<IamPolicyInEffect | null> {
    let cached = this.#managed.get(policyArn);
    if (!cached) {
      cached = orNullIfGone(async () => {
        const { Policy } = await this.#call(() => this.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
        const versionId = Policy?.DefaultVersionId;
        if (versionId === undefined) throw new Error(`IAM GetPolicy returned no DefaultVersionId for ${policyArn}`);
        return this.managedPolicyVersion(policyArn, versionId);
      });
      this.#managed.set(policyArn, cached);
    }
    return cached;
  }

  async managedPolicyVersion(policyArn: string, versionId: string): Promise<IamPolicyInEffect> {
    const { PolicyVersion } = await this.#call(() => this.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })));
    if (PolicyVersion?.Document === undefined) throw new Error(`IAM GetPolicyVersion returned no document for ${policyArn} ${versionId}`);
    return { source: policyArn, kind: 'managed', versionId, ...readPolicyDocument(PolicyVersion.Document) };
  }

  async inlinePolicy(principal: IamPrincipalRef, policyName: string): Promise<IamPolicyInEffect | null> {
    const source = inlinePolicySource(principal.type, principal.name, policyName);
    const document = await orNullIfGone(async () => {
      switch (principal.type) {
        case 'user':
          return (await this.#call(() => this.iam.send(new GetUserPolicyCommand({ UserName: principal.name, PolicyName: policyName })))).PolicyDocument;
        case 'role':
          return (await this.#call(() => this.iam.send(new GetRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName })))).PolicyDocument;
        case 'group':
          return (await this.#call(() => this.iam.send(new GetGroupPolicyCommand({ GroupName: principal.name, PolicyName: policyName })))).PolicyDocument;
      }
    });
    if (document === null) return null;
    if (document === undefined) throw new Error(`IAM returned no document for inline policy ${source}`);
    return { source, kind: 'inline', ...readPolicyDocument(document) };
  }

  async policyVersions(policyArn: string): Promise<PolicyVersion[]> {
    const pages = await collectPages((Marker) =>
      this.#call(() => this.iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn, ...(Marker !== undefined && { Marker }) }))),
    );
    const versions = pages.flatMap((page) =>
      (page.Versions ?? []).map((version) => ({
        versionId: version.VersionId ?? '',
        isDefault: version.IsDefaultVersion === true,
        ...(version.CreateDate !== undefined && { createDate: version.CreateDate.toISOString() }),
      })),
    );
    return newestFirst(versions);
  }

  async entitiesForPolicy(policyArn: string): Promise<IamPrincipalRef[]> {
    const pages = await collectPages((Marker) =>
      this.#call(() => this.iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, ...(Marker !== undefined && { Marker }) }))),
    );
    return pages.flatMap((page) => [
      ...(page.PolicyUsers ?? []).flatMap((u) => (u.UserName ? [{ type: 'user' as const, name: u.UserName }] : [])),
      ...(page.PolicyRoles ?? []).flatMap((r) => (r.RoleName ? [{ type: 'role' as const, name: r.RoleName }] : [])),
      ...(page.PolicyGroups ?? []).flatMap((g) => (g.GroupName ? [{ type: 'group' as const, name: g.GroupName }] : [])),
    ]);
  }

  /** A user's effective set: attached, inline, and every policy of every group it belongs to. */
  user(name: string, knownArn?: string): Promise<IamPrincipalState | null> {
    return orNullIfGone(async () => {
      // The ARN carries the user's path, which admin patterns may match on; IAM's own Arn is the truth.
      const arn = knownArn ?? (await this.#call(() => this.iam.send(new GetUserCommand({ UserName: name })))).User?.Arn;
      const [attached, inline, groups] = await Promise.all([
        this.attachedPolicies((Marker) => this.iam.send(new ListAttachedUserPoliciesCommand({ UserName: name, ...(Marker !== undefined && { Marker }) }))),
        this.inlinePolicyNames((Marker) => this.iam.send(new ListUserPoliciesCommand({ UserName: name, ...(Marker !== undefined && { Marker }) }))),
        collectPages((Marker) => this.#call(() => this.iam.send(new ListGroupsForUserCommand({ UserName: name, ...(Marker !== undefined && { Marker }) })))),
      ]);
      const groupNames = groups.flatMap((page) => (page.Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])));
      const [own, viaGroups] = await Promise.all([
        this.resolvePolicies({ type: 'user', name }, attached, inline),
        Promise.all(
          groupNames.map(async (group) => (await this.groupOwnPolicies(group)).map((policy) => ({ ...policy, viaGroup: group }))),
        ),
      ]);
      return {
        principal: { type: 'user', name },
        arn: arn ?? iamPrincipalArn(this.region, this.accountId, 'user', name),
        policies: [...own, ...viaGroups.flat()],
        groups: groupNames,
      };
    });
  }

  role(name: string): Promise<IamPrincipalState | null> {
    return orNullIfGone(async () => {
      const role = (await this.#call(() => this.iam.send(new GetRoleCommand({ RoleName: name })))).Role;
      const arn = role?.Arn;
      const [attached, inline] = await Promise.all([
        this.attachedPolicies((Marker) => this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, ...(Marker !== undefined && { Marker }) }))),
        this.inlinePolicyNames((Marker) => this.iam.send(new ListRolePoliciesCommand({ RoleName: name, ...(Marker !== undefined && { Marker }) }))),
      ]);
      return {
        principal: { type: 'role', name },
        arn: arn ?? iamPrincipalArn(this.region, this.accountId, 'role', name),
        policies: await this.resolvePolicies({ type: 'role', name }, attached, inline),
        ...(role?.AssumeRolePolicyDocument !== undefined && {
          trust: { roleName: name, roleArn: arn ?? iamPrincipalArn(this.region, this.accountId, 'role', name), ...readPolicyDocument(role.AssumeRolePolicyDocument) },
        }),
      };
    });
  }

  /**
   * A group holds nothing itself but grants to every member. The group comes first (so a grant to an
   * empty group is still judged: anyone added later gains it), then each member as GetGroup lists it
   * (name and ARN), holding the group's policies (`onlyViaGroup`). Whether the group grants the perimeter
   * is decided by its own policies, so reading every member's full set (six calls each: 3,026 for a group
   * of 500) bought nothing the decision needs; the calls stay at the GetGroup pages plus the group's own.
   */
  async groupAndMembers(name: string): Promise<IamPrincipalState[]> {
    const [pages, policies] = await Promise.all([
      orNullIfGone(() => collectPages((Marker) => this.#call(() => this.iam.send(new GetGroupCommand({ GroupName: name, ...(Marker !== undefined && { Marker }) }))))),
      this.groupOwnPolicies(name).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      }),
    ]);
    if (pages === null || policies === null) return [];
    const groupArn = pages[0]?.Group?.Arn ?? iamPrincipalArn(this.region, this.accountId, 'group', name);
    const viaGroup = policies.map((policy) => ({ ...policy, viaGroup: name }));
    const members = pages.flatMap((page) =>
      (page.Users ?? []).flatMap((user): IamPrincipalState[] =>
        user.UserName
          ? [{ principal: { type: 'user', name: user.UserName }, arn: user.Arn ?? iamPrincipalArn(this.region, this.accountId, 'user', user.UserName), policies: viaGroup, groups: [name], onlyViaGroup: name }]
          : [],
      ),
    );
    return [{ principal: { type: 'group', name }, arn: groupArn, policies }, ...members];
  }

  groupOwnPolicies(name: string): Promise<IamPolicyInEffect[]> {
    let cached = this.#groupPolicies.get(name);
    if (!cached) {
      cached = (async () => {
        const [attached, inline] = await Promise.all([
          this.attachedPolicies((Marker) => this.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name, ...(Marker !== undefined && { Marker }) }))),
          this.inlinePolicyNames((Marker) => this.iam.send(new ListGroupPoliciesCommand({ GroupName: name, ...(Marker !== undefined && { Marker }) }))),
        ]);
        return this.resolvePolicies({ type: 'group', name }, attached, inline);
      })();
      this.#groupPolicies.set(name, cached);
    }
    return cached;
  }

  async attachedPolicies(
    list: (marker?: string) => Promise<{ AttachedPolicies?: Array<{ PolicyArn?: string }>; IsTruncated?: boolean; Marker?: string }>,
  ): Promise<string[]> {
    const pages = await collectPages((marker) => this.#call(() => list(marker)));
    return pages.flatMap((page) => (page.AttachedPolicies ?? []).flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])));
  }

  async inlinePolicyNames(list: (marker?: string) => Promise<{ PolicyNames?: string[]; IsTruncated?: boolean; Marker?: string }>): Promise<string[]> {
    const pages = await collectPages((marker) => this.#call(() => list(marker)));
    return pages.flatMap((page) => page.PolicyNames ?? []);
  }

  /** Documents for listed policies; one deleted between listing and reading no longer applies. */
  async resolvePolicies(owner: IamPrincipalRef, managedArns: string[], inlineNames: string[]): Promise<IamPolicyInEffect[]> {
    const [managed, inline] = await Promise.all([
      Promise.all(managedArns.map((arn) => this.managedPolicy(arn))),
      Promise.all(inlineNames.map((policyName) => this.inlinePolicy(owner, policyName))),
    ]);
    return [...managed, ...inline].filter((policy): policy is IamPolicyInEffect => policy !== null);
  }
}

function documentOf(policy: IamPolicyInEffect | null): Pick<PolicyVersion, 'rawDocument' | 'document' | 'parseErrors'> {
  if (!policy) return {};
  return { rawDocument: policy.rawDocument, document: policy.document, ...(policy.parseErrors && { parseErrors: policy.parseErrors }) };
}

export function readIamGrant(iam: IAMClient, change: IamGrantChange): Promise<IamGrantState> {
  return new IamStateReading(iam, change.region, change.accountId).read(change);
}
