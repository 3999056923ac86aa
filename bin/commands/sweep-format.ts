import type { Severity } from '../../lib/config/schema.ts';
import { RULES } from '../../lib/families/index.ts';
import type { Decision } from '../../lib/guard/decision.ts';
import { summaryText, type SweepSummary } from '../../lib/sweep/summary.ts';
import { describeFix, SARIF_LEVEL, SARIF_SCHEMA_URI, sarifDriver } from './check-format.ts';

/** The renderings of `sesguard sweep`: one JSON object per resource, text grouped by severity, SARIF. */
export interface SweptResource {
  family: string;
  region: string;
  decision: Decision;
}

/** The same fields as `replay --format json`, plus where the resource was listed. */
export function formatSweepJsonLine(item: SweptResource): string {
  const d = item.decision;
  return `${JSON.stringify({
    type: 'resource',
    family: item.family,
    region: item.region,
    resource: d.resource ?? null,
    verdict: d.verdict,
    findings: d.findings,
    plan: d.plan ?? null,
    results: d.results,
    errors: d.errors,
    dryRun: d.dryRun,
  })}\n`;
}

export function formatSweepJsonSummary(summary: SweepSummary): string {
  return `${JSON.stringify({ type: 'summary', ...summary })}\n`;
}

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Findings grouped by severity (the worst first), then what could not be judged, then the summary table. */
export function formatSweepText(items: readonly SweptResource[], summary: SweepSummary): string {
  const out: string[] = [];
  for (const severity of ORDER) {
    const hits = items.flatMap((i) => i.decision.findings.filter((f) => f.severity === severity).map((f) => ({ i, f })));
    if (hits.length === 0) continue;
    out.push(`${severity.toUpperCase()} (${hits.length})`);
    for (const { i, f } of hits) {
      const outcome = i.decision.results.length > 0 ? ` [${[...new Set(i.decision.results.map((r) => r.outcome))].join(', ')}]` : '';
      out.push(`  ${f.ruleId} ${i.decision.resource ?? f.resource}${f.statement ? ` statement ${f.statement.index}` : ''}${outcome}`);
      out.push(`    ${f.reason}`);
      out.push(`    fix: ${describeFix(f.fix)} [action: ${f.action}${f.exemption ? `; exempt until ${f.exemption.expires}` : ''}]`);
    }
    out.push('');
  }
  const undecided = items.filter((i) => i.decision.verdict === 'invalid' || i.decision.verdict === 'error');
  if (undecided.length > 0) {
    out.push(`NOT JUDGED (${undecided.length})`);
    for (const i of undecided) out.push(`  ${i.decision.verdict.toUpperCase()} ${i.decision.resource ?? i.family}: ${i.decision.errors.join('; ')}`);
    out.push('');
  }
  out.push(...summaryText(summary));
  return `${out.join('\n')}\n`;
}

export function formatSweepSarif(items: readonly SweptResource[], toolVersion: string): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const results = items.flatMap((i) =>
    i.decision.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
      level: SARIF_LEVEL[f.severity],
      message: { text: `${f.reason} Fix: ${describeFix(f.fix)}.` },
      // An AWS resource has no file: it is named as a logical location (its ARN).
      locations: [{ logicalLocations: [{ fullyQualifiedName: i.decision.resource ?? f.resource, kind: 'resource' }] }],
      ...(f.exemption && { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.exemption.reason} (until ${f.exemption.expires})` }] }),
      properties: { severity: f.severity, action: f.action, resource: f.resource, family: i.family, region: i.region },
    })),
  );
  const notifications = items
    .filter((i) => i.decision.verdict === 'invalid' || i.decision.verdict === 'error')
    .map((i) => ({ level: 'error' as const, message: { text: `${i.decision.resource ?? i.family}: ${i.decision.errors.join('; ')}` } }));
  return `${JSON.stringify(
    {
      $schema: SARIF_SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: { driver: sarifDriver(toolVersion) },
          invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
          results,
        },
      ],
    },
    null,
    2,
  )}\n`;
}
