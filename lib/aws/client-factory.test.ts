import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetEmailIdentityPoliciesCommand } from '@aws-sdk/client-sesv2';
import { DEFAULT_MAX_ATTEMPTS, InvalidAwsSettingsError, resolveAwsSettings } from './client-factory.ts';
import { createAwsClients, type AwsClients } from './all-clients.ts';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

async function endpointOf(client: AwsClients[keyof AwsClients]): Promise<string | undefined> {
  const endpoint = await client.config.endpoint?.();
  if (!endpoint) return undefined;
  return `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path}`;
}

/** The resolved strategy carries the mode AWS_RETRY_MODE selected. */
async function retryModeOf(client: AwsClients[keyof AwsClients]): Promise<string | undefined> {
  const strategy = await client.config.retryStrategy();
  return 'mode' in strategy && typeof strategy.mode === 'string' ? strategy.mode : undefined;
}

describe('createAwsClients: endpoints (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)', () => {
  const cases: Array<{ name: string; env: NodeJS.ProcessEnv; expected: Record<'sesv2' | 'iam' | 'sns' | 'dynamodb' | 'ssm', string | undefined> }> = [
    {
      name: 'no endpoint settings: every client uses the AWS endpoint resolver',
      env: { AWS_REGION: 'eu-west-1' },
      expected: { sesv2: undefined, iam: undefined, sns: undefined, dynamodb: undefined, ssm: undefined },
    },
    {
      name: 'AWS_ENDPOINT_URL applies to every service',
      env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      expected: {
        sesv2: 'http://127.0.0.1:4566/',
        iam: 'http://127.0.0.1:4566/',
        sns: 'http://127.0.0.1:4566/',
        dynamodb: 'http://127.0.0.1:4566/',
        ssm: 'http://127.0.0.1:4566/',
      },
    },
    {
      name: 'a service-specific endpoint wins over the global one, for that service only',
      env: {
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:9001',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      },
      expected: {
        sesv2: 'http://127.0.0.1:9001/',
        iam: 'http://127.0.0.1:4566/',
        sns: 'http://127.0.0.1:4566/',
        dynamodb: 'http://127.0.0.1:8000/',
        ssm: 'http://127.0.0.1:4566/',
      },
    },
    {
      name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores every configured endpoint',
      env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      expected: { sesv2: undefined, iam: undefined, sns: undefined, dynamodb: undefined, ssm: undefined },
    },
    {
      name: 'an empty variable counts as unset',
      env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SNS: '', AWS_ENDPOINT_URL: 'http://localhost:4566' },
      expected: {
        sesv2: 'http://localhost:4566/',
        iam: 'http://localhost:4566/',
        sns: 'http://localhost:4566/',
        dynamodb: 'http://localhost:4566/',
        ssm: 'http://localhost:4566/',
      },
    },
  ];
  it.each(cases)('$name', async ({ env, expected }) => {
    const clients = createAwsClients(env, { credentials });
    const resolved = {
      sesv2: await endpointOf(clients.sesv2),
      iam: await endpointOf(clients.iam),
      sns: await endpointOf(clients.sns),
      dynamodb: await endpointOf(clients.dynamodb),
      ssm: await endpointOf(clients.ssm),
    };
    expect(resolved).toEqual(expected);
  });
});

describe('createAwsClients: regions', () => {
  const cases = [
    { name: 'AWS_REGION sets the regional clients', env: { AWS_REGION: 'eu-west-1' }, regional: 'eu-west-1', iam: 'us-east-1' },
    { name: 'AWS_DEFAULT_REGION is honoured when AWS_REGION is unset', env: { AWS_DEFAULT_REGION: 'ap-southeast-2' }, regional: 'ap-southeast-2', iam: 'us-east-1' },
    { name: 'AWS_REGION wins over AWS_DEFAULT_REGION', env: { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'us-west-2' }, regional: 'eu-central-1', iam: 'us-east-1' },
    { name: 'IAM is global: the China partition calls it in cn-north-1', env: { AWS_REGION: 'cn-northwest-1' }, regional: 'cn-northwest-1', iam: 'cn-north-1' },
    { name: 'IAM is global: GovCloud calls it in us-gov-west-1', env: { AWS_REGION: 'us-gov-east-1' }, regional: 'us-gov-east-1', iam: 'us-gov-west-1' },
    {
      name: 'an IAM endpoint (emulator) keeps the configured region, which it signs for',
      env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:4566' },
      regional: 'eu-west-1',
      iam: 'eu-west-1',
    },
  ];
  it.each(cases)('$name', async ({ env, regional, iam }) => {
    const clients = createAwsClients(env, { credentials });
    expect(await clients.sesv2.config.region()).toBe(regional);
    expect(await clients.sns.config.region()).toBe(regional);
    expect(await clients.dynamodb.config.region()).toBe(regional);
    expect(await clients.ssm.config.region()).toBe(regional);
    expect(await clients.iam.config.region()).toBe(iam);
  });
});

describe('createAwsClients: retries (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE)', () => {
  it('defaults to standard retries with DEFAULT_MAX_ATTEMPTS attempts', async () => {
    const clients = createAwsClients({ AWS_REGION: 'eu-west-1' }, { credentials });
    expect(await clients.sesv2.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(await retryModeOf(clients.iam)).toBe('standard');
  });

  it('honours AWS_MAX_ATTEMPTS and AWS_RETRY_MODE on every client', async () => {
    const clients = createAwsClients({ AWS_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: '8', AWS_RETRY_MODE: 'adaptive' }, { credentials });
    for (const client of [clients.sesv2, clients.iam, clients.sns, clients.dynamodb, clients.ssm]) {
      expect(await client.config.maxAttempts()).toBe(8);
      expect(await retryModeOf(client)).toBe('adaptive');
    }
  });

  const invalid = [
    { name: 'AWS_MAX_ATTEMPTS that is not a number', env: { AWS_MAX_ATTEMPTS: 'many' }, field: 'AWS_MAX_ATTEMPTS' },
    { name: 'AWS_MAX_ATTEMPTS of zero (no attempt at all)', env: { AWS_MAX_ATTEMPTS: '0' }, field: 'AWS_MAX_ATTEMPTS' },
    { name: 'an unknown AWS_RETRY_MODE', env: { AWS_RETRY_MODE: 'aggressive' }, field: 'AWS_RETRY_MODE' },
    { name: 'an endpoint that is not an http(s) URL', env: { AWS_ENDPOINT_URL_SESV2: 'localhost:4566' }, field: 'AWS_ENDPOINT_URL_SESV2' },
  ];
  it.each(invalid)('rejects $name at creation, naming the variable', ({ env, field }) => {
    expect(() => createAwsClients({ AWS_REGION: 'eu-west-1', ...env })).toThrow(InvalidAwsSettingsError);
    expect(() => createAwsClients({ AWS_REGION: 'eu-west-1', ...env })).toThrow(field);
  });
});

describe('createAwsClients: laziness', () => {
  it('creates each client on first use and returns the same instance afterwards', () => {
    const clients = createAwsClients({ AWS_REGION: 'eu-west-1' }, { credentials });
    const first = clients.iam;
    expect(clients.iam).toBe(first);
    expect(clients.sesv2).toBe(clients.sesv2);
    expect(clients.sesv2).not.toBe(first);
  });

  it('resolves settings without touching process.env when an environment is given', () => {
    expect(resolveAwsSettings({ AWS_REGION: 'sa-east-1' })).toEqual({ region: 'sa-east-1', endpoints: {}, maxAttempts: DEFAULT_MAX_ATTEMPTS, retryMode: 'standard' });
  });
});

describe('createAwsClients: a request reaches the configured endpoint', () => {
  let server: Server;
  let port: number;
  const received: Array<{ method?: string; url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      received.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Policies: { SendOnly: '{"Version":"2012-10-17","Statement":[]}' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends SESv2 GetEmailIdentityPolicies to AWS_ENDPOINT_URL_SESV2, signed for AWS_REGION', async () => {
    const clients = createAwsClients({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${port}` }, { credentials });
    const output = await clients.sesv2.send(new GetEmailIdentityPoliciesCommand({ EmailIdentity: 'example.com' }));
    expect(output.Policies).toEqual({ SendOnly: '{"Version":"2012-10-17","Statement":[]}' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'GET', url: '/v2/email/identities/example.com/policies' });
    expect(received[0]?.authorization).toMatch(/Credential=AKIDTEST\/\d{8}\/eu-west-1\/ses\/aws4_request/);
  });
});
