import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { buildAlert } from './alert-message.ts';
import { encodeAlertNotification } from './chatbot.ts';
import { renderSlackBlocks } from './slack-blocks.ts';
import { createSlackNotifier, type NotifierLogger } from './slack-notifier.ts';
import { postSlackMessage, parseRetryAfter, SlackDeliveryError } from './slack-webhook.ts';
import { createWebhookUrlProvider, WebhookUrlUnavailableError } from './webhook-url.ts';
import { decisions } from './test-fixtures.ts';

/**
 * A real local HTTP server stands in for Slack's incoming webhook. Each test scripts the responses;
 * `hang` never answers (the client must time out).
 */
type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

let server: Server;
let baseUrl: string;
let script: Reply[] = [];
let received: Array<{ at: number; path: string; contentType: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ at: performance.now(), path: req.url ?? '', contentType: req.headers['content-type'], body });
      const reply = script.shift() ?? { status: 200, body: 'ok' };
      if (reply === 'hang') return; // never answer
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  script = [];
  received = [];
});

const SECRET_PATH = '/services/T000/B000/s3cr3tT0k3n';
const webhook = (): string => `${baseUrl}${SECRET_PATH}`;
const fast = { baseBackoffMs: 5, timeoutMs: 2_000, maxRetryAfterMs: 2_000 };

function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((Message, i) => ({
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:sesguard-alerts:sub',
      EventSource: 'aws:sns',
      Sns: {
        SignatureVersion: '1',
        Timestamp: '2026-11-24T09:15:05.000Z',
        Signature: 'sig',
        SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/cert.pem',
        MessageId: `m-${i + 1}`,
        Message,
        MessageAttributes: {},
        Type: 'Notification',
        UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/unsub',
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:sesguard-alerts',
        Subject: 'subject',
      },
    })),
  };
}

function recordingLogger(): NotifierLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, ...extra: Array<Record<string, unknown>>) => lines.push(`${level} ${message} ${JSON.stringify(extra)}`);
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

describe('postSlackMessage against a local webhook', () => {
  it('posts the JSON payload once on 200', async () => {
    const result = await postSlackMessage(webhook(), { text: 'hi' }, fast);
    expect(result).toEqual({ attempts: 1, waitedMs: 0 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: SECRET_PATH, contentType: 'application/json; charset=utf-8', body: '{"text":"hi"}' });
  });

  it('429 with Retry-After: waits as told, then succeeds', async () => {
    script = [{ status: 429, body: 'rate_limited', headers: { 'retry-after': '0.2' } }, { status: 200, body: 'ok' }];
    const result = await postSlackMessage(webhook(), { text: 'hi' }, fast);
    expect(result).toEqual({ attempts: 2, waitedMs: 200 });
    expect(received).toHaveLength(2);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(190);
  });

  it('caps a long Retry-After so one answer cannot park the function', async () => {
    script = [{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200, body: 'ok' }];
    const waits: number[] = [];
    const result = await postSlackMessage(webhook(), {}, { ...fast, maxRetryAfterMs: 50, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([50]);
    expect(result.attempts).toBe(2);
  });

  it('500 then success: retried with backoff', async () => {
    script = [{ status: 500, body: 'rollup_error' }, { status: 200, body: 'ok' }];
    const waits: number[] = [];
    const result = await postSlackMessage(webhook(), {}, { ...fast, sleep: async (ms) => void waits.push(ms) });
    expect(result.attempts).toBe(2);
    expect(waits).toEqual([5]);
  });

  it('a server that never answers is aborted per attempt, retried, and finally throws', async () => {
    script = ['hang', 'hang', 'hang'];
    const started = performance.now();
    const error = await postSlackMessage(webhook(), {}, { ...fast, maxAttempts: 3, timeoutMs: 100 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).attempts).toBe(3);
    expect((error as SlackDeliveryError).retryable).toBe(true);
    expect((error as SlackDeliveryError).message).toContain('timed out after 100 ms');
    expect(received).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('400 invalid_payload is not retried (it can never succeed)', async () => {
    script = [{ status: 400, body: 'invalid_payload' }];
    const error = await postSlackMessage(webhook(), {}, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ attempts: 1, status: 400, retryable: false });
    expect((error as Error).message).toContain('invalid_payload');
    expect(received).toHaveLength(1);
  });

  it('500 on every attempt: bounded attempts, then throws with the last status', async () => {
    script = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }];
    const error = await postSlackMessage(webhook(), {}, { ...fast, maxAttempts: 4 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SlackDeliveryError', attempts: 4, status: 503 });
    expect(received).toHaveLength(4);
  });

  it('stops before the deadline instead of being killed by the Lambda timeout', async () => {
    script = [{ status: 429, headers: { 'retry-after': '1' } }];
    const error = await postSlackMessage(webhook(), {}, { ...fast, deadline: Date.now() + 500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SlackDeliveryError', attempts: 1, status: 429 });
    expect((error as Error).message).toContain('deadline');
  });

  it('never puts the webhook URL in an error (it is the credential)', async () => {
    const closed = `http://127.0.0.1:1${SECRET_PATH}`; // nothing listens on port 1
    const error = await postSlackMessage(closed, {}, { ...fast, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(JSON.stringify({ m: (error as Error).message, c: String((error as Error).cause) })).not.toContain('s3cr3t');
  });
});

describe('parseRetryAfter', () => {
  it.each([
    { value: '5', ms: 5000 },
    { value: '0.25', ms: 250 },
    { value: 'Tue, 24 Nov 2026 09:00:10 GMT', ms: 10_000 },
    { value: 'soon', ms: undefined },
    { value: null, ms: undefined },
  ])('$value -> $ms ms (delta-seconds or HTTP-date, RFC 9110)', ({ value, ms }) => {
    expect(parseRetryAfter(value, Date.parse('Tue, 24 Nov 2026 09:00:00 GMT'))).toBe(ms);
  });
});

describe('webhook URL from SSM', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => ssm.reset());

  it('reads the SecureString once with decryption and caches it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/sesguard/slack', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T/B/x' } });
    const provider = createWebhookUrlProvider({ ssm: new SSMClient({ region: 'eu-west-1' }), source: { kind: 'ssm-parameter', name: '/sesguard/slack' } });
    expect(await provider()).toBe('https://hooks.slack.com/services/T/B/x');
    expect(await provider()).toBe('https://hooks.slack.com/services/T/B/x');
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Name: '/sesguard/slack', WithDecryption: true });
  });

  it('reads a Secrets Manager secret through the SSM reference path, bare URL or JSON', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"webhookUrl":"https://hooks.slack.com/services/T/B/y"}' } });
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:sesguard/slack-AbCdEf';
    const provider = createWebhookUrlProvider({ ssm: new SSMClient({ region: 'eu-west-1' }), source: { kind: 'secrets-manager', secretId: arn } });
    expect(await provider()).toBe('https://hooks.slack.com/services/T/B/y');
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({ Name: `/aws/reference/secretsmanager/${arn}`, WithDecryption: true });
  });

  it('a failed read is not cached: the next invocation tries again', async () => {
    ssm.on(GetParameterCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/z' } });
    const provider = createWebhookUrlProvider({ ssm: new SSMClient({ region: 'eu-west-1' }), source: { kind: 'ssm-parameter', name: '/p' } });
    await expect(provider()).rejects.toThrow(WebhookUrlUnavailableError);
    await expect(provider()).resolves.toBe('https://hooks.slack.com/services/T/B/z');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it.each([
    { name: 'plain http to a remote host', value: 'http://hooks.slack.com/services/T/B/x', message: 'must hold an https URL' },
    { name: 'not a URL', value: 'xoxb-not-a-url', message: 'does not hold a URL' },
    { name: 'JSON without a url field', value: '{"token":"x"}', message: 'no string "url" or "webhookUrl"' },
  ])('rejects $name without echoing the value', async ({ value, message }) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
    const provider = createWebhookUrlProvider({ ssm: new SSMClient({ region: 'eu-west-1' }), source: { kind: 'ssm-parameter', name: '/p' } });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookUrlUnavailableError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain(value);
  });
});

describe('createSlackNotifier (SNS event -> Slack)', () => {
  const body = encodeAlertNotification(buildAlert(decisions.repairFailed));

  it('posts the Block Kit rendering of each alert on the topic, reading the URL through the cached provider', async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: webhook() } });
    const logger = recordingLogger();
    const notify = createSlackNotifier({
      webhookUrl: createWebhookUrlProvider({ ssm: new SSMClient({ region: 'eu-west-1' }), source: { kind: 'ssm-parameter', name: '/sesguard/slack' } }),
      logger,
      post: fast,
    });
    expect(await notify(snsEvent(body))).toEqual({ delivered: 1, unrecognised: 0 });
    expect(await notify(snsEvent(body))).toEqual({ delivered: 1, unrecognised: 0 });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1); // cold start only
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[0]!.body)).toEqual(renderSlackBlocks(buildAlert(decisions.repairFailed)));
    expect(logger.lines.join('\n')).not.toContain('s3cr3t');
    ssm.restore();
  });

  it('a message that is not a sesguard alert is still posted, as a plain warning (never dropped)', async () => {
    const logger = recordingLogger();
    const notify = createSlackNotifier({ webhookUrl: async () => webhook(), logger, post: fast });
    expect(await notify(snsEvent('{"AlarmName":"<!channel> x"}'))).toEqual({ delivered: 1, unrecognised: 1 });
    const posted = JSON.parse(received[0]!.body) as { text: string; blocks: Array<{ text?: { text: string } }> };
    expect(posted.text).toBe('sesguard: unrecognised message m-1 on the alert topic');
    expect(JSON.stringify(posted.blocks)).not.toContain('<!channel>');
    expect(logger.lines.some((l) => l.startsWith('warn message on the alert topic is not a sesguard alert'))).toBe(true);
  });

  it('the sweep summary (a sesguard Chatbot notification that is not an alert) is rendered as a card, not as an unrecognised message', async () => {
    const notify = createSlackNotifier({ webhookUrl: async () => webhook(), logger: recordingLogger(), post: fast });
    const summary = {
      version: '1.0',
      source: 'custom',
      id: 'sweep-1',
      content: { textType: 'client-markdown', title: 'sesguard sweep 111122223333/eu-west-1: 2 noncompliant, 0 invalid, 0 errors of 40', description: '```\nSES-IDP-001 <!channel> 2\n```', keywords: ['sweep', 'medium'] },
      metadata: { eventType: 'sesguard.sweep-summary', additionalContext: { schemaVersion: 'sesguard.sweep-summary/v1' } },
    };
    expect(await notify(snsEvent(JSON.stringify(summary)))).toEqual({ delivered: 1, unrecognised: 0 });
    const posted = JSON.parse(received[0]!.body) as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(posted.text).toBe(summary.content.title);
    expect(posted.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: summary.content.title } });
    expect(posted.blocks[1]?.text?.text).toContain('SES-IDP-001');
    expect(JSON.stringify(posted.blocks)).not.toContain('<!channel>');
  });

  it('throws when an alert cannot be delivered, after trying every record, so Lambda retries and the DLQ keeps it', async () => {
    script = [{ status: 404, body: 'channel_not_found' }, { status: 200, body: 'ok' }];
    const logger = recordingLogger();
    const notify = createSlackNotifier({ webhookUrl: async () => webhook(), logger, post: fast });
    const error = await notify(snsEvent(body, body)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as Error).message).toBe('1 of 2 alert(s) not delivered to Slack: m-1: Slack rejected the message (not retried): HTTP 404 channel_not_found');
    expect(received).toHaveLength(2);
    expect(logger.lines.filter((l) => l.startsWith('error alert NOT delivered'))).toHaveLength(1);
    expect(logger.lines.join('\n')).not.toContain('s3cr3t');
  });

  it('fails the invocation when the webhook URL cannot be read', async () => {
    const notify = createSlackNotifier({
      webhookUrl: async () => {
        throw new WebhookUrlUnavailableError('could not read the Slack webhook URL from SSM parameter /p: AccessDeniedException');
      },
      logger: recordingLogger(),
      post: fast,
    });
    await expect(notify(snsEvent(body))).rejects.toThrow(WebhookUrlUnavailableError);
    expect(received).toHaveLength(0);
  });
});
