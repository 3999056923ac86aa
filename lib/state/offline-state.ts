import type {
  Change,
  EventDestinationChange,
  IamGrantChange,
  IamPrincipalRef,
  IdentityPolicyChange,
  VerificationTemplateChange,
} from '../cloudtrail/types.ts';
import type {
  EventDestinationState,
  IamGrantState,
  IamPolicyInEffect,
  IamPrincipalState,
  IdentityPolicyState,
  ResourceState,
  VerificationTemplateState,
} from './types.ts';
import { EventDestinationSchema } from './event-destination.ts';
import { InvalidStateSidecarError, StateUnavailableOfflineError } from './errors.ts';
import { parseStateSidecar, type SidecarPrincipal, type StateSidecar } from './offline-sidecar.ts';
import { readPolicyInput } from './policy-document.ts';
import { iamPrincipalArn, inlinePolicySource, sesConfigurationSetArn, sesIdentityArn, sesVerificationTemplateArn } from './resource-arns.ts';
import { describeZodIssues } from '../zod-issues.ts';

/**
 * The state for `sesguard replay` without AWS: what the event asked for, as if it had taken effect,
 * completed for IAM from an optional sidecar fixture (offline-sidecar.ts documents its shape). PURE: no
 * I/O, same answer for the same input. Where neither gives the document, StateUnavailableOfflineError
 * says that --live is needed; the guard never judges a guessed document.
 */
export function readOfflineState(change: Change, sidecar?: unknown): ResourceState {
  switch (change.family) {
    case 'identity-policy':
      return offlineIdentityPolicy(change);
    case 'event-destination':
      return offlineEventDestination(change);
    case 'custom-verification':
      if (change.operation === 'send') {
        return { kind: 'custom-verification-send', templateName: change.target.templateName, emailAddress: change.target.emailAddress };
      }
      return offlineVerificationTemplate(change);
    case 'iam-grant':
      return new OfflineIam(change, sidecar === undefined ? undefined : parseStateSidecar(sidecar)).read();
    case 'guard-integrity':
      return { kind: 'guard-integrity', change };
  }
}

function offlineIdentityPolicy(change: IdentityPolicyChange): IdentityPolicyState {
  const { identity, policyName } = change.target;
  if (change.requestedPolicy === undefined || change.requestedPolicy === null) {
    throw new StateUnavailableOfflineError(`the document of identity policy "${policyName}" on ${identity}`);
  }
  return {
    kind: 'identity-policy',
    identity,
    identityArn: sesIdentityArn(change.region, change.accountId, identity),
    policyName,
    ...readPolicyInput(change.requestedPolicy),
  };
}

function offlineEventDestination(change: EventDestinationChange): EventDestinationState {
  const { configurationSet, destinationName } = change.target;
  const what = `the definition of event destination "${destinationName}" of configuration set ${configurationSet}`;
  if (change.requestedDestination === undefined || change.requestedDestination === null || typeof change.requestedDestination !== 'object') {
    throw new StateUnavailableOfflineError(what);
  }
  const parsed = EventDestinationSchema.safeParse({ name: destinationName, ...change.requestedDestination });
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error).join('; ');
    throw new StateUnavailableOfflineError(what, `the event payload in a usable shape (${issues})`);
  }
  return {
    kind: 'event-destination',
    configurationSet,
    configurationSetArn: sesConfigurationSetArn(change.region, change.accountId, configurationSet),
    destination: parsed.data,
  };
}

function offlineVerificationTemplate(change: VerificationTemplateChange): VerificationTemplateState {
  const { templateName } = change.target;
  const requested = change.requestedTemplate ?? {};
  const { fromEmailAddress, successRedirectionURL, failureRedirectionURL } = requested;
  // SES v1's UpdateCustomVerificationEmailTemplate may change only some fields; the rest are unknown
  // offline, and judging "" as a redirect URL would be a finding about nothing.
  if (fromEmailAddress === undefined || successRedirectionURL === undefined || failureRedirectionURL === undefined) {
    const missing = Object.entries({ fromEmailAddress, successRedirectionURL, failureRedirectionURL })
      .filter(([, value]) => value === undefined)
      .map(([key]) => key);
    throw new StateUnavailableOfflineError(`${missing.join(', ')} of verification template "${templateName}"`);
  }
  return {
    kind: 'verification-template',
    templateName,
    templateArn: sesVerificationTemplateArn(change.region, change.accountId, templateName),
    template: {
      fromEmailAddress,
      templateSubject: requested.templateSubject ?? '',
      // CloudTrail does not record the template body; it is not judged.
      templateContent: '',
      successRedirectionURL,
      failureRedirectionURL,
    },
  };
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
        return { kind: 'iam-grant', changedPolicy, principals: this.#principalsReachedBy([change.principal]) };
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
        return {
          kind: 'iam-grant',
          changedPolicy: null,
          principals: this.#principalsReachedBy([user]),
          gainedPolicies: this.#ownPolicies({ type: 'group', name: change.groupName }).map((policy) => ({ ...policy, viaGroup: change.groupName })),
        };
      }
    }
  }

  #policyVersionState(policyArn: string, changedPolicy: IamPolicyInEffect): IamGrantState {
    // Who holds the policy: ListEntitiesForPolicy, answered from the sidecar's principals.
    const holders = this.#sidecar.principals.filter((p) => p.policies.includes(policyArn)).map((p) => ({ type: p.type, name: p.name }));
    return {
      kind: 'iam-grant',
      changedPolicy,
      principals: this.#principalsReachedBy(holders),
      ...(this.#sidecar.versions && { versions: this.#sidecar.versions.map(({ versionId, isDefault, createDate }) => ({ versionId, isDefault, ...(createDate !== undefined && { createDate }) })) }),
    };
  }

  #defaultVersionId(fromEvent: string | undefined): string | undefined {
    return fromEvent ?? this.#sidecar.versions?.find((v) => v.isDefault)?.versionId;
  }

  #unavailable(what: string, operation: string): never {
    throw new StateUnavailableOfflineError(what, `the payload of this ${operation} event nor its sidecar ("policies" in <event>.state.json)`);
  }

  #policy(id: string, versionId?: string): IamPolicyInEffect | null {
    if (!this.#documents.has(id)) return null;
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
    const viaGroups = ref.type === 'user' ? this.#groupsOf(ref.name).flatMap((group) => this.#ownPolicies({ type: 'group', name: group }).map((policy) => ({ ...policy, viaGroup: group }))) : [];
    return {
      principal: ref,
      arn: this.#entry(ref)?.arn ?? iamPrincipalArn(this.change.region, this.change.accountId, ref.type, ref.name),
      policies: [...this.#ownPolicies(ref), ...viaGroups],
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
