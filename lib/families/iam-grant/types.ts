import type { Change } from '../../cloudtrail/types.ts';
import type { Policy } from '../../policy/types.ts';

export type IamPrincipalRef = { type: 'user' | 'role' | 'group'; name: string };

export type IamGrantChange = Change & {
  family: 'iam-grant';
} & (
    | { operation: 'attach'; principal: IamPrincipalRef; policyArn: string }
    | { operation: 'put-inline'; principal: IamPrincipalRef; policyName: string; requestedPolicy?: unknown }
    | { operation: 'create-version'; policyArn: string; versionId?: string; setAsDefault: boolean; requestedPolicy?: unknown }
    | { operation: 'set-default-version'; policyArn: string; versionId: string }
    | { operation: 'add-to-group'; groupName: string; userName: string }
    // IAM-SES-003 (trust-events.ts): who may assume a role.
    | { operation: 'update-trust'; roleName: string; requestedTrustPolicy?: unknown }
    | { operation: 'create-role'; roleName: string; path?: string; requestedTrustPolicy?: unknown }
  );

/** One IAM policy in effect for a principal. */
export interface IamPolicyInEffect {
  /** Managed policy ARN, or `inline:<user|role|group>/<name>/<policyName>`. */
  source: string;
  kind: 'managed' | 'inline';
  /** For managed policies: the default version id the document came from. */
  versionId?: string;
  /** Whether the policy reaches the principal via a group. */
  viaGroup?: string;
  rawDocument: string;
  document: Policy | null;
  parseErrors?: string[];
}

export interface IamPrincipalState {
  principal: IamPrincipalRef;
  arn: string;
  policies: IamPolicyInEffect[];
  /** Users: the groups IAM lists them in now (ListGroupsForUser), whether or not a group holds policies. */
  groups?: string[];
  /**
   * A member of a group the change reached, read with only that group's policies: what the group decides
   * for all its members comes from the group's own policies (judged as the group itself, listed first), so
   * a group of 500 costs a few calls, not six per member. Its own and its other groups' policies were not
   * read; rules.ts judges such a member on its own only when the group itself does not gain.
   */
  onlyViaGroup?: string;
  /**
   * Roles read for a policy event: the trust policy GetRole returned with the role (no extra call), so
   * IAM-SES-003 also judges who may assume a role that gains perimeter actions. Absent offline.
   */
  trust?: RoleTrust;
}

/**
 * The link an attach or AddUserToGroup made, as IAM shows it NOW: events arrive late and twice, and a
 * detach or a removal may already have undone it. `present: false` means the grant no longer exists.
 */
export type GrantLink =
  | { kind: 'attachment'; principal: IamPrincipalRef; principalArn: string; policyArn: string; present: boolean }
  | { kind: 'membership'; userName: string; userArn: string; groupName: string; present: boolean };

/**
 * A managed policy version. The document is read for every version (at most five), so the rollback can
 * judge each candidate under today's rules before making it the default; absent when it was not read.
 */
export type PolicyVersion = { versionId: string; isDefault: boolean; createDate?: string; rawDocument?: string; document?: Policy | null; parseErrors?: string[] };

export interface IamGrantState {
  kind: 'iam-grant';
  /** The policy the change touched (managed ARN or inline source id) — the grant that may be reverted. */
  changedPolicy: IamPolicyInEffect | null;
  /** Every principal that gains through the change, each with its full effective policy set. */
  principals: IamPrincipalState[];
  /** Managed policies: all versions, newest first (for rollback and the five-version limit). */
  versions?: PolicyVersion[];
  /**
   * add-to-group: the membership is the grant, so there is no single changedPolicy (null); these are
   * the group's policies the user gains through it (each with viaGroup set). Judge each of them.
   */
  gainedPolicies?: IamPolicyInEffect[];
  /** update-trust / create-role: the role's trust policy (who may assume it); principals[0] is the role. */
  trust?: RoleTrust;
  /** attach / add-to-group: the attachment or membership, as IAM shows it now. */
  link?: GrantLink;
  /**
   * Why the grant the change made is no longer in effect (detached, removed from the group, deleted): then
   * nothing is judged and the decision is compliant, saying this.
   */
  notInEffect?: string;
}

/** A role's trust policy as IAM holds it (trust-state.ts). */
export interface RoleTrust {
  roleName: string;
  roleArn: string;
  /** Decoded JSON text; null when the role is gone. */
  rawDocument: string | null;
  document: Policy | null;
  parseErrors?: string[];
}

/** The baseline key of a role's trust policy: not a policy source, so it cannot collide with one. */
export function trustBaselineKey(roleArn: string): string {
  return `trust:${roleArn}`;
}

/** Source id of an inline policy, as IamPolicyInEffect.source defines it. */
export function inlinePolicySource(type: IamPrincipalRef['type'], name: string, policyName: string): string {
  return `inline:${type}/${name}/${policyName}`;
}
