import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/**
 * Where the Slack incoming-webhook URL lives. The URL is a bearer credential (anyone holding it can post
 * to the channel), so it is kept encrypted at rest and never in plain environment variables or logs:
 * - an SSM SecureString parameter, or
 * - a Secrets Manager secret, read through SSM's documented Secrets Manager reference
 *   (`GetParameter` on `/aws/reference/secretsmanager/<secret-id>` with WithDecryption=true,
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/integration-ps-secretsmanager.html),
 *   which needs no second SDK client in the bundle. The secret may hold the bare URL or JSON
 *   `{"url": "..."}` / `{"webhookUrl": "..."}`.
 */
export type WebhookUrlSource = { kind: 'ssm-parameter'; name: string } | { kind: 'secrets-manager'; secretId: string };

export class WebhookUrlUnavailableError extends Error {
  override readonly name = 'WebhookUrlUnavailableError';
}

export function webhookParameterName(source: WebhookUrlSource): string {
  return source.kind === 'ssm-parameter' ? source.name : `/aws/reference/secretsmanager/${source.secretId}`;
}

function describeSource(source: WebhookUrlSource): string {
  return source.kind === 'ssm-parameter' ? `SSM parameter ${source.name}` : `secret ${source.secretId}`;
}

/** Plain http is accepted only for loopback hosts (local runs and tests); Slack webhooks are https. */
export function validateWebhookUrl(value: string, where: string): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Never echo the value: it is the credential.
    throw new WebhookUrlUnavailableError(`${where} does not hold a URL`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new WebhookUrlUnavailableError(`${where} must hold an https URL`);
  }
  return text;
}

function extractUrl(raw: string, where: string): string {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new WebhookUrlUnavailableError(`${where} holds JSON that does not parse`);
    }
    const record = parsed as Record<string, unknown>;
    const candidate = record['url'] ?? record['webhookUrl'];
    if (typeof candidate !== 'string') throw new WebhookUrlUnavailableError(`${where} JSON has no string "url" or "webhookUrl" field`);
    return validateWebhookUrl(candidate, where);
  }
  return validateWebhookUrl(trimmed, where);
}

/**
 * Reads the URL once and keeps it for the life of the execution environment (cold start cost only). A
 * failed read is not cached, so the next invocation tries again instead of failing until a redeploy.
 */
export function createWebhookUrlProvider(options: { ssm: SSMClient; source: WebhookUrlSource }): () => Promise<string> {
  let cached: Promise<string> | undefined;
  const where = describeSource(options.source);
  const load = async (): Promise<string> => {
    let value: string | undefined;
    try {
      const out = await options.ssm.send(new GetParameterCommand({ Name: webhookParameterName(options.source), WithDecryption: true }));
      value = out.Parameter?.Value;
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new WebhookUrlUnavailableError(`could not read the Slack webhook URL from ${where}: ${why}`, { cause: error });
    }
    if (value === undefined || value.trim() === '') throw new WebhookUrlUnavailableError(`${where} is empty`);
    return extractUrl(value, where);
  };
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
