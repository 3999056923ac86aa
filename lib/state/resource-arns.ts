import { partitionOf } from '../aws/partition.ts';

/** ARNs of the SES resources the guard judges, in the partition of the change's region. */

export function sesIdentityArn(region: string, accountId: string, identity: string): string {
  return `arn:${partitionOf(region)}:ses:${region}:${accountId}:identity/${identity}`;
}

export function sesConfigurationSetArn(region: string, accountId: string, configurationSet: string): string {
  return `arn:${partitionOf(region)}:ses:${region}:${accountId}:configuration-set/${configurationSet}`;
}

export function sesVerificationTemplateArn(region: string, accountId: string, templateName: string): string {
  return `arn:${partitionOf(region)}:ses:${region}:${accountId}:custom-verification-email-template/${templateName}`;
}

/** Fallback when IAM does not say (paths make the real ARN differ, so IAM's own Arn is preferred). */
export function iamPrincipalArn(region: string, accountId: string, type: 'user' | 'role' | 'group', name: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:${type}/${name}`;
}

/** Source id of an inline policy, as lib/state/types.ts IamPolicyInEffect.source defines it. */
export function inlinePolicySource(type: 'user' | 'role' | 'group', name: string, policyName: string): string {
  return `inline:${type}/${name}/${policyName}`;
}
