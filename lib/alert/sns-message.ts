import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { AlertMessage } from './alert-schema.ts';
import { encodeAlertNotification } from './chatbot.ts';

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
