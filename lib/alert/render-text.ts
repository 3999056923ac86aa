import type { AlertMessage } from './alert-schema.ts';

const SEVERITY_LABEL: Record<AlertMessage['severity'], string> = {
  info: 'INFO',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/**
 * The alert as plain text: what a person reads in a terminal (`sesguard replay`), an e-mail
 * subscription, or Slack's notification fallback. Most important first: what happened, to what, by whom,
 * then why and what the guard did.
 */
export function renderAlertText(alert: AlertMessage): string {
  const lines: string[] = [];
  lines.push(`[${SEVERITY_LABEL[alert.severity]}] ${alert.title}`);
  lines.push(alert.summary);
  lines.push('');
  lines.push(`outcome:   ${alert.outcome}${alert.dryRun ? ' (dry-run)' : ''}`);
  if (alert.resource.arn) lines.push(`resource:  ${alert.resource.arn}`);
  lines.push(`account:   ${alert.account ?? 'unknown'}   region: ${alert.region ?? 'unknown'}`);
  if (alert.actor) {
    lines.push(`actor:     ${alert.actor.arn ?? alert.actor.invokedBy ?? 'unknown'} (${alert.actor.type})`);
    if (alert.actor.sessionIssuerArn) lines.push(`  via role ${alert.actor.sessionIssuerArn}`);
    const origin = [alert.actor.sourceIp && `from ${alert.actor.sourceIp}`, alert.actor.userAgent && `using ${alert.actor.userAgent}`].filter(Boolean);
    if (origin.length > 0) lines.push(`  ${origin.join(' ')}`);
  }
  if (alert.event.name || alert.event.id) {
    lines.push(`event:     ${alert.event.name ?? '?'} ${alert.event.id ?? ''} at ${alert.event.time ?? 'unknown time'}`.trimEnd());
  }
  if (alert.timings.eventToDecisionMs !== null) lines.push(`open for:  ${formatDuration(alert.timings.eventToDecisionMs)} (event to decision)`);
  if (alert.skip) lines.push(`skipped:   ${alert.skip.reason}: ${alert.skip.detail}`);

  if (alert.findings.length > 0) {
    lines.push('', 'findings:');
    for (const f of alert.findings) {
      const where = f.statement ? ` statement ${f.statement.index}${f.statement.sid ? ` (${f.statement.sid})` : ''}` : '';
      lines.push(`  ${f.ruleId} [${f.severity}]${where}: ${f.reason}`);
      if (f.exemption) lines.push(`    exempt until ${f.exemption.expires}: ${f.exemption.reason}`);
    }
  }
  if (alert.remediation) {
    const r = alert.remediation;
    lines.push('', `remediation: ${r.strategy}${alert.dryRun ? ' (dry-run)' : ''} - ${r.explanation}`);
    for (const s of r.steps) {
      lines.push(`  ${s.outcome.padEnd(8)} ${s.id} ${s.action} ${s.target}${s.detail ? ` [${s.detail}]` : ''}`);
    }
    for (const n of r.notRepaired) lines.push(`  not repaired ${n.ruleId}: ${n.reason}`);
  }
  if (alert.document.diff.lines.length > 0) {
    lines.push('', alert.document.diff.changed ? `change (${alert.document.diff.kind} diff):` : 'document (unchanged):');
    for (const l of alert.document.diff.lines) lines.push(`  ${l}`);
  }
  if (alert.errors.length > 0) {
    lines.push('', 'errors:');
    for (const e of alert.errors) lines.push(`  ! ${e}`);
  }
  const links = [alert.links.resource && `resource: ${alert.links.resource}`, alert.links.event && `event:    ${alert.links.event}`].filter(Boolean);
  if (links.length > 0) lines.push('', ...links.map((l) => `${l}`));
  return lines.join('\n') + '\n';
}

export function formatDuration(ms: number): string {
  if (ms < 0) return `${ms} ms (clock skew)`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
