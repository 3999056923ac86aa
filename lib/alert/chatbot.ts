import * as z from '../zod.ts';
import { AlertMessageSchema, type AlertMessage } from './alert-schema.ts';
import { formatDuration } from './render-text.ts';
import { SEVERITY_EMOJI } from './slack-blocks.ts';
import { escapeChatCode, escapeChatMarkdown, truncate } from './text-limits.ts';
import { describeZodIssues } from '../zod-issues.ts';

/**
 * One SNS message body for both audiences.
 *
 * AWS Chatbot (Amazon Q Developer in chat applications) forwards to Slack only messages in its custom
 * notification format, and documents exactly which fields it reads
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Event schema"):
 * `version` "1.0", `source` "custom", optional `id`, `content` {textType "client-markdown", title,
 * description, nextSteps[], keywords[]} and `metadata` {threadId, summary, eventType, relatedResources[],
 * additionalContext: map of string to string}. Extra top-level fields are not part of that schema and
 * their tolerance is undocumented, so the body stays strictly inside it: the full versioned alert
 * travels as a JSON string in `metadata.additionalContext.sesguardAlert` (a string value, as the map
 * requires), next to flat copies of the fields people filter on. Machines call
 * `parseAlertNotification`; a team using Chatbot needs no code at all.
 */
export const CHATBOT_ALERT_KEY = 'sesguardAlert';

/** Chatbot's own limits are not all published; these keep the card readable and well inside Slack's. */
const TITLE_MAX = 250;
const DESCRIPTION_MAX = 3500;

/** SNS caps a message (body plus attributes) at 256 KiB; leave room for the attributes and subject. */
export const SNS_MESSAGE_BUDGET_BYTES = 250_000;

export const ChatbotNotificationSchema = z.object({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.optional(z.string()),
  content: z.object({
    textType: z.literal('client-markdown'),
    title: z.string().check(z.maxLength(TITLE_MAX)),
    description: z.string().check(z.maxLength(DESCRIPTION_MAX)),
    nextSteps: z.optional(z.array(z.string())),
    keywords: z.optional(z.array(z.string())),
  }),
  metadata: z.object({
    threadId: z.optional(z.string()),
    summary: z.optional(z.string()),
    eventType: z.optional(z.string()),
    relatedResources: z.optional(z.array(z.string())),
    additionalContext: z.record(z.string(), z.string()),
  }),
});
export type ChatbotNotification = z.infer<typeof ChatbotNotificationSchema>;

export class AlertNotificationParseError extends Error {
  override readonly name = 'AlertNotificationParseError';
}

/** Attacker-influenced text in the card: no mention, link, code fence or formatting (text-limits.ts). */
const chatText = escapeChatMarkdown;
/** An identifier shown as inline code: exact but for backticks and link separators. */
const chatCode = (text: string): string => `\`${escapeChatCode(text)}\``;

export function buildChatbotNotification(alert: AlertMessage): ChatbotNotification {
  const related = [alert.resource.arn, alert.actor?.arn, alert.actor?.sessionIssuerArn].filter((v): v is string => typeof v === 'string');
  return {
    version: '1.0',
    source: 'custom',
    id: alert.alertId,
    content: {
      textType: 'client-markdown',
      title: truncate(`${SEVERITY_EMOJI[alert.severity]} ${chatText(alert.title)}`, TITLE_MAX),
      description: truncate(describe(alert), DESCRIPTION_MAX),
      nextSteps: nextStepsFor(alert),
      keywords: [alert.severity, alert.outcome, ...alert.rules, ...(alert.dryRun ? ['dry-run'] : [])],
    },
    metadata: {
      summary: truncate(chatText(alert.title), TITLE_MAX),
      eventType: `sesguard.${alert.outcome}`,
      relatedResources: [...new Set(related)],
      additionalContext: {
        schemaVersion: alert.schemaVersion,
        severity: alert.severity,
        outcome: alert.outcome,
        rules: alert.rules.join(','),
        account: alert.account ?? '',
        region: alert.region ?? '',
        eventId: alert.event.id ?? '',
        [CHATBOT_ALERT_KEY]: JSON.stringify(alert),
      },
    },
  };
}

function describe(alert: AlertMessage): string {
  const lines: string[] = [chatText(alert.summary), ''];
  if (alert.resource.arn) lines.push(`*Resource:* ${chatCode(alert.resource.arn)}`);
  if (alert.actor) {
    const who = alert.actor.arn ?? alert.actor.invokedBy ?? 'unknown';
    lines.push(`*Actor:* ${chatCode(who)} (${chatText(alert.actor.type)})${alert.actor.sourceIp ? ` from ${chatText(alert.actor.sourceIp)}` : ''}`);
  }
  lines.push(`*Account / region:* ${chatText(alert.account ?? 'unknown')} / ${chatText(alert.region ?? 'unknown')}`);
  if (alert.event.name) lines.push(`*Event:* ${chatText(alert.event.name)} ${chatCode(alert.event.id ?? '')} at ${chatText(alert.event.time ?? '?')}`);
  if (alert.timings.eventToDecisionMs !== null) lines.push(`*Open for:* ${formatDuration(alert.timings.eventToDecisionMs)}`);
  for (const f of alert.findings) lines.push(`• *${f.ruleId}* [${f.severity}]: ${chatText(f.reason)}${f.exemption ? ' _(exempt)_' : ''}`);
  for (const s of alert.remediation?.steps ?? []) lines.push(`  ${s.outcome}: ${chatText(s.action)} ${chatText(s.target)}${s.detail ? ` — ${chatText(s.detail)}` : ''}`);
  if (alert.document.diff.lines.length > 0) {
    const diff = alert.document.diff.lines.slice(0, 12).map(escapeChatCode);
    if (alert.document.diff.lines.length > 12) diff.push(`… ${alert.document.diff.lines.length - 12} more`);
    lines.push('```', ...diff, '```');
  }
  for (const e of alert.errors) lines.push(`:warning: ${chatText(e)}`);
  return lines.join('\n');
}

/** What a person should do next, per outcome, with the links that get them there. */
export function nextStepsFor(alert: AlertMessage): string[] {
  const steps: string[] = [];
  const actor = alert.actor?.arn ? chatCode(alert.actor.arn) : 'the actor';
  switch (alert.outcome) {
    case 'repaired':
      steps.push(`Ask ${actor} whether the change was intended; if it was legitimate, add an exemption to sesguard.config.yml instead of re-applying it.`);
      break;
    case 'would-repair':
      steps.push('Review the would-do steps: fix the resource by hand or add an exemption. Enforce mode would have applied them.');
      break;
    case 'repair-failed':
      steps.push('The resource may still be open: apply the failed steps by hand now.');
      steps.push("Check the guard role's permissions and the step error (AccessDenied, throttling, a concurrent change).");
      break;
    case 'repair-incomplete':
      steps.push('AWS accepted the repair but the re-read does not show it compliant: check the resource now and close what is still open by hand.');
      break;
    case 'raced':
      steps.push('The resource changed while the guard was deciding: look at its current state and at the newer change.');
      break;
    case 'alert-only':
      steps.push(`Decide whether to fix the resource by hand, and ask ${actor} why it was changed.`);
      break;
    case 'exempt':
      steps.push('Confirm the exemption is still wanted before it expires.');
      break;
    case 'invalid-event':
      steps.push('Inspect the event and the current document by hand: the guard could not judge it.');
      break;
    case 'guard-error':
      steps.push('Check the guard function logs for this event id; if it keeps failing it lands in the dead-letter queue.');
      break;
    case 'guard-integrity':
      steps.push('Treat as a security incident: confirm who changed the guard and restore it from the deployment.');
      steps.push(`Consider quarantining ${actor} until the change is explained.`);
      break;
    case 'compliant':
    case 'ignored':
      break;
  }
  if (alert.links.resource) steps.push(`Resource: ${alert.links.resource}`);
  if (alert.links.event) steps.push(`CloudTrail event: ${alert.links.event}`);
  return steps;
}

/**
 * The SNS message body. If the alert would not fit SNS's limit, the raw documents go first (the diff
 * still says what changed), then the diff is cut; `document.truncated` tells the reader.
 */
export function encodeAlertNotification(alert: AlertMessage, budgetBytes = SNS_MESSAGE_BUDGET_BYTES): string {
  const attempts: AlertMessage[] = [
    alert,
    { ...alert, document: { ...alert.document, before: null, after: null, truncated: true } },
    {
      ...alert,
      document: { before: null, after: null, truncated: true, diff: { ...alert.document.diff, lines: alert.document.diff.lines.slice(0, 20) } },
      errors: alert.errors.map((e) => truncate(e, 500)),
      findings: alert.findings.map((f) => ({ ...f, reason: truncate(f.reason, 500) })),
    },
  ];
  let body = '';
  for (const candidate of attempts) {
    body = JSON.stringify(buildChatbotNotification(candidate));
    if (Buffer.byteLength(body, 'utf8') <= budgetBytes) return body;
  }
  return body; // still too big: SNS will reject it and publish throws, which is loud, not silent.
}

/** The inverse, for machines: SNS message body -> the validated, versioned alert. */
export function parseAlertNotification(body: string): AlertMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AlertNotificationParseError('message body is not JSON');
  }
  const envelope = ChatbotNotificationSchema.safeParse(json);
  if (!envelope.success) {
    throw new AlertNotificationParseError(`not a Chatbot custom notification: ${describeZodIssues(envelope.error).join('; ')}`);
  }
  const embedded = envelope.data.metadata.additionalContext[CHATBOT_ALERT_KEY];
  if (embedded === undefined) throw new AlertNotificationParseError(`metadata.additionalContext.${CHATBOT_ALERT_KEY} is missing`);
  let alertJson: unknown;
  try {
    alertJson = JSON.parse(embedded);
  } catch {
    throw new AlertNotificationParseError(`metadata.additionalContext.${CHATBOT_ALERT_KEY} is not JSON`);
  }
  const alert = AlertMessageSchema.safeParse(alertJson);
  if (!alert.success) {
    throw new AlertNotificationParseError(`embedded alert does not match ${'sesguard.alert/v1'}: ${describeZodIssues(alert.error).join('; ')}`);
  }
  return alert.data;
}
