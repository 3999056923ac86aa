import type { Change, SesApiVersion } from '../../cloudtrail/types.ts';
import type { Policy } from '../../policy/types.ts';

export interface IdentityPolicyChange extends Change {
  family: 'identity-policy';
  apiVersion: SesApiVersion;
  operation: 'put' | 'create' | 'update';
  target: { identity: string; policyName: string };
  /** The document as sent in the call (evidence; offline replay judges it when nothing can be read). */
  requestedPolicy?: unknown;
}

/** The CURRENT identity (sending-authorization) policy, read from SES (or, offline, from the event). */
export interface IdentityPolicyState {
  kind: 'identity-policy';
  identity: string;
  /** arn:<partition>:ses:<region>:<account>:identity/<identity> */
  identityArn: string;
  policyName: string;
  /** The document as AWS returned it (URL-decoded); null when the policy no longer exists. */
  rawDocument: string | null;
  /** Parsed document; null when absent or when it does not parse (then parseErrors says why). */
  document: Policy | null;
  parseErrors?: string[];
}
