import type { Finding } from '../rules/types.ts';

/**
 * The findings the guard would act on: not under an active exemption and not alert-only. "Compliant"
 * means none are left — the same test for the race check before writing, for a baseline or stripped
 * document the planner considers writing back, and for the state read after the repair. Alert-only and
 * exempt findings are accepted deviations: reverting to a document that only has those is a repair,
 * and refusing to would leave the perimeter open over a finding nobody asked to enforce.
 */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.exemption === undefined && finding.action !== 'alert');
}

export function isCompliant(findings: readonly Finding[]): boolean {
  return blockingFindings(findings).length === 0;
}

/** "SES-IDP-001 (Statement 2 ...); SES-IDP-004 (...)" — for explanations that say what is still wrong. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.ruleId}: ${finding.reason}`).join(' ');
}

export function uniqueRuleIds(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.ruleId))];
}
