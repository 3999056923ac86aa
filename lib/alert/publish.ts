import type { SNSClient } from '@aws-sdk/client-sns';
import type { LazyClient } from '../aws/lazy-client.ts';
import type { Config } from '../config/schema.ts';
import type { Decision } from '../guard/decision.ts';
import type { AlertContext } from './alert-message.ts';
import type { sendAlert as SendAlert } from './send-alert.ts';
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

/**
 * The gate decides here; the alert is built and sent by send-alert.ts, loaded (with the SNS client, made
 * on first use) the first time there is something to send. Most events are compliant and alert nobody,
 * and a cold start that publishes nothing should not compile the alert renderer and SNS's SDK tables
 * (issue 15). A failed load is an AlertPublishError like a refused publish: never a silent drop.
 */
export function createSnsAlertPublisher(options: {
  sns: LazyClient<SNSClient>;
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
      let sending: [{ sendAlert: typeof SendAlert }, SNSClient];
      try {
        sending = await Promise.all([import('./send-alert.ts'), options.sns()]);
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new AlertPublishError(`could not load the alert sender for event ${decision.eventId ?? '(no event id)'}: ${why}`, '', { cause: error });
      }
      const [{ sendAlert }, sns] = sending;
      const messageId = await sendAlert(sns, options.topicArn, decision, ctx);
      return { published: true, reason: gate.reason, ...(messageId !== undefined && { messageId }) };
    },
  };
}
