/**
 * What sesguard check reads out of infrastructure as code: each resource the rules can judge, as the
 * document the family's check input takes (so an IaC resource and a JSON file share one decision), with
 * where it is in the file. Values the file does not fix (known only after apply, imported from another
 * stack, a parameter without a default) are never guessed: the resource is reported as not judged.
 */

/** The `sesguard check` kinds an IaC resource maps to (the families' check inputs). */
export type IacCheckKind = 'identity-policy' | 'iam-policy' | 'event-destination';

export interface IacTarget {
  /** ARN (or, for a policy, the source label findings cite) of the judged resource. */
  resource?: string;
  /** ARNs of the principals an IAM policy reaches in this file. */
  principals?: string[];
  /** The resource's own name when the document does not carry it (an identity policy's name). */
  name?: string;
  region?: string;
  /** Which IAM size limit the document counts against (lint): a managed policy, or a user's, role's or group's inline policies. */
  container?: 'managed' | 'user-inline' | 'role-inline' | 'group-inline';
  /** An AWS managed policy (from the offline snapshot, reduced to its SES statements): judged, but not linted. */
  awsManaged?: true;
}

export interface IacResource {
  /** Terraform address (`module.x.aws_iam_role_policy.y["k"]`) or CloudFormation logical id, with the part (`AppBackendRole.Policies[0]`). */
  address: string;
  /** Terraform resource type or CloudFormation resource type. */
  type: string;
  kind: IacCheckKind;
  document: Record<string, unknown>;
  target: IacTarget;
  /** Where the resource is in the file, as a path into the parsed file (its line for SARIF and the text report). */
  path: ReadonlyArray<string | number>;
  /** Where the judged document itself is written in the file, when it is written as structure (not a JSON string): findings then point at their statement's line. */
  documentPath?: ReadonlyArray<string | number>;
  /** Why it cannot be judged, one entry per value that is not known: non-empty means "not judged" (exit 2). */
  unknown: string[];
  /** A note for the report (`unchanged by this plan`, `created only when condition IsProd is true`). */
  note?: string;
}

export interface IacSkipped {
  address: string;
  type: string;
  reason: string;
}

export interface IacModel {
  format: 'terraform-plan' | 'cloudformation';
  resources: IacResource[];
  /** Resources no rule judges, and deletions: listed so nothing is dropped without saying so. */
  skipped: IacSkipped[];
}

export interface IacReadOptions {
  /** The account the resources are created in (--account, or the first trusted account). */
  account?: string;
  /** Region for resources that do not name one (--region); default: the Terraform provider's, else us-east-1. */
  region?: string;
}

/** A value the file leaves open; carries why, for the report. */
export class UnknownValue {
  constructor(readonly why: string) {}
}

/** Every unknown leaf of a resolved value, as `path: why`. */
export function unknownsIn(value: unknown, path = ''): string[] {
  if (value instanceof UnknownValue) return [`${path || '(value)'}: ${value.why}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownsIn(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => unknownsIn(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** A policy document as IaC holds it: an object, or its JSON text. */
export function policyDocumentOf(value: unknown, where: string): { document: Record<string, unknown> } | { unknown: string } {
  if (value instanceof UnknownValue) return { unknown: `${where}: ${value.why}` };
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { document: parsed as Record<string, unknown> };
    } catch (error) {
      return { unknown: `${where}: is not a JSON policy document (${(error as Error).message})` };
    }
    return { unknown: `${where}: is not a JSON object` };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { document: value as Record<string, unknown> };
  return { unknown: `${where}: is not a policy document` };
}
