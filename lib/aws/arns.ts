import { partitionOf } from './partition.ts';

/**
 * An ARN in the partition of `region` (arn:aws-cn:... for China regions, arn:aws-us-gov:... for GovCloud).
 * Global services (IAM) leave the region field empty but still live in the region's partition.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function arnIn(region: string, parts: { service: string; region?: string; account: string; resource: string }): string {
  return `arn:${partitionOf(region)}:${parts.service}:${parts.region ?? ''}:${parts.account}:${parts.resource}`;
}

/** An IAM user, role or group ARN; IAM's own Arn (which carries the path) is preferred when IAM gives one. */
export function iamPrincipalArn(region: string, accountId: string, type: 'user' | 'role' | 'group', name: string): string {
  return arnIn(region, { service: 'iam', account: accountId, resource: `${type}/${name}` });
}

/** An SES resource in `region` (identity/<name>, configuration-set/<name>, custom-verification-email-template/<name>). */
export function sesArn(region: string, accountId: string, resource: string): string {
  return arnIn(region, { service: 'ses', region, account: accountId, resource });
}

/** An SES email identity (domain or address). */
export function identityArn(region: string, accountId: string, identity: string): string {
  return sesArn(region, accountId, `identity/${identity}`);
}

/** An SES custom verification email template. */
export function verificationTemplateArn(region: string, accountId: string, templateName: string): string {
  return sesArn(region, accountId, `custom-verification-email-template/${templateName}`);
}

/** An SES configuration set (its event destinations are named inside it, not in the ARN). */
export function configurationSetArn(region: string, accountId: string, configurationSet: string): string {
  return sesArn(region, accountId, `configuration-set/${configurationSet}`);
}
