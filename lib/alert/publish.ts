import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config/schema.ts';
import type { Decision } from '../guard/decision.ts';
import { buildAlert, type AlertContext } from './alert-message.ts';
import type { AlertMessage } from './alert-schema.ts';
import { encodeAlertNotification } from './chatbot.ts';
import { alertGate } from './should-alert.ts';

export interface PublishResult {
  published: boolean;
  messageId?: string;
  reason?: string;
}

export interface AlertPublisher {
  publish(decision: Decision): Promise<PublishResult>;
}

/**
 * The alert could not be handed to SNS. Handlers let it propagate: the invocation fails, EventBridge
 * retries it and, in the end, the dead-letter queue keeps the event. An unsent alert is never swallowed.
 */
export class AlertPublishError extends Error {
  override readonly name = 'AlertPublishError';
  readonly alertId: string;
  constructor(message: string, alertId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.alertId = alertId;
  }
}

/** SNS: Subject is used by e-mail subscriptions; ASCII, no line breaks, under 100 characters. */
export const SUBJECT_MAX = 100;

export function alertSubject(alert: AlertMessage): string {
  const ascii = `[${alert.severity.toUpperCase()}] sesguard: ${alert.title}`
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}

/** Subscription filter policies match these (e.g. `{"severity":["high","critical"]}`). */
export function alertMessageAttributes(alert: AlertMessage): NonNullable<PublishCommandInput['MessageAttributes']> {
  return {
    severity: { DataType: 'String', StringValue: alert.severity },
    outcome: { DataType: 'String', StringValue: alert.outcome },
    // Omitted when there are no rules: whether SNS accepts an empty String.Array is undocumented, and a
    // message without the attribute matches no `rules` filter, exactly as an empty list would.
    ...(alert.rules.length > 0 && { rules: { DataType: 'String.Array', StringValue: JSON.stringify(alert.rules) } }),
  };
}

export function alertPublishInput(topicArn: string, alert: AlertMessage): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: alertSubject(alert),
    Message: encodeAlertNotification(alert),
    MessageAttributes: alertMessageAttributes(alert),
  };
}

export function createSnsAlertPublisher(options: {
  sns: SNSClient;
  topicArn: string;
  config: Pick<Config, 'alerts'>;
  accountId?: string;
  region?: string;
}): AlertPublisher {
  const ctx: AlertContext = {
    ...(options.accountId !== undefined && { accountId: options.accountId }),
    ...(options.region !== undefined && { region: options.region }),
  };
  return {
    async publish(decision) {
      const gate = alertGate(decision, options.config.alerts);
      if (!gate.alert) return { published: false, reason: gate.reason };
      let alert: AlertMessage;
      try {
        alert = buildAlert(decision, ctx);
      } catch (error) {
        // A rendering bug must not turn into a missing alert: fail the invocation like a refused publish.
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new AlertPublishError(`could not build the alert for event ${decision.eventId ?? '(no event id)'}: ${why}`, '', { cause: error });
      }
      let messageId: string | undefined;
      try {
        const out = await options.sns.send(new PublishCommand(alertPublishInput(options.topicArn, alert)));
        messageId = out.MessageId;
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new AlertPublishError(`could not publish alert ${alert.alertId} (${alert.outcome}) to ${options.topicArn}: ${why}`, alert.alertId, { cause: error });
      }
      return { published: true, reason: gate.reason, ...(messageId !== undefined && { messageId }) };
    },
  };
}
