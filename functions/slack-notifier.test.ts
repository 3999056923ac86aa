import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SNSEvent } from 'aws-lambda';
import { buildAlert } from '../lib/alert/alert-message.ts';
import { encodeAlertNotification } from '../lib/alert/chatbot.ts';
import { decisions } from '../lib/alert/test-fixtures.ts';
import { parseSlackNotifierEnv, webhookSourceOf } from './slack-notifier.ts';
import { InvalidEnvironmentError } from './runtime/env.ts';

describe('slack-notifier environment', () => {
  it.each([
    { name: 'SSM parameter', env: { SLACK_WEBHOOK_PARAMETER: '/sesguard/slack' }, source: { kind: 'ssm-parameter', name: '/sesguard/slack' } },
    { name: 'Secrets Manager secret', env: { SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s' }, source: { kind: 'secrets-manager', secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s' } },
  ])('reads the webhook location from $name', ({ env, source }) => {
    expect(webhookSourceOf(parseSlackNotifierEnv(env))).toEqual(source);
  });
  it.each([
    { name: 'neither location', env: {} },
    { name: 'both locations', env: { SLACK_WEBHOOK_PARAMETER: '/p', SLACK_WEBHOOK_SECRET_ARN: 's' } },
    { name: 'a non-numeric timeout', env: { SLACK_WEBHOOK_PARAMETER: '/p', SLACK_POST_TIMEOUT_MS: 'soon' } },
  ])('rejects $name, naming the field', ({ env }) => {
    expect(() => parseSlackNotifierEnv(env)).toThrow(InvalidEnvironmentError);
  });
});

describe('slack-notifier handler (middy, SNS event in, Slack webhook out)', () => {
  let server: Server;
  const bodies: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads the URL from SSM once per cold start and posts every alert', async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T/B/x` } });
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('SLACK_WEBHOOK_PARAMETER', '/sesguard/slack-webhook');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { handler } = await import('./slack-notifier.ts');
    const event: SNSEvent = {
      Records: [
        {
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:sesguard-alerts:sub',
          EventSource: 'aws:sns',
          Sns: {
            SignatureVersion: '1', Timestamp: '2026-11-24T09:15:05.000Z', Signature: 's', SigningCertUrl: 'https://x', MessageId: 'm-1',
            Message: encodeAlertNotification(buildAlert(decisions.guardIntegrity)), MessageAttributes: {}, Type: 'Notification',
            UnsubscribeUrl: 'https://x', TopicArn: 'arn:aws:sns:eu-west-1:111122223333:sesguard-alerts',
          },
        },
      ],
    };
    const context = { getRemainingTimeInMillis: () => 30_000, functionName: 'slack-notifier', awsRequestId: 'r-1' } as unknown as Context;
    expect(await handler(event, context)).toEqual({ delivered: 1, unrecognised: 0 });
    expect(await handler(event, context)).toEqual({ delivered: 1, unrecognised: 0 });
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/sesguard/slack-webhook', WithDecryption: true }]);
    expect(bodies).toHaveLength(2);
    expect(JSON.parse(bodies[0]!).text).toBe('[CRITICAL] GUARD TAMPERING: DisableRule on sesguard-prod-identity-policy');
    ssm.restore();
  });
});
