import { SESv2Client } from '@aws-sdk/client-sesv2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { resolveAwsSettings, serviceClientConfig, type AwsClientOptions } from './client-factory.ts';

/** The clients the CLI and tests reach for by name; the guard's functions make only theirs (client-factory.ts). */
export interface AwsClients {
  readonly sesv2: SESv2Client;
  readonly iam: IAMClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
}

/**
 * Every client, built lazily (for the CLI and tests): a run that only touches DynamoDB never pays for
 * constructing IAM. Settings are validated eagerly, so a bad AWS_MAX_ATTEMPTS fails at once.
 */
export function createAwsClients(env: NodeJS.ProcessEnv, options: AwsClientOptions = {}): AwsClients {
  const settings = resolveAwsSettings(env);
  const cache: Partial<AwsClients> = {};
  const lazy = <K extends keyof AwsClients>(key: K, make: () => AwsClients[K]): AwsClients[K] => {
    cache[key] ??= make();
    return cache[key] as AwsClients[K];
  };
  return {
    get sesv2() {
      return lazy('sesv2', () => new SESv2Client(serviceClientConfig(settings, 'SESV2', options)));
    },
    get iam() {
      return lazy('iam', () => new IAMClient(serviceClientConfig(settings, 'IAM', options)));
    },
    get sns() {
      return lazy('sns', () => new SNSClient(serviceClientConfig(settings, 'SNS', options)));
    },
    get dynamodb() {
      return lazy('dynamodb', () => new DynamoDBClient(serviceClientConfig(settings, 'DYNAMODB', options)));
    },
    get ssm() {
      return lazy('ssm', () => new SSMClient(serviceClientConfig(settings, 'SSM', options)));
    },
  };
}
