import type { SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import * as z from '../zod.ts';
import { globalIamRegion } from './partition.ts';
import { describeZodIssues } from '../zod-issues.ts';

/**
 * The one place AWS clients are made. Every client honours the standard SDK settings, read from the
 * environment handed in (not from wherever the SDK happens to look), so the guard, the CLI and the tests
 * can point it at any AWS-compatible endpoint without code changes:
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 *
 * It imports no client class: a bundle holds the clients its code names, and a class imported here would
 * put every service into every bundle's start-up code (all-clients.ts has the set the CLI uses).
 */

/** Suffix of `AWS_ENDPOINT_URL_<SERVICE>`: the SDK's service id, upper-cased, spaces as underscores. */
export type AwsServiceKey = 'SESV2' | 'IAM' | 'SNS' | 'DYNAMODB' | 'SSM' | 'EVENTBRIDGE' | 'LAMBDA' | 'CLOUDTRAIL';

/** Static credentials or a provider, as every SDK client accepts them. */
export type AwsCredentials = NonNullable<SESv2ClientConfig['credentials']>;

export interface AwsClientOptions {
  /** Explicit credentials (tests, the CLI with a named profile); default: the SDK's provider chain. */
  credentials?: AwsCredentials;
}

/**
 * Default attempts when AWS_MAX_ATTEMPTS is unset. The SES control plane allows some calls once per
 * second per account (GetEmailIdentityPolicies, for one) and IAM throttles bursts; a repair that gives
 * up after the SDK's default 3 tries leaves the perimeter open, while Lambda's timeout still bounds the
 * total wait. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentityPolicies.html
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Per-request socket limits, so one hung connection fails a step instead of the whole invocation. */
export const REQUEST_TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000 } as const;

export class InvalidAwsSettingsError extends Error {
  override readonly name = 'InvalidAwsSettingsError';
}

const endpointUrl = z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));
const SERVICE_KEYS: readonly AwsServiceKey[] = ['SESV2', 'IAM', 'SNS', 'DYNAMODB', 'SSM', 'EVENTBRIDGE', 'LAMBDA', 'CLOUDTRAIL'];

const AwsSettingsSchema = z.object({
  AWS_REGION: z.optional(z.string().check(z.minLength(1))),
  AWS_DEFAULT_REGION: z.optional(z.string().check(z.minLength(1))),
  AWS_ENDPOINT_URL: endpointUrl,
  ...Object.fromEntries(SERVICE_KEYS.map((key) => [`AWS_ENDPOINT_URL_${key}`, endpointUrl])),
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: z.optional(z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])),
  AWS_MAX_ATTEMPTS: z.optional(z.pipe(z.string().check(z.regex(/^[1-9][0-9]*$/, 'must be a positive integer')), z.transform(Number))),
  AWS_RETRY_MODE: z.optional(z.enum(['standard', 'adaptive', 'legacy'], { error: 'must be standard, adaptive or legacy' })),
});

/** The SDK settings the factory applies, resolved once from an environment. */
export interface AwsSettings {
  region?: string;
  endpoints: Partial<Record<AwsServiceKey, string>>;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive' | 'legacy';
}

/** Empty strings mean "unset" in the environment, as the SDK treats them. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

export function resolveAwsSettings(env: NodeJS.ProcessEnv): AwsSettings {
  const parsed = AwsSettingsSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error);
    throw new InvalidAwsSettingsError(`invalid AWS SDK settings in the environment:\n  - ${issues.join('\n  - ')}`);
  }
  const settings = parsed.data as Record<string, string | number | undefined>;
  const ignoreEndpoints = String(settings.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? 'false').toLowerCase() === 'true';
  const endpoints: Partial<Record<AwsServiceKey, string>> = {};
  if (!ignoreEndpoints) {
    for (const key of SERVICE_KEYS) {
      // Service-specific first, then the global one: the SDK's documented precedence.
      const url = settings[`AWS_ENDPOINT_URL_${key}`] ?? settings.AWS_ENDPOINT_URL;
      if (typeof url === 'string') endpoints[key] = url;
    }
  }
  // The JS SDK reads only AWS_REGION; AWS_DEFAULT_REGION is honoured here for parity with the CLI.
  const region = parsed.data.AWS_REGION ?? parsed.data.AWS_DEFAULT_REGION;
  return {
    ...(region !== undefined && { region }),
    endpoints,
    maxAttempts: parsed.data.AWS_MAX_ATTEMPTS ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: parsed.data.AWS_RETRY_MODE ?? 'standard',
  };
}

export interface CommonClientConfig {
  region?: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: string;
  requestHandler: typeof REQUEST_TIMEOUTS;
  credentials?: AwsCredentials;
}

function clientConfig(settings: AwsSettings, service: AwsServiceKey, options: AwsClientOptions, region = settings.region): CommonClientConfig {
  const endpoint = settings.endpoints[service];
  return {
    ...(region !== undefined && { region }),
    ...(endpoint !== undefined && { endpoint }),
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    requestHandler: REQUEST_TIMEOUTS,
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  };
}

/** IAM is global: its control plane lives in one region per partition. */
export function serviceClientConfig(settings: AwsSettings, service: AwsServiceKey, options: AwsClientOptions): CommonClientConfig {
  if (service !== 'IAM') return clientConfig(settings, service, options);
  // With a custom endpoint (an emulator) the configured region is kept, since that endpoint signs for it.
  const region = settings.endpoints.IAM !== undefined ? settings.region : globalIamRegion(settings.region);
  return clientConfig(settings, 'IAM', options, region);
}

export type ClientConstructor<C> = new (config: CommonClientConfig) => C;

/**
 * One client, for code that must carry only the clients it uses: a Lambda function passes the client
 * class it imports, so its bundle (and the IAM role derived from it) holds no other service.
 */
export function createServiceClient<C>(Client: ClientConstructor<C>, service: AwsServiceKey, env: NodeJS.ProcessEnv = process.env, options: AwsClientOptions = {}): C {
  return new Client(serviceClientConfig(resolveAwsSettings(env), service, options));
}

/** How a family makes the clients it needs, so a Lambda bundle carries only those (functions/runtime). */
export type MakeClient = <C>(Client: ClientConstructor<C>, service: AwsServiceKey) => C;
