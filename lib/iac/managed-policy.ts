import { managedPolicyDocument, managedPolicySnapshotInfo } from '../managed-policies/snapshot.ts';

/** AWS managed policies live in the `aws` account: their documents are known offline from the snapshot. */
const AWS_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\//;

export function isAwsManagedPolicyArn(arn: string): boolean {
  return AWS_MANAGED.test(arn);
}

export type AttachedPolicy =
  | { kind: 'document'; document: Record<string, unknown>; versionId: string }
  /** The snapshot knows the policy and none of its statements can match an SES action. */
  | { kind: 'nothing-in-ses'; reason: string }
  | { kind: 'unknown'; reason: string };

/** The document an attachment of an AWS managed policy brings, from the offline snapshot (data/aws-managed-policies.json). */
export function awsManagedPolicy(arn: string): AttachedPolicy {
  const found = managedPolicyDocument(arn);
  const source = `the managed-policy snapshot (${managedPolicySnapshotInfo().sourcePackage}@${managedPolicySnapshotInfo().sourceVersion})`;
  if (!found) return { kind: 'unknown', reason: `${arn} is not in ${source}; its document is unknown offline` };
  const document = found.document as Record<string, unknown>;
  if (Array.isArray(document['Statement']) && document['Statement'].length === 0) {
    return { kind: 'nothing-in-ses', reason: `${arn} ${found.versionId} grants nothing in SES (${source})` };
  }
  return { kind: 'document', document, versionId: found.versionId };
}
