import { describe, expect, it } from 'vitest';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { createServiceClient, type MakeClient } from './client-factory.ts';
import { lazyCloudTrailClient, lazyIamClient, lazySnsClient, madeClient, onFirstUse } from './lazy-client.ts';

describe('onFirstUse', () => {
  it('makes the client once, on the first call, however many callers ask at once', async () => {
    let made = 0;
    const client = onFirstUse(async () => ({ id: ++made }));
    expect(made).toBe(0);
    const [a, b] = await Promise.all([client(), client()]);
    expect(a).toBe(b);
    expect(await client()).toBe(a);
    expect(made).toBe(1);
  });

  it('keeps a failed load failed rather than retrying it quietly on the next call', async () => {
    let tries = 0;
    const client = onFirstUse(() => Promise.reject(new Error(`load ${++tries} failed`)));
    await expect(client()).rejects.toThrow('load 1 failed');
    await expect(client()).rejects.toThrow('load 1 failed');
  });
});

describe('the lazy SDK clients', () => {
  it('are made by the function factory, with its service key, from the class their module loads', async () => {
    const asked: string[] = [];
    const make: MakeClient = (Client, service) => {
      asked.push(service);
      return createServiceClient(Client, service, { AWS_REGION: 'eu-west-1' });
    };
    const iam = lazyIamClient(make);
    const cloudtrail = lazyCloudTrailClient(make);
    const sns = lazySnsClient(make);
    expect(asked).toEqual([]);
    expect(await iam()).toBeInstanceOf(IAMClient);
    expect(await cloudtrail()).toBeInstanceOf(CloudTrailClient);
    expect(await sns()).toBeInstanceOf(SNSClient);
    expect(asked).toEqual(['IAM', 'CLOUDTRAIL', 'SNS']);
  });

  it('hands back a client already made as it is', async () => {
    const iam = new IAMClient({ region: 'us-east-1' });
    expect(await madeClient(iam)()).toBe(iam);
  });
});
