import type { StateSidecar } from '../families/iam-grant/sidecar.ts';
import { isRecord } from '../json-value.ts';

/**
 * What a replayed run of CloudTrail history has shown about IAM, so a later event is judged with what an
 * earlier one carried (the runtime would read it from IAM): the document a CreatePolicyVersion sent, for
 * the SetDefaultPolicyVersion that makes it default; a CreatePolicy's document for the attachment that
 * follows; who was given which policy. Answered in the iam-grant family's sidecar format
 * (lib/families/iam-grant/sidecar.ts), merged over the sidecar file beside an event when there is one.
 * Only calls that succeeded are learnt from (a failed call changed nothing).
 */

type Holder = 'user' | 'role' | 'group';

interface VersionSeen {
  document?: unknown;
  isDefault: boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const INLINE: Record<string, Holder> = { PutUserPolicy: 'user', PutRolePolicy: 'role', PutGroupPolicy: 'group' };
const ATTACH: Record<string, Holder> = { AttachUserPolicy: 'user', AttachRolePolicy: 'role', AttachGroupPolicy: 'group' };
const DETACH: Record<string, Holder> = { DetachUserPolicy: 'user', DetachRolePolicy: 'role', DetachGroupPolicy: 'group' };
const NAME_FIELD: Record<Holder, string> = { user: 'userName', role: 'roleName', group: 'groupName' };

/** IAM's documents arrive URL-encoded in some records and as JSON text in others. */
function documentOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value.trim().startsWith('%') ? decodeURIComponent(value) : value) as unknown;
  } catch {
    return value;
  }
}

export class IamHistory {
  /** Default-version (or inline) document by policy id. */
  readonly #documents = new Map<string, unknown>();
  readonly #versions = new Map<string, Map<string, VersionSeen>>();
  readonly #holdings = new Map<string, Set<string>>();
  readonly #members = new Map<string, Set<string>>();

  /** Learns from one CloudTrail record (call in eventTime order, after the record was judged). */
  observe(record: Record<string, unknown>): void {
    if (record['eventSource'] !== 'iam.amazonaws.com' || record['errorCode'] !== undefined) return;
    const request = isRecord(record['requestParameters']) ? record['requestParameters'] : {};
    const response = isRecord(record['responseElements']) ? record['responseElements'] : {};
    const name = text(record['eventName']) ?? '';
    const policyArn = text(request['policyArn']);
    if (name === 'CreatePolicy') {
      const created = isRecord(response['policy']) ? text(response['policy']['arn']) : undefined;
      if (created && request['policyDocument'] !== undefined) {
        const document = documentOf(request['policyDocument']);
        this.#documents.set(created, document);
        this.#versions.set(created, new Map([['v1', { document, isDefault: true }]]));
      }
    } else if (name === 'CreatePolicyVersion' && policyArn) {
      const version = isRecord(response['policyVersion']) ? text(response['policyVersion']['versionId']) : undefined;
      const document = documentOf(request['policyDocument']);
      const setAsDefault = request['setAsDefault'] === true;
      if (version) {
        const versions = this.#versions.get(policyArn) ?? new Map<string, VersionSeen>();
        if (setAsDefault) for (const seen of versions.values()) seen.isDefault = false;
        versions.set(version, { document, isDefault: setAsDefault });
        this.#versions.set(policyArn, versions);
      }
      if (setAsDefault) this.#documents.set(policyArn, document);
    } else if (name === 'SetDefaultPolicyVersion' && policyArn) {
      const versionId = text(request['versionId']);
      const versions = this.#versions.get(policyArn);
      if (versionId && versions) {
        for (const [id, seen] of versions) seen.isDefault = id === versionId;
        const document = versions.get(versionId)?.document;
        if (document !== undefined) this.#documents.set(policyArn, document);
        else this.#documents.delete(policyArn);
      }
    } else if (INLINE[name]) {
      const holder = INLINE[name];
      const who = text(request[NAME_FIELD[holder]]);
      const policyName = text(request['policyName']);
      if (who && policyName && request['policyDocument'] !== undefined) {
        const id = `inline:${holder}/${who}/${policyName}`;
        this.#documents.set(id, documentOf(request['policyDocument']));
        this.#hold(holder, who, id, true);
      }
    } else if (ATTACH[name] && policyArn) {
      const holder = ATTACH[name];
      const who = text(request[NAME_FIELD[holder]]);
      if (who) this.#hold(holder, who, policyArn, true);
    } else if (DETACH[name] && policyArn) {
      const holder = DETACH[name];
      const who = text(request[NAME_FIELD[holder]]);
      if (who) this.#hold(holder, who, policyArn, false);
    } else if (name === 'AddUserToGroup' || name === 'RemoveUserFromGroup') {
      const group = text(request['groupName']);
      const user = text(request['userName']);
      if (group && user) {
        const members = this.#members.get(group) ?? new Set<string>();
        if (name === 'AddUserToGroup') members.add(user);
        else members.delete(user);
        this.#members.set(group, members);
      }
    }
  }

  #hold(holder: Holder, who: string, id: string, holds: boolean): void {
    const key = `${holder}/${who}`;
    const ids = this.#holdings.get(key) ?? new Set<string>();
    if (holds) ids.add(id);
    else ids.delete(id);
    this.#holdings.set(key, ids);
  }

  /** Nothing learnt yet: the sidecar file (if any) is used as it is. */
  get empty(): boolean {
    return this.#documents.size === 0 && this.#versions.size === 0 && this.#holdings.size === 0 && this.#members.size === 0;
  }

  /**
   * A sidecar for a change to `policyArn` (or none): what the run has shown, with the sidecar file beside the
   * event laid over it. The file is the authority for what it states (it is what IAM answered for that
   * event); the run fills in what it leaves out. Holdings are listed only for policies whose document is
   * known (the sidecar format requires it).
   */
  sidecarFor(policyArn: string | undefined, file: StateSidecar | undefined): StateSidecar {
    const policies: Record<string, unknown> = Object.fromEntries(this.#documents);
    Object.assign(policies, file?.policies ?? {});
    const principals = new Map<string, StateSidecar['principals'][number]>();
    for (const [key, ids] of this.#holdings) {
      const [type, name] = key.split('/') as [Holder, string];
      principals.set(key, { type, name, policies: [...ids].filter((id) => id in policies) });
    }
    for (const [group, members] of this.#members) {
      const key = `group/${group}`;
      const entry = principals.get(key) ?? { type: 'group' as const, name: group, policies: [] };
      principals.set(key, { ...entry, members: [...members] });
    }
    for (const p of file?.principals ?? []) {
      const seen = principals.get(`${p.type}/${p.name}`);
      principals.set(`${p.type}/${p.name}`, { ...p, policies: [...new Set([...(seen?.policies ?? []), ...p.policies])], ...((seen?.members ?? p.members) && { members: [...new Set([...(seen?.members ?? []), ...(p.members ?? [])])] }) });
    }
    const seen = policyArn ? this.#versions.get(policyArn) : undefined;
    let versions = file?.versions;
    if (seen) {
      const merged = new Map<string, NonNullable<StateSidecar['versions']>[number]>();
      for (const [versionId, v] of seen) merged.set(versionId, { versionId, isDefault: v.isDefault, ...(v.document !== undefined && { document: v.document as Record<string, unknown> }) });
      const fileDefault = file?.versions?.some((v) => v.isDefault) ?? false;
      if (fileDefault) for (const v of merged.values()) v.isDefault = false;
      for (const v of file?.versions ?? []) merged.set(v.versionId, { ...merged.get(v.versionId), ...v });
      versions = [...merged.values()];
    }
    return { policies: policies as StateSidecar['policies'], principals: [...principals.values()], ...(versions && { versions }) };
  }
}
