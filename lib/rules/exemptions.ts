import type { Exemption, RuleId } from '../config/schema.ts';
import { matchesArnPattern } from '../policy/index.ts';

/**
 * Exemptions are how a team accepts a known deviation without turning a rule off for everyone.
 * A finding under an active exemption is still reported, never repaired; an expired one no longer
 * applies and the finding says so, so a forgotten exemption surfaces instead of silently lapsing.
 */

/**
 * When an exemption stops applying. A date without a time (`2026-12-31`) covers that whole day in UTC:
 * people write the last day the exemption should hold, not the first day it should not.
 */
export function exemptionEndsAt(expires: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    const day = new Date(`${expires}T00:00:00Z`);
    return new Date(day.getTime() + 24 * 60 * 60 * 1000);
  }
  return new Date(expires);
}

export type ExemptionMatch =
  | { status: 'active'; exemption: Exemption }
  | { status: 'expired'; exemption: Exemption };

/**
 * The exemption that governs a finding, if any. `subjects` are every ARN the finding is about (the
 * resource, the acting principal, the principal gaining a grant): an exemption names whichever the
 * team thinks of. An active exemption wins over expired ones; among expired ones the latest is
 * reported.
 */
export function findExemption(exemptions: readonly Exemption[], ruleId: RuleId, subjects: readonly string[], now: Date): ExemptionMatch | undefined {
  let expired: Exemption | undefined;
  for (const exemption of exemptions) {
    if (!exemption.rules.includes('*') && !exemption.rules.includes(ruleId)) continue;
    if (!subjects.some((subject) => matchesArnPattern(exemption.resource, subject))) continue;
    if (exemptionEndsAt(exemption.expires).getTime() > now.getTime()) return { status: 'active', exemption };
    if (!expired || exemptionEndsAt(exemption.expires) > exemptionEndsAt(expired.expires)) expired = exemption;
  }
  return expired ? { status: 'expired', exemption: expired } : undefined;
}
