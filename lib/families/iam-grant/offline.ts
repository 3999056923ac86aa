import { iamPrincipalArn } from '../../aws/arns.ts';
import { managedPolicyDocument } from '../../managed-policies/snapshot.ts';
import { readPolicyInput } from '../policy-document.ts';
import { InvalidStateSidecarError, StateUnavailableOfflineError } from '../state-errors.ts';
import { offlineRoleTrust } from './trust-state.ts';
import { parseStateSidecar, type SidecarPrincipal, type StateSidecar } from './sidecar.ts';
import { attachmentTruth, membershipTruth } from './grant-truth.ts';
import { inlinePolicySource, type IamGrantChange, type IamGrantState, type IamPolicyInEffect, type IamPrincipalRef, type IamPrincipalState, type PolicyVersion } from './types.ts';

/**
 * The state for `sesguard replay` without AWS: what the IAM event asked for, as if it had taken effect,
 * completed from an optional sidecar fixture (sidecar.ts documents its shape). PURE: no I/O, same answer
 * for the same input. Where neither gives the document, StateUnavailableOfflineError says that --live is
 * needed; the guard never judges a guessed document.
 */
export function offlineIamGrant(change: IamGrantChange, sidecar?: unknown): IamGrantState {
  return new OfflineIam(change, sidecar === undefined ? undefined : parseStateSidecar(sidecar)).read();
}

const EMPTY_SIDECAR: StateSidecar = { policies: {}, principals: [] };

/** The IAM world the sidecar describes, with the change applied on top. */
class OfflineIam {
  readonly #sidecar: StateSidecar;
  /** Documents by id: the sidecar's, overridden by what the event itself carries. */
  readonly #documents = new Map<string, unknown>();
  /** Extra holdings the event implies (an attachment, a membership) beyond what the sidecar lists. */
  readonly #extraPolicies = new Map<string, string[]>();
  readonly #extraGroups = new Map<string, string[]>();

  constructor(
    private readonly change: IamGrantChange,
    sidecar: StateSidecar | undefined,
  ) {
    this.#sidecar = sidecar ?? EMPTY_SIDECAR;
    for (const [id, document] of Object.entries(this.#sidecar.policies)) this.#documents.set(id, document);
  }

  read(): IamGrantState {
    const change = this.change;
    switch (change.operation) {
      case 'attach': {
        const changedPolicy = this.#policy(change.policyArn) ?? this.#unavailable(`the document of ${change.policyArn}`, 'attach');
        this.#addPolicy(change.principal, change.policyArn);
        const principals = this.#principalsReachedBy([change.principal]);
        // Replay applies the event: the attachment is in place (the live reader asks IAM instead).
        return { kind: 'iam-grant', changedPolicy, principals, ...attachmentTruth(change, changedPolicy, principals, change.region, change.accountId) };
      }
      case 'put-inline': {
        const source = inlinePolicySource(change.principal.type, change.principal.name, change.policyName);
        if (change.requestedPolicy !== undefined && change.requestedPolicy !== null) this.#documents.set(source, change.requestedPolicy);
        const changedPolicy = this.#policy(source) ?? this.#unavailable(`the document of inline policy ${source}`, 'put-inline');
        this.#addPolicy(change.principal, source);
        return { kind: 'iam-grant', changedPolicy, principals: this.#principalsReachedBy([change.principal]) };
      }
      case 'create-version': {
        // Only a version set as default takes effect; otherwise the default in effect is unchanged.
        if (change.setAsDefault && change.requestedPolicy !== undefined && change.requestedPolicy !== null) {
          this.#documents.set(change.policyArn, change.requestedPolicy);
        }
        // A version that is not made default changes nothing in effect: with the default unknown offline,
        // there is nothing this event put in effect to judge (SetDefaultPolicyVersion is judged when it comes).
        if (!change.setAsDefault && !this.#known(change.policyArn)) return { kind: 'iam-grant', changedPolicy: null, principals: [] };
        const what = change.setAsDefault ? `the new default version of ${change.policyArn}` : `the default version of ${change.policyArn} (the new version is not default)`;
        const changedPolicy = this.#policy(change.policyArn, this.#defaultVersionId(change.setAsDefault ? change.versionId : undefined)) ?? this.#unavailable(what, 'create-version');
        return this.#policyVersionState(change.policyArn, changedPolicy);
      }
      case 'set-default-version': {
        const version = this.#sidecar.versions?.find((v) => v.versionId === change.versionId);
        if (version?.document !== undefined) this.#documents.set(change.policyArn, version.document);
        const changedPolicy = this.#policy(change.policyArn, change.versionId) ?? this.#unavailable(`the document of ${change.policyArn} ${change.versionId}`, 'set-default-version');
        return this.#policyVersionState(change.policyArn, changedPolicy);
      }
      case 'add-to-group': {
        const group = this.#entry({ type: 'group', name: change.groupName });
        if (!group) {
          throw new StateUnavailableOfflineError(`the policies of group "${change.groupName}"`, 'the event payload nor its sidecar (list the group under "principals" in <event>.state.json)');
        }
        const user: IamPrincipalRef = { type: 'user', name: change.userName };
        this.#extraGroups.set(change.userName, [change.groupName]);
        const principals = this.#principalsReachedBy([user]);
        return {
          kind: 'iam-grant',
          changedPolicy: null,
          principals,
          gainedPolicies: this.#ownPolicies({ type: 'group', name: change.groupName }).map((policy) => ({ ...policy, viaGroup: change.groupName })),
          ...membershipTruth(change, principals, change.region, change.accountId),
        };
      }
      case 'update-trust':
      case 'create-role':
        // A new role holds nothing until something is attached; an existing one holds what the sidecar lists.
        return offlineRoleTrust(change, this.#entry({ type: 'role', name: change.roleName }) ? this.#principalsReachedBy([{ type: 'role', name: change.roleName }])[0] : undefined);
    }
  }

  #policyVersionState(policyArn: string, changedPolicy: IamPolicyInEffect): IamGrantState {
    // Who holds the policy: ListEntitiesForPolicy, answered from the sidecar's principals.
    const holders = this.#sidecar.principals.filter((p) => p.policies.includes(policyArn)).map((p) => ({ type: p.type, name: p.name }));
    return {
      kind: 'iam-grant',
      changedPolicy,
      principals: this.#principalsReachedBy(holders),
      ...(this.#sidecar.versions && { versions: this.#sidecar.versions.map((version) => this.#version(version, changedPolicy)) }),
    };
  }

  /** A sidecar version with its document: the sidecar's, or for the version in effect the document judged. */
  #version(version: NonNullable<StateSidecar['versions']>[number], changedPolicy: IamPolicyInEffect): PolicyVersion {
    const { versionId, isDefault, createDate } = version;
    const inEffect = changedPolicy.versionId === versionId || (changedPolicy.versionId === undefined && isDefault);
    const read = version.document !== undefined ? readPolicyInput(version.document) : inEffect ? changedPolicy : undefined;
    return {
      versionId,
      isDefault,
      ...(createDate !== undefined && { createDate }),
      ...(read && { rawDocument: read.rawDocument, document: read.document, ...(read.parseErrors && { parseErrors: read.parseErrors }) }),
    };
  }

  #defaultVersionId(fromEvent: string | undefined): string | undefined {
    return fromEvent ?? this.#sidecar.versions?.find((v) => v.isDefault)?.versionId;
  }

  #unavailable(what: string, operation: string): never {
    throw new StateUnavailableOfflineError(what, `the payload of this ${operation} event nor its sidecar ("policies" in <event>.state.json)`);
  }

  /** Whether the document of `id` is known: from the event, the sidecar, or (AWS managed) the offline snapshot. */
  #known(id: string): boolean {
    if (this.#documents.has(id)) return true;
    // AWS managed policies are the same in every account: data/aws-managed-policies.json knows them (reduced
    // to their SES statements, which is all the rules read).
    const managed = id.startsWith('arn:') ? managedPolicyDocument(id) : undefined;
    if (managed) this.#documents.set(id, managed.document);
    return managed !== undefined;
  }

  #policy(id: string, versionId?: string): IamPolicyInEffect | null {
    if (!this.#known(id)) return null;
    const document = this.#documents.get(id);
    // A managed policy with no SES statement at all reads as a policy granting nothing (the parser refuses an empty Statement).
    if (typeof document === 'object' && document !== null && Array.isArray((document as { Statement?: unknown }).Statement) && (document as { Statement: unknown[] }).Statement.length === 0) {
      return { source: id, kind: 'managed', ...(versionId !== undefined && { versionId }), rawDocument: JSON.stringify(document), document: { version: '2012-10-17', statements: [] } };
    }
    const managed = !id.startsWith('inline:');
    return {
      source: id,
      kind: managed ? 'managed' : 'inline',
      ...(managed && versionId !== undefined && { versionId }),
      ...readPolicyInput(this.#documents.get(id)),
    };
  }

  #entry(ref: IamPrincipalRef): SidecarPrincipal | undefined {
    return this.#sidecar.principals.find((p) => p.type === ref.type && p.name === ref.name);
  }

  #addPolicy(ref: IamPrincipalRef, id: string): void {
    const key = `${ref.type}/${ref.name}`;
    this.#extraPolicies.set(key, [...(this.#extraPolicies.get(key) ?? []), id]);
  }

  #ownPolicies(ref: IamPrincipalRef): IamPolicyInEffect[] {
    const ids = new Set([...(this.#entry(ref)?.policies ?? []), ...(this.#extraPolicies.get(`${ref.type}/${ref.name}`) ?? [])]);
    return [...ids].map((id) => {
      const policy = this.#policy(id);
      // The schema checked every listed id; only an id the event added can be missing, and it was read above.
      if (!policy) throw new InvalidStateSidecarError(`policy "${id}" of ${ref.type} "${ref.name}" has no document`);
      return policy;
    });
  }

  /** Groups of a user, from either side of the sidecar and from the event. */
  #groupsOf(userName: string): string[] {
    const groups = new Set([
      ...(this.#entry({ type: 'user', name: userName })?.groups ?? []),
      ...this.#sidecar.principals.filter((p) => p.type === 'group' && (p.members ?? []).includes(userName)).map((p) => p.name),
      ...(this.#extraGroups.get(userName) ?? []),
    ]);
    return [...groups];
  }

  #membersOf(groupName: string): string[] {
    const members = new Set([
      ...(this.#entry({ type: 'group', name: groupName })?.members ?? []),
      ...this.#sidecar.principals.filter((p) => p.type === 'user' && (p.groups ?? []).includes(groupName)).map((p) => p.name),
    ]);
    return [...members];
  }

  #state(ref: IamPrincipalRef): IamPrincipalState {
    const groups = ref.type === 'user' ? this.#groupsOf(ref.name) : [];
    const viaGroups = groups.flatMap((group) => this.#ownPolicies({ type: 'group', name: group }).map((policy) => ({ ...policy, viaGroup: group })));
    return {
      principal: ref,
      arn: this.#entry(ref)?.arn ?? iamPrincipalArn(this.change.region, this.change.accountId, ref.type, ref.name),
      policies: [...this.#ownPolicies(ref), ...viaGroups],
      ...(ref.type === 'user' && { groups }),
    };
  }

  /** Same order and shape as the live reader: each user or role; a group first, then its members. */
  #principalsReachedBy(refs: readonly IamPrincipalRef[]): IamPrincipalState[] {
    const seen = new Set<string>();
    const expanded = refs.flatMap((ref) =>
      ref.type === 'group' ? [ref, ...this.#membersOf(ref.name).map((name): IamPrincipalRef => ({ type: 'user', name }))] : [ref],
    );
    return expanded
      .filter((ref) => {
        const key = `${ref.type}/${ref.name}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((ref) => this.#state(ref));
  }
}
