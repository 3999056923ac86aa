import type { AlertMessage, AlertStep } from './alert-schema.ts';
import { formatDuration } from './render-text.ts';
import { escapeMrkdwn, escapeMrkdwnCode, fitLines, inlineCode, truncate } from './text-limits.ts';

/**
 * Block Kit limits (https://api.slack.com/reference/block-kit/blocks): 50 blocks per message, 3000
 * characters per section text, 150 per header, 10 fields of 2000 per section, 75 per button label,
 * 3000 per button URL. Everything is cut to fit rather than letting Slack reject the whole message.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  fallbackText: 3000,
} as const;

export const SEVERITY_EMOJI: Record<AlertMessage['severity'], string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':white_circle:',
};

export const OUTCOME_LABEL: Record<AlertMessage['outcome'], string> = {
  repaired: 'Repaired',
  'would-repair': 'Would repair (dry-run)',
  'repair-failed': 'REPAIR FAILED',
  'repair-incomplete': 'REPAIR INCOMPLETE',
  raced: 'Not repaired (changed meanwhile)',
  'alert-only': 'Noncompliant (alert only)',
  exempt: 'Exempt',
  compliant: 'Compliant',
  'invalid-event': 'Invalid event',
  'guard-error': 'Guard error',
  'guard-integrity': 'GUARD TAMPERING',
  ignored: 'Ignored',
};

const STEP_EMOJI: Record<AlertStep['outcome'], string> = {
  done: ':white_check_mark:',
  failed: ':x:',
  skipped: ':fast_forward:',
  'would-do': ':eyes:',
  'not-run': ':double_vertical_bar:',
};

type Block = Record<string, unknown>;

const mrkdwn = (text: string): { type: 'mrkdwn'; text: string } => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });

export function renderSlackBlocks(alert: AlertMessage): { text: string; blocks: unknown[] } {
  const blocks: Block[] = [];
  // The header names the outcome only: which rules were repaired and which only reported is the title's to
  // say (a header "Repaired · A, B" read as if B had been repaired too).
  blocks.push({
    type: 'header',
    text: { type: 'plain_text', emoji: true, text: truncate(`${SEVERITY_EMOJI[alert.severity]} ${OUTCOME_LABEL[alert.outcome]}`, SLACK_LIMITS.headerText) },
  });
  blocks.push(section(`*${escapeMrkdwn(alert.title)}*\n${escapeMrkdwn(alert.summary)}`));
  blocks.push({ type: 'section', fields: factFields(alert) });

  if (alert.findings.length > 0) {
    const lines = alert.findings.map((f) => {
      const where = f.statement ? ` statement ${f.statement.index}${f.statement.sid ? ` (${inlineCode(f.statement.sid)})` : ''}` : '';
      const exempt = f.exemption ? `\n    _exempt until ${escapeMrkdwn(f.exemption.expires)}: ${escapeMrkdwn(f.exemption.reason)}_` : '';
      return `• *${escapeMrkdwn(f.ruleId)}* [${f.severity}]${where}: ${escapeMrkdwn(f.reason)}${exempt}`;
    });
    blocks.push(section(fitLines(['*Findings*', ...lines], SLACK_LIMITS.sectionText)));
  }

  if (alert.remediation) {
    const r = alert.remediation;
    const lines = [`*Remediation* — ${escapeMrkdwn(r.strategy)}${alert.dryRun ? ' (dry-run)' : ''}: ${escapeMrkdwn(r.explanation)}`];
    for (const s of r.steps) {
      const detail = s.detail ? ` — ${escapeMrkdwn(s.detail)}` : '';
      lines.push(`${STEP_EMOJI[s.outcome]} \`${s.id}\` *${s.outcome}* ${inlineCode(s.action)} ${escapeMrkdwn(s.target)}${detail}`);
    }
    for (const n of r.notRepaired) lines.push(`:no_entry_sign: not repaired ${escapeMrkdwn(n.ruleId)}: ${escapeMrkdwn(n.reason)}`);
    blocks.push(section(fitLines(lines, SLACK_LIMITS.sectionText)));
  }

  if (alert.document.diff.lines.length > 0) {
    const fence = '```';
    const heading = alert.document.diff.changed ? `*Change* (${alert.document.diff.kind} diff)\n` : '*Document* (unchanged)\n';
    const room = SLACK_LIMITS.sectionText - heading.length - fence.length * 2 - 2;
    const body = fitLines(alert.document.diff.lines.map((l) => escapeMrkdwnCode(l)), room);
    blocks.push(section(`${heading}${fence}\n${body}${fence}`));
  }

  if (alert.errors.length > 0) {
    blocks.push(section(fitLines(['*Errors* (someone must look)', ...alert.errors.map((e) => `:warning: ${escapeMrkdwn(e)}`)], SLACK_LIMITS.sectionText)));
  }

  const buttons: Block[] = [];
  if (alert.links.resource) buttons.push(button('Open resource', alert.links.resource, 'open_resource'));
  if (alert.links.event) buttons.push(button('CloudTrail event', alert.links.event, 'open_event'));
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });

  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(`${alert.schemaVersion} · alert ${alert.alertId} · decided ${escapeMrkdwn(alert.timings.decidedAt)}`, SLACK_LIMITS.sectionText),
      },
    ],
  });

  return {
    // The top-level text is mrkdwn too (it is the notification and the fallback).
    text: truncate(`[${alert.severity.toUpperCase()}] ${escapeMrkdwn(alert.title)}`, SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

function factFields(alert: AlertMessage): Array<{ type: 'mrkdwn'; text: string }> {
  const facts: Array<[string, string]> = [];
  facts.push(['Resource', alert.resource.arn ? inlineCode(alert.resource.arn) : '_none_']);
  if (alert.actor) {
    const who = alert.actor.arn ?? alert.actor.invokedBy ?? 'unknown';
    const via = alert.actor.sessionIssuerArn ? `\nvia ${inlineCode(alert.actor.sessionIssuerArn)}` : '';
    facts.push(['Actor', `${inlineCode(who)} (${escapeMrkdwn(alert.actor.type)})${via}`]);
    const origin = [alert.actor.sourceIp && `IP ${inlineCode(alert.actor.sourceIp)}`, alert.actor.userAgent && `UA ${inlineCode(truncate(alert.actor.userAgent, 200))}`]
      .filter(Boolean)
      .join('\n');
    if (origin) facts.push(['Origin', origin]);
  }
  facts.push(['Account / region', `${escapeMrkdwn(alert.account ?? 'unknown')} / ${escapeMrkdwn(alert.region ?? 'unknown')}`]);
  if (alert.event.name || alert.event.id) {
    facts.push(['Event', `${escapeMrkdwn(alert.event.name ?? '?')} at ${escapeMrkdwn(alert.event.time ?? 'unknown time')}\n${inlineCode(alert.event.id ?? 'no event id')}`]);
  }
  facts.push(['Mode', alert.dryRun ? 'dry-run (nothing changed)' : 'enforce']);
  if (alert.timings.eventToDecisionMs !== null) facts.push(['Open for', formatDuration(alert.timings.eventToDecisionMs)]);
  if (alert.skip) facts.push(['Skipped', `${escapeMrkdwn(alert.skip.reason)}: ${escapeMrkdwn(alert.skip.detail)}`]);
  return facts.slice(0, SLACK_LIMITS.fields).map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, SLACK_LIMITS.fieldText) }));
}

function button(label: string, url: string, actionId: string): Block {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: truncate(label, SLACK_LIMITS.buttonText) },
    url: url.slice(0, SLACK_LIMITS.buttonUrl),
  };
}

/**
 * Another sesguard message on the topic that is a Chatbot custom notification but not an alert (the sweep's
 * summary): title, body and keywords as Slack shows a Chatbot card. Its text is the producer's; it is escaped
 * here again because Slack's mrkdwn is not Chatbot's markdown.
 */
export function renderCustomNotificationBlocks(notification: { content: { title: string; description: string; keywords?: string[] | undefined } }): { text: string; blocks: unknown[] } {
  const { title, description, keywords = [] } = notification.content;
  const body = description.replace(/^```\n?/, '').replace(/\n?```$/, '');
  return {
    text: truncate(title, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(title, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${truncate(escapeMrkdwnCode(body), 2990)}\`\`\`` } },
      ...(keywords.length > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(keywords.map(escapeMrkdwn).join(' · '), 3000) }] }] : []),
    ],
  };
}
