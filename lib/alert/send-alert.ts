import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Decision } from '../guard/decision.ts';
import { buildAlert, type AlertContext } from './alert-message.ts';
import type { AlertMessage } from './alert-schema.ts';
import { AlertPublishError } from './publish.ts';
import { alertPublishInput } from './sns-message.ts';

/**
 * Builds the alert of a decision the gate let through and publishes it; resolves with SNS's message id.
 * Loaded by createSnsAlertPublisher the first time there is something to send (publish.ts says why).
 */
export async function sendAlert(sns: SNSClient, topicArn: string, decision: Decision, ctx: AlertContext): Promise<string | undefined> {
  let alert: AlertMessage;
  try {
    alert = buildAlert(decision, ctx);
  } catch (error) {
    // A rendering bug must not turn into a missing alert: fail the invocation like a refused publish.
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new AlertPublishError(`could not build the alert for event ${decision.eventId ?? '(no event id)'}: ${why}`, '', { cause: error });
  }
  try {
    const out = await sns.send(new PublishCommand(alertPublishInput(topicArn, alert)));
    return out.MessageId;
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new AlertPublishError(`could not publish alert ${alert.alertId} (${alert.outcome}) to ${topicArn}: ${why}`, alert.alertId, { cause: error });
  }
}
