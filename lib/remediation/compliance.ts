import type { Finding } from '../rules/types.ts';

/**
 * The findings the guard would act on: not under an active exemption and not alert-only. Alert-only and
 * exempt findings are accepted deviations: reverting to a document that only has those is a repair,
 * and refusing to would leave the perimeter open over a finding nobody asked to enforce.
 */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.exemption === undefined && finding.action !== 'alert');
}

/**
 * The blocking findings a change to the resource must answer. "Compliant" means none are left — the
 * same test for the race check before writing, for a baseline or stripped document the planner
 * considers writing back, and for the state read after the repair. A rule configured to quarantine is
 * answered by quarantining the actor, not by editing the document, so its findings do not make a
 * candidate document unacceptable (otherwise every strip would fall back to deleting the policy).
 */
export function resourceFindings(findings: readonly Finding[]): Finding[] {
  return blockingFindings(findings).filter((finding) => finding.action !== 'quarantine');
}

/** "SES-IDP-001 (Statement 2 ...); SES-IDP-004 (...)" — for explanations that say what is still wrong. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.ruleId}: ${finding.reason}`).join(' ');
}

export function uniqueRuleIds(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.ruleId))];
}
