/**
 * ARN facts shared by the engine, the rules and the repairs: whose account an ARN or a principal names.
 * ARN format: arn:partition:service:region:account-id:resource.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/**
 * The account an ARN names, or undefined when the ARN has no literal account (S3 bucket ARNs have
 * none; `*` or `12345678901?` in the account field is not an account).
 */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const account = parts[4] ?? '';
  return ACCOUNT_ID.test(account) ? account : undefined;
}

/**
 * The account of an AWS principal as a policy names it or as IAM reports a caller: a bare account id, or an
 * IAM/STS ARN (root, user, role, assumed-role or federated-user session). Anything else — a unique id
 * (AIDA..., AROA..., left behind when the named principal was deleted) or another service's ARN, which IAM
 * does not accept as an AWS principal — is not attributable to an account and returns undefined.
 */
export function accountOfPrincipal(principal: string): string | undefined {
  if (ACCOUNT_ID.test(principal)) return principal;
  const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal);
  return m?.[1];
}
