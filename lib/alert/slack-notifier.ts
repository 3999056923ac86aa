import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { AlertNotificationParseError, ChatbotNotificationSchema, parseAlertNotification } from './chatbot.ts';
import { renderCustomNotificationBlocks, renderSlackBlocks } from './slack-blocks.ts';
import { postSlackMessage, SlackDeliveryError, type SlackPostOptions } from './slack-webhook.ts';
import { escapeMrkdwn, escapeMrkdwnCode, truncate } from './text-limits.ts';

/** The part of a logger the notifier uses (powertools Logger satisfies it). */
export interface NotifierLogger {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

export interface SlackNotifierDeps {
  /** Resolves the webhook URL (cached after the first read; see webhook-url.ts). */
  webhookUrl: () => Promise<string>;
  logger: NotifierLogger;
  post?: SlackPostOptions;
}

export interface SlackNotifierResult {
  delivered: number;
  /** Records whose body was not a sesguard alert; posted as a plain warning instead of being dropped. */
  unrecognised: number;
}

/**
 * Turns each SNS record from the alert topic into a Block Kit message and posts it. Any record that
 * cannot be delivered makes the whole invocation throw, after every record has been tried: Lambda's
 * asynchronous retries then run and, when they are spent, the on-failure destination / DLQ keeps the
 * SNS event, so an undeliverable alert is surfaced and never lost.
 */
export function createSlackNotifier(deps: SlackNotifierDeps): (event: SNSEvent) => Promise<SlackNotifierResult> {
  return async (event) => {
    const url = await deps.webhookUrl();
    let delivered = 0;
    let unrecognised = 0;
    const failures: Array<{ messageId: string; error: SlackDeliveryError }> = [];
    for (const record of event.Records) {
      const { payload, recognised, alertId } = slackPayloadFor(record, deps.logger);
      if (!recognised) unrecognised++;
      try {
        const result = await postSlackMessage(url, payload, deps.post);
        delivered++;
        deps.logger.info('alert posted to Slack', { messageId: record.Sns.MessageId, alertId, attempts: result.attempts, waitedMs: result.waitedMs });
      } catch (error) {
        if (!(error instanceof SlackDeliveryError)) throw error;
        failures.push({ messageId: record.Sns.MessageId, error });
        deps.logger.error('alert NOT delivered to Slack', {
          messageId: record.Sns.MessageId,
          alertId,
          attempts: error.attempts,
          status: error.status,
          retryable: error.retryable,
          reason: error.message,
        });
      }
    }
    if (failures.length > 0) {
      const first = failures[0]!.error;
      throw new SlackDeliveryError(`${failures.length} of ${event.Records.length} alert(s) not delivered to Slack: ${failures.map((f) => `${f.messageId}: ${f.error.message}`).join('; ')}`, {
        attempts: first.attempts,
        ...(first.status !== undefined && { status: first.status }),
        retryable: failures.some((f) => f.error.retryable),
      });
    }
    return { delivered, unrecognised };
  };
}

/**
 * A body that is not our alert (someone else published to the topic, or a schema mismatch after a
 * partial deploy) still reaches the channel as a plain warning: dropping it would be failing silently.
 */
export function slackPayloadFor(record: SNSEventRecord, logger?: NotifierLogger): { payload: { text: string; blocks: unknown[] }; recognised: boolean; alertId?: string } {
  try {
    const alert = parseAlertNotification(record.Sns.Message);
    return { payload: renderSlackBlocks(alert), recognised: true, alertId: alert.alertId };
  } catch (error) {
    if (!(error instanceof AlertNotificationParseError)) throw error;
    const other = otherSesguardNotification(record.Sns.Message);
    if (other) return { payload: renderCustomNotificationBlocks(other), recognised: true, ...(other.id !== undefined && { alertId: other.id }) };
    logger?.warn('message on the alert topic is not a sesguard alert', { messageId: record.Sns.MessageId, reason: error.message });
    const subject = record.Sns.Subject ? `*${escapeMrkdwn(truncate(record.Sns.Subject, 150))}*\n` : '';
    const text = `:warning: sesguard: a message on the alert topic is not a ${'sesguard.alert/v1'} alert (${escapeMrkdwn(error.message)}).`;
    const raw = truncate(escapeMrkdwnCode(record.Sns.Message), 2990);
    return {
      recognised: false,
      payload: {
        text: truncate(`sesguard: unrecognised message ${record.Sns.MessageId} on the alert topic`, 3000),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: truncate(`${subject}${text}`, 3000) } },
          { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${raw}\`\`\`` } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `SNS message ${escapeMrkdwn(record.Sns.MessageId)} from ${escapeMrkdwn(record.Sns.TopicArn)}` }] },
        ],
      },
    };
  }
}

/** A sesguard message that is not an alert (`metadata.eventType` sesguard.*, e.g. the sweep summary), or undefined. */
function otherSesguardNotification(body: string) {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = ChatbotNotificationSchema.safeParse(value);
  return parsed.success && parsed.data.metadata.eventType?.startsWith('sesguard.') ? parsed.data : undefined;
}
