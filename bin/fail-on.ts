import { SEVERITIES, type Severity } from '../lib/config/schema.ts';

/**
 * `--fail-on SEVERITY`, the same for every command that judges (check, replay, sweep): exit 1 when a
 * finding that is not exempt is at or above the severity.
 */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The severity, or the usage error's message. */
export function parseFailOn(value: string): Severity | { error: string } {
  return (SEVERITIES as readonly string[]).includes(value) ? (value as Severity) : { error: `--fail-on must be one of ${SEVERITIES.join(', ')}, not "${value}"` };
}

export function failsOn(findings: Iterable<{ severity: Severity; exemption?: unknown }>, failOn: Severity): boolean {
  for (const finding of findings) if (finding.exemption === undefined && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn]) return true;
  return false;
}
