import type { Decision, Verdict } from '../../lib/guard/decision.ts';
import type { Finding } from '../../lib/rules/types.ts';
import { RULE_ORDER } from './check-inputs.ts';
import { SEVERITY_RANK } from './check-format.ts';
import { severityTable } from '../report-summary.ts';

/** What one replayed event came to: a decision, or a duplicate the idempotency layer would drop. */
export type ReplayEntry =
  | { kind: 'decision'; source: string; decision: Decision; note?: string }
  | { kind: 'duplicate'; source: string; eventId: string; firstSource: string };

const bySeverity = (a: Finding, b: Finding): number =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (RULE_ORDER.get(a.ruleId) ?? 0) - (RULE_ORDER.get(b.ruleId) ?? 0) || (a.statement?.index ?? -1) - (b.statement?.index ?? -1);

const duplicateDetail = (entry: Extract<ReplayEntry, { kind: 'duplicate' }>): string =>
  `event ${entry.eventId} was already judged from ${entry.firstSource}; the guard's idempotency layer ignores a redelivery`;

/** One line of JSON per event: stable field names that scripts can rely on. */
export function formatReplayJson(entry: ReplayEntry): string {
  if (entry.kind === 'duplicate') {
    return `${JSON.stringify({ file: entry.source, eventId: entry.eventId, eventName: null, verdict: 'ignored', resource: null, actor: null, skip: { reason: 'duplicate', detail: duplicateDetail(entry) }, findings: [], plan: null, results: [], errors: [], dryRun: true })}\n`;
  }
  const { decision } = entry;
  return `${JSON.stringify({
    file: entry.source,
    eventId: decision.eventId ?? null,
    eventName: decision.eventName ?? null,
    verdict: decision.verdict,
    resource: decision.resource ?? null,
    actor: decision.change?.actor.arn ?? null,
    skip: decision.skip ? { reason: decision.skip.reason, detail: decision.skip.detail } : null,
    findings: [...decision.findings].sort(bySeverity),
    plan: decision.plan ?? null,
    results: decision.results,
    errors: decision.errors,
    dryRun: decision.dryRun,
    ...(entry.note !== undefined && { note: entry.note }),
  })}\n`;
}

/** The plan's explanation without the sentences its steps say again below it: each sentence is printed once. */
function explanationBesideSteps(explanation: string, stepReasons: readonly string[]): string {
  let rest = explanation;
  for (const reason of stepReasons) if (reason !== '') rest = rest.split(reason).join('');
  return rest.replace(/\s{2,}/g, ' ').trim();
}

export function formatReplayText(entry: ReplayEntry): string {
  if (entry.kind === 'duplicate') return `${entry.source}\n  verdict: IGNORED\n  duplicate: ${duplicateDetail(entry)}\n\n`;
  const { decision } = entry;
  const lines: string[] = [entry.source];
  const what = [decision.eventName ?? '(no event name)', decision.resource].filter(Boolean).join('  ');
  lines.push(`  ${what}`);
  if (decision.change?.actor.arn) lines.push(`  by ${decision.change.actor.arn}`);
  lines.push(`  verdict: ${decision.verdict.toUpperCase()}`);
  if (entry.note) lines.push(`  note: ${entry.note}`);
  if (decision.skip) lines.push(`  skipped (${decision.skip.reason}): ${decision.skip.detail}`);
  for (const f of [...decision.findings].sort(bySeverity)) {
    const where = f.statement ? ` statement ${f.statement.index}${f.statement.sid ? ` (${f.statement.sid})` : ''}` : '';
    lines.push(`  finding ${f.ruleId} [${f.severity}]${where}: ${f.reason}`);
    if (f.exemption) lines.push(`    exempt until ${f.exemption.expires}: ${f.exemption.reason}`);
  }
  if (decision.plan) {
    const explanation = explanationBesideSteps(decision.plan.explanation, decision.plan.steps.map((s) => s.reason));
    lines.push(`  plan: ${decision.plan.strategy}${decision.plan.dryRun ? ' (dry-run)' : ''}${explanation ? ` — ${explanation}` : ''}`);
    const outcomes = new Map(decision.results.map((r) => [r.stepId, r]));
    for (const step of decision.plan.steps) {
      const result = outcomes.get(step.id);
      const outcome = result ? result.outcome : 'not run';
      lines.push(`    ${outcome.padEnd(8)} ${step.id} ${step.action.type}: ${step.reason}${result?.detail ? ` [${result.detail}]` : ''}`);
    }
    // A reason the explanation already gives is not printed a second time.
    for (const n of decision.plan.notRepaired) if (!decision.plan.explanation.includes(n.reason)) lines.push(`    not repaired ${n.ruleId}: ${n.reason}`);
  }
  for (const e of decision.errors) lines.push(`  ERROR: ${e}`);
  return lines.join('\n') + '\n\n';
}

const ORDER: Verdict[] = ['compliant', 'noncompliant', 'ignored', 'invalid', 'error'];

export interface ReplayTotals {
  entries: readonly ReplayEntry[];
  mode: string;
  /** Records EventBridge would never have delivered to the guard, by why. */
  notRouted: ReadonlyMap<string, number>;
}

export function verdictOf(entry: ReplayEntry): Verdict {
  return entry.kind === 'duplicate' ? 'ignored' : entry.decision.verdict;
}

export function formatReplayTotals(totals: ReplayTotals): string {
  const { entries, mode, notRouted } = totals;
  const counts = ORDER.map((v) => `${entries.filter((e) => verdictOf(e) === v).length} ${v}`);
  const duplicates = entries.filter((e) => e.kind === 'duplicate').length;
  const out: string[] = [];
  const table = severityTable(entries.flatMap((e) => (e.kind === 'decision' ? e.decision.findings : [])));
  if (table.length > 0) out.push(...table, '');
  out.push(`${entries.length} events (${mode}): ${counts.join(', ')}${duplicates > 0 ? ` (${duplicates} duplicate${duplicates === 1 ? '' : 's'} among the ignored)` : ''}`);
  const skipped = [...notRouted.values()].reduce((a, b) => a + b, 0);
  if (skipped > 0) {
    out.push(`${skipped} more CloudTrail record${skipped === 1 ? '' : 's'} would never reach the guard (no EventBridge rule routes them): ${[...notRouted].map(([why, n]) => `${n} ${why}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
