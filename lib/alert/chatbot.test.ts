import { describe, it, expect } from 'vitest';
import type { Decision } from '../guard/decision.ts';
import { buildAlert } from './alert-message.ts';
import { AlertMessageSchema } from './alert-schema.ts';
import {
  AlertNotificationParseError,
  buildChatbotNotification,
  ChatbotNotificationSchema,
  CHATBOT_ALERT_KEY,
  encodeAlertNotification,
  parseAlertNotification,
} from './chatbot.ts';
import { ACCOUNT, REGION, decisions } from './test-fixtures.ts';

const all = Object.entries(decisions) as Array<[string, Decision]>;

describe('SNS body = AWS Chatbot custom notification carrying the versioned alert', () => {
  it.each(all)('%s: is a valid custom notification and round-trips to the same alert', (_name, decision) => {
    const alert = buildAlert(decision, { accountId: ACCOUNT, region: REGION });
    const body = encodeAlertNotification(alert);
    const envelope = ChatbotNotificationSchema.parse(JSON.parse(body));
    // The fields Chatbot requires (custom-notifs.html "Parameter details").
    expect(envelope.version).toBe('1.0');
    expect(envelope.source).toBe('custom');
    expect(envelope.content.textType).toBe('client-markdown');
    // additionalContext is documented as a map of string to string.
    for (const value of Object.values(envelope.metadata.additionalContext)) expect(typeof value).toBe('string');
    const back = parseAlertNotification(body);
    expect(AlertMessageSchema.parse(back)).toEqual(alert);
  });

  it('puts the fields people filter on next to the embedded alert, and the alert id as the notification id', () => {
    const alert = buildAlert(decisions.repaired);
    const n = buildChatbotNotification(alert);
    expect(n.id).toBe(alert.alertId);
    expect(n.content.title).toBe(':rotating_light: Repaired SES-IDP-001 on identity/example.com; not repaired: SES-IDP-005');
    expect(n.content.keywords).toEqual(['critical', 'repaired', 'SES-IDP-001', 'SES-IDP-005']);
    expect(n.metadata.eventType).toBe('sesguard.repaired');
    expect(n.metadata.relatedResources).toEqual([
      `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/alice@example.com`,
      `arn:aws:iam::${ACCOUNT}:role/DevOps`,
    ]);
    expect(n.metadata.additionalContext).toMatchObject({
      schemaVersion: 'sesguard.alert/v1',
      severity: 'critical',
      outcome: 'repaired',
      rules: 'SES-IDP-001,SES-IDP-005',
      account: ACCOUNT,
      region: REGION,
      eventId: 'c0ffee00-1234-4abc-9def-0123456789ab',
    });
    expect(JSON.parse(n.metadata.additionalContext[CHATBOT_ALERT_KEY]!)).toEqual(alert);
  });

  it('next steps say what to do and link the console', () => {
    const n = buildChatbotNotification(buildAlert(decisions.repairFailed));
    expect(n.content.nextSteps?.[0]).toBe('The resource may still be open: apply the failed steps by hand now.');
    expect(n.content.nextSteps).toContain('CloudTrail event: https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/c0ffee00-1234-4abc-9def-0123456789ab');
  });

  it('renders the description for Chatbot (snapshot)', () => {
    expect(buildChatbotNotification(buildAlert(decisions.repaired)).content).toMatchSnapshot();
  });

  it('defuses markup in attacker-influenced text for Chatbot', () => {
    const hostile: Decision = { ...decisions.repaired, findings: [{ ...decisions.repaired.findings[0]!, reason: 'see <https://evil.example|here> <!channel>' }] };
    const n = buildChatbotNotification(buildAlert(hostile));
    expect(n.content.description).not.toMatch(/<[!h]/);
    // The machine copy keeps the exact text.
    expect(parseAlertNotification(JSON.stringify(n)).findings[0]!.reason).toBe('see <https://evil.example|here> <!channel>');
  });

  it('defuses code fences, emphasis, Markdown links, bare URLs, headings and @mentions in the Chatbot title and description', () => {
    const hostileText = '# Heading\n```\n*repaired* **bold** _x_ ~x~ [t](https://evil.example) https://evil.example www.evil.example @channel';
    const hostile: Decision = {
      ...decisions.repaired,
      findings: [{ ...decisions.repaired.findings[0]!, reason: hostileText, statement: { index: 1, sid: hostileText } }],
      before: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: '```', Effect: 'Allow', Principal: '*', Action: 'ses:*', Resource: '*' }] }),
    };
    const n = buildChatbotNotification(buildAlert(hostile));
    const shown = [n.content.title, n.content.description, ...(n.content.nextSteps ?? []).filter((step) => !/^(Resource|CloudTrail event): https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\//.test(step))].join('\n');
    expect(shown).not.toMatch(/\*repaired\*|\*\*bold\*\*|_x_|~x~|\]\(|https:\/\/evil|www\.evil|^#/m);
    expect(shown).not.toMatch(/(^|[^\uFF20])@channel/);
    // The guard's own code block around the diff is the only fence, and it stays closed.
    expect((n.content.description.match(/```/g) ?? []).length).toBe(2);
    expect(parseAlertNotification(JSON.stringify(n)).findings[0]!.reason).toBe(hostileText);
  });

  it('drops raw documents, then cuts the diff, to stay under the SNS size limit, and says so', () => {
    const doc = JSON.stringify({ templateContent: 'x'.repeat(19_000) });
    const alert = buildAlert({ ...decisions.compliant, before: doc, after: doc });
    const body = encodeAlertNotification(alert, 30_000);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(30_000);
    const back = parseAlertNotification(body);
    expect(back.document.truncated).toBe(true);
    expect(back.document.before).toBeNull();
    expect(encodeAlertNotification(alert)).toContain('x'.repeat(100)); // fits the real budget untouched
  });

  it.each([
    { name: 'not JSON', body: 'hello', message: 'message body is not JSON' },
    { name: 'JSON but not a custom notification', body: '{"AlarmName":"x"}', message: 'not a Chatbot custom notification: version' },
    {
      name: 'a custom notification from someone else (no embedded alert)',
      body: JSON.stringify({ version: '1.0', source: 'custom', content: { textType: 'client-markdown', title: 't', description: 'd' }, metadata: { additionalContext: {} } }),
      message: 'metadata.additionalContext.sesguardAlert is missing',
    },
    {
      name: 'an embedded alert of another schema version',
      body: JSON.stringify({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown', title: 't', description: 'd' },
        metadata: { additionalContext: { sesguardAlert: JSON.stringify({ schemaVersion: 'sesguard.alert/v2' }) } },
      }),
      message: 'embedded alert does not match sesguard.alert/v1: schemaVersion',
    },
  ])('parseAlertNotification rejects $name with a named error', ({ body, message }) => {
    expect(() => parseAlertNotification(body)).toThrow(AlertNotificationParseError);
    expect(() => parseAlertNotification(body)).toThrow(message);
  });
});
