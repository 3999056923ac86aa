import type { Change } from '../../cloudtrail/types.ts';
import type { Config } from '../../config/schema.ts';
import { partitionOf } from '../../aws/partition.ts';
import { revokeSessionsPolicyName } from './revoke-sessions.ts';

/**
 * The guard's perimeter-deny policy, `<quarantinePolicyName>-perimeter-deny`: a static managed policy,
 * written once by the template from the IAM-SES-001 action catalogue (lib/families/iam-grant/perimeter-deny.ts)
 * and never changed by the guard. The guard repairs an IAM grant of perimeter actions by attaching it to
 * the principal: the Deny takes exactly the perimeter back and leaves every other statement (the mail the
 * principal sends) in place. Attaching a fixed document is the only IAM write the guard needs for that:
 * IAM cannot constrain the content of a document a role may write (Put*Policy, CreatePolicyVersion,
 * UpdateAssumeRolePolicy), but it can constrain which policy a role may attach (iam:PolicyARN).
 */
export function perimeterDenyPolicyName(quarantinePolicyName: string): string {
  return `${quarantinePolicyName}-perimeter-deny`.slice(0, 128);
}

export function perimeterDenyPolicyArn(change: Pick<Change, 'region' | 'accountId'>, config: Pick<Config, 'quarantinePolicyName'>): string {
  return `arn:${partitionOf(change.region)}:iam::${change.accountId}:policy/${perimeterDenyPolicyName(config.quarantinePolicyName)}`;
}

/** The names of every managed policy the guard owns (GUARD-001 watches each; the roles may attach only these). */
export function guardPolicyNames(quarantinePolicyName: string): string[] {
  return [quarantinePolicyName, revokeSessionsPolicyName(quarantinePolicyName), perimeterDenyPolicyName(quarantinePolicyName)];
}

const PERIMETER_DENY_SUFFIX = perimeterDenyPolicyName('');

/** Whether a managed policy ARN names a perimeter-deny policy (whatever the configured quarantine name). */
export function isPerimeterDenyArn(policyArn: string): boolean {
  return /^arn:aws[\w-]*:iam::\d{12}:policy\//.test(policyArn) && policyArn.endsWith(PERIMETER_DENY_SUFFIX);
}
