import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ChatbotNotification } from '../alert/chatbot.ts';
import { truncate } from '../alert/text-limits.ts';
import { VERDICTS, type NOTABLE_LISTS, type RunRecord } from './run-record.ts';

/**
 * One summary per sweep: what was judged (per rule and verdict), repaired, failed and skipped, how long it
 * took, and coverage (resources seen vs listed, per family and region). Published as an AWS Chatbot custom
 * notification (the format lib/alert/chatbot.ts documents) with the whole summary as JSON in
 * `metadata.additionalContext.sesguardSweepSummary`, so a person reads it in Slack and a machine parses it.
 */
export const SUMMARY_KEY = 'sesguardSweepSummary';
export const SUMMARY_SCHEMA = 'sesguard.sweep-summary/v1';

export interface SweepSummary {
  schemaVersion: typeof SUMMARY_SCHEMA;
  sweepId: string;
  trigger: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  invocations: number;
  takeovers: number;
  coverage: Array<{ family: string; region: string; listed: number; seen: number; judged: number; complete: boolean; error: string | null }>;
  verdicts: RunRecord['tally']['verdicts'];
  rules: RunRecord['tally']['rules'];
  repaired: RunRecord['tally']['lists']['repaired'];
  wouldRepair: RunRecord['tally']['lists']['wouldRepair'];
  failed: RunRecord['tally']['lists']['failed'];
  invalid: RunRecord['tally']['lists']['invalid'];
  skipped: RunRecord['tally']['lists']['skipped'];
  omitted: RunRecord['tally']['omitted'];
  baselinesSeeded: number;
  alertsPublished: number;
  apiCalls: RunRecord['tally']['calls'];
}

export function summarize(record: RunRecord): SweepSummary {
  const finishedAt = record.finishedAt ?? null;
  const { lists } = record.tally;
  return {
    schemaVersion: SUMMARY_SCHEMA,
    sweepId: record.sweepId,
    trigger: record.trigger,
    dryRun: record.dryRun,
    startedAt: record.startedAt,
    finishedAt,
    durationMs: finishedAt ? Date.parse(finishedAt) - Date.parse(record.startedAt) : null,
    invocations: record.invocations,
    takeovers: record.takeovers,
    coverage: record.units.map((u) => ({ family: u.family, region: u.region, listed: u.listed, seen: u.seen, judged: u.judged, complete: u.done && u.error === undefined, error: u.error ?? null })),
    verdicts: record.tally.verdicts,
    rules: record.tally.rules,
    repaired: lists.repaired,
    wouldRepair: lists.wouldRepair,
    failed: lists.failed,
    invalid: lists.invalid,
    skipped: lists.skipped,
    omitted: record.tally.omitted,
    baselinesSeeded: record.tally.baselinesSeeded,
    alertsPublished: record.tally.alertsPublished,
    apiCalls: record.tally.calls,
  };
}

export function formatDurationMs(ms: number | null): string {
  if (ms === null) return 'unfinished';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Markup characters from resource names are swapped for look-alikes (as lib/alert/chatbot.ts does). */
const chatText = (text: string): string => text.replace(/</g, '‹').replace(/>/g, '›').replace(/&/g, '＆').replace(/`/g, "'");

/** The summary for people: totals, a rule table, coverage and the notable resources. */
export function summaryText(summary: SweepSummary): string[] {
  const v = summary.verdicts;
  const calls = Object.values(summary.apiCalls).reduce((a, s) => ({ calls: a.calls + s.calls, throttles: a.throttles + s.throttles }), { calls: 0, throttles: 0 });
  const lines = [
    `Sweep ${summary.sweepId} (${summary.trigger}${summary.dryRun ? ', dry-run' : ''}): ${formatDurationMs(summary.durationMs)}, ${summary.invocations} invocation${summary.invocations === 1 ? '' : 's'}${summary.takeovers ? `, ${summary.takeovers} resumed after a crash` : ''}`,
    `verdicts: ${VERDICTS.filter((k) => k !== 'ignored').map((k) => `${v[k]} ${k}`).join(', ')}; ${summary.baselinesSeeded} baselines seeded; ${calls.calls} API calls, ${calls.throttles} throttled`,
  ];
  const rules = Object.entries(summary.rules).sort(([a], [b]) => a.localeCompare(b));
  if (rules.length > 0) {
    lines.push('rule          findings  repaired  would-repair  not-repaired');
    for (const [id, r] of rules) lines.push(`${id.padEnd(13)} ${String(r.findings).padStart(8)}  ${String(r.repaired).padStart(8)}  ${String(r.wouldRepair).padStart(12)}  ${String(r.notRepaired).padStart(12)}`);
  }
  for (const c of summary.coverage) lines.push(`coverage ${c.family} ${c.region}: ${c.seen}/${c.listed} seen, ${c.judged} judged${c.error ? ` — NOT COVERED: ${c.error}` : c.complete ? '' : ' — unfinished'}`);
  const list = (label: string, key: (typeof NOTABLE_LISTS)[number], entries: SweepSummary['repaired']) => {
    for (const e of entries.slice(0, 10)) lines.push(`${label} ${e.resource}: ${e.detail}`);
    const more = entries.length - Math.min(entries.length, 10) + summary.omitted[key];
    if (more > 0) lines.push(`${label} … and ${more} more`);
  };
  list('repaired', 'repaired', summary.repaired);
  list('would repair', 'wouldRepair', summary.wouldRepair);
  list('FAILED', 'failed', summary.failed);
  list('invalid', 'invalid', summary.invalid);
  list('skipped', 'skipped', summary.skipped);
  return lines;
}

export function summarySeverity(summary: SweepSummary): 'critical' | 'high' | 'medium' | 'low' {
  if (summary.coverage.some((c) => c.error) || summary.failed.length > 0) return 'high';
  if (summary.verdicts.noncompliant > 0 || summary.verdicts.invalid > 0) return 'medium';
  return 'low';
}

export function summaryNotification(summary: SweepSummary, where: { account: string; region: string }): ChatbotNotification {
  const v = summary.verdicts;
  const title = `sesguard sweep ${summary.dryRun ? '(dry-run) ' : ''}${where.account}/${where.region}: ${v.noncompliant} noncompliant, ${v.invalid} invalid, ${v.error} errors of ${v.compliant + v.noncompliant + v.invalid + v.error}`;
  return {
    version: '1.0',
    source: 'custom',
    id: summary.sweepId,
    content: {
      textType: 'client-markdown',
      title: truncate(chatText(title), 250),
      description: truncate(['```', ...summaryText(summary).map(chatText), '```'].join('\n'), 3500),
      keywords: ['sweep', summarySeverity(summary), ...(summary.dryRun ? ['dry-run'] : [])],
    },
    metadata: {
      summary: truncate(chatText(title), 250),
      eventType: 'sesguard.sweep-summary',
      additionalContext: { schemaVersion: SUMMARY_SCHEMA, severity: summarySeverity(summary), account: where.account, region: where.region, [SUMMARY_KEY]: JSON.stringify(summary) },
    },
  };
}

/** Publishes the summary to the alert topic; a failure throws, so the invocation fails and is retried. */
export async function publishSweepSummary(sns: SNSClient, topicArn: string, record: RunRecord, where: { account: string; region: string }): Promise<void> {
  const summary = summarize(record);
  const notification = summaryNotification(summary, where);
  let message = JSON.stringify(notification);
  // SNS caps a message at 256 KiB: the embedded JSON goes first if it must.
  if (Buffer.byteLength(message) > 250_000) {
    notification.metadata.additionalContext[SUMMARY_KEY] = JSON.stringify({ ...summary, repaired: [], wouldRepair: [], failed: summary.failed.slice(0, 20), invalid: [], skipped: summary.skipped.slice(0, 20) });
    message = JSON.stringify(notification);
  }
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: `[${summarySeverity(summary).toUpperCase()}] sesguard sweep: ${summary.verdicts.noncompliant} noncompliant`.slice(0, 100),
      Message: message,
      MessageAttributes: { severity: { DataType: 'String', StringValue: summarySeverity(summary) }, outcome: { DataType: 'String', StringValue: 'sweep-summary' } },
    }),
  );
}
