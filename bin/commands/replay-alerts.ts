import type { Config } from '../../lib/config/schema.ts';
import type { Decision } from '../../lib/guard/decision.ts';

/** The replay formats that print what the guard would publish for each decision. */
export const ALERT_FORMATS = ['alert', 'slack', 'sns'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/**
 * What the guard would publish for a decision, through the alert code the functions run (lib/alert), so a
 * team can preview its alerts on its own history: nothing for a decision the alert gate drops (compliant,
 * ignored), as at runtime. `alert` is the text rendering (renderAlertText), `slack` the notifier's Block
 * Kit payload, `sns` the Publish input (its Message is the Chatbot custom notification carrying the alert).
 */
export async function formatAlert(format: AlertFormat, decision: Decision, config: Config): Promise<string> {
  const [{ alertGate }, { buildAlert }] = await Promise.all([import('../../lib/alert/should-alert.ts'), import('../../lib/alert/alert-message.ts')]);
  if (!alertGate(decision, config.alerts).alert) return '';
  const alert = buildAlert(decision);
  switch (format) {
    case 'alert': {
      const { renderAlertText } = await import('../../lib/alert/render-text.ts');
      return `${renderAlertText(alert).trimEnd()}\n\n`;
    }
    case 'slack': {
      const { renderSlackBlocks } = await import('../../lib/alert/slack-blocks.ts');
      return `${JSON.stringify(renderSlackBlocks(alert))}\n`;
    }
    case 'sns': {
      const { alertSubject, alertMessageAttributes } = await import('../../lib/alert/sns-message.ts');
      const { encodeAlertNotification } = await import('../../lib/alert/chatbot.ts');
      return `${JSON.stringify({ Subject: alertSubject(alert), Message: encodeAlertNotification(alert), MessageAttributes: alertMessageAttributes(alert) })}\n`;
    }
  }
}
