import type { Decision, Verdict } from '../../lib/guard/decision.ts';

/** One line of JSON per event: stable field names that scripts can rely on. */
export function formatReplayJson(file: string, decision: Decision): string {
  return (
    JSON.stringify({
      file,
      eventId: decision.eventId ?? null,
      eventName: decision.eventName ?? null,
      verdict: decision.verdict,
      resource: decision.resource ?? null,
      actor: decision.change?.actor.arn ?? null,
      skip: decision.skip ? { reason: decision.skip.reason, detail: decision.skip.detail } : null,
      findings: decision.findings,
      plan: decision.plan ?? null,
      results: decision.results,
      errors: decision.errors,
      dryRun: decision.dryRun,
    }) + '\n'
  );
}

export function formatReplayText(file: string, decision: Decision): string {
  const lines: string[] = [file];
  const what = [decision.eventName ?? '(no event name)', decision.resource].filter(Boolean).join('  ');
  lines.push(`  ${what}`);
  if (decision.change?.actor.arn) lines.push(`  by ${decision.change.actor.arn}`);
  lines.push(`  verdict: ${decision.verdict.toUpperCase()}`);
  if (decision.skip) lines.push(`  skipped (${decision.skip.reason}): ${decision.skip.detail}`);
  for (const f of decision.findings) {
    const where = f.statement ? ` statement ${f.statement.index}${f.statement.sid ? ` (${f.statement.sid})` : ''}` : '';
    lines.push(`  finding ${f.ruleId} [${f.severity}]${where}: ${f.reason}`);
    if (f.exemption) lines.push(`    exempt until ${f.exemption.expires}: ${f.exemption.reason}`);
  }
  if (decision.plan) {
    lines.push(`  plan: ${decision.plan.strategy}${decision.plan.dryRun ? ' (dry-run)' : ''} — ${decision.plan.explanation}`);
    const outcomes = new Map(decision.results.map((r) => [r.stepId, r]));
    for (const step of decision.plan.steps) {
      const result = outcomes.get(step.id);
      const outcome = result ? result.outcome : 'not run';
      lines.push(`    ${outcome.padEnd(8)} ${step.id} ${step.action.type}: ${step.reason}${result?.detail ? ` [${result.detail}]` : ''}`);
    }
    for (const n of decision.plan.notRepaired) lines.push(`    not repaired ${n.ruleId}: ${n.reason}`);
  }
  for (const e of decision.errors) lines.push(`  ERROR: ${e}`);
  return lines.join('\n') + '\n\n';
}

const ORDER: Verdict[] = ['compliant', 'noncompliant', 'ignored', 'invalid', 'error'];

export function formatReplayTotals(decisions: Decision[], mode: string): string {
  const counts = ORDER.map((v) => `${decisions.filter((d) => d.verdict === v).length} ${v}`);
  return `${decisions.length} events (${mode}): ${counts.join(', ')}\n`;
}
