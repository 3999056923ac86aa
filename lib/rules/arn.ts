/**
 * ARN facts the rules need: whose account an ARN belongs to, and wildcard patterns from config
 * (adminPrincipals, exemptions).
 */

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The account an ARN names, or undefined when the ARN has no literal account (S3 bucket ARNs have
 * none; `*` or `12345678901?` in the account field is not an account). ARN format:
 * arn:partition:service:region:account-id:resource.
 */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const account = parts[4] ?? '';
  return ACCOUNT_ID.test(account) ? account : undefined;
}

/**
 * The account of an AWS principal as written in a policy: a bare account id, an IAM/STS ARN.
 * Unique ids (AIDA..., AROA...) appear when the named principal was deleted; they cannot be
 * attributed to an account, so they return undefined.
 */
export function accountOfPrincipal(principal: string): string | undefined {
  if (ACCOUNT_ID.test(principal)) return principal;
  return accountOfArn(principal);
}

const patternCache = new Map<string, RegExp>();

/**
 * IAM-style wildcard match: `*` any run of characters, `?` exactly one. Case-insensitive, because IAM
 * names (users, roles, policies) are unique case-insensitively and SES identities (domains, email
 * addresses) are too, so a case difference never names a different thing; matching case-sensitively
 * would turn an administrator into a "non-administrator" over a capital letter.
 */
export function matchesArnPattern(pattern: string, value: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, 'is');
    patternCache.set(pattern, regex);
  }
  return regex.test(value);
}

export function matchesAnyArnPattern(patterns: readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  return patterns.some((pattern) => matchesArnPattern(pattern, value));
}

/** The trusted accounts for a resource: config.trustedAccounts, or the resource's own account when none are listed. */
export function trustedAccountsOf(configured: readonly string[], ownAccount: string): readonly string[] {
  return configured.length > 0 ? configured : [ownAccount];
}
