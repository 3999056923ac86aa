import type { Trust } from '../policy/index.ts';
import type { RuleContext } from './types.ts';

/** The trusted accounts for a resource: config.trustedAccounts, or the resource's own account when none are listed. */
export function trustedAccountsOf(configured: readonly string[], ownAccount: string): readonly string[] {
  return configured.length > 0 ? configured : [ownAccount];
}

/** The perimeter a rule judges against, from config and the account the resource lives in. */
export function trustOf(ctx: Pick<RuleContext, 'config' | 'accountId'>): Trust {
  return { accounts: trustedAccountsOf(ctx.config.trustedAccounts, ctx.accountId), orgIds: ctx.config.trustedOrgIds };
}
