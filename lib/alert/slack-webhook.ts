/**
 * Delivery to a Slack incoming webhook with bounded retries.
 * Slack answers 200 "ok"; 429 with Retry-After (seconds) when rate limited; 5xx on its own failures;
 * 4xx such as 400 invalid_payload, 403 action_prohibited, 404 channel_not_found, 410 channel_is_archived
 * for requests that will never succeed (https://api.slack.com/messaging/webhooks#handling_errors).
 * Only 429, 5xx, timeouts and network errors are retried.
 */

export interface SlackPostOptions {
  /** Per attempt, covering connect, response and body. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** First backoff for 5xx/timeouts/network errors; doubles each attempt. */
  baseBackoffMs?: number;
  /** Retry-After is honoured up to this cap, so one answer cannot park the function until it times out. */
  maxRetryAfterMs?: number;
  /** Epoch ms after which no further attempt starts (e.g. Lambda's remaining time minus a margin). */
  deadline?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface SlackPostResult {
  attempts: number;
  /** Time spent waiting between attempts. */
  waitedMs: number;
}

export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  readonly attempts: number;
  readonly status: number | undefined;
  /** False when Slack rejected the message itself (4xx other than 429): retrying cannot help. */
  readonly retryable: boolean;
  constructor(message: string, details: { attempts: number; status?: number; retryable: boolean; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.attempts = details.attempts;
    this.status = details.status;
    this.retryable = details.retryable;
  }
}

export const SLACK_POST_DEFAULTS = {
  timeoutMs: 5_000,
  maxAttempts: 4,
  baseBackoffMs: 500,
  maxRetryAfterMs: 10_000,
} as const;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type AttemptResult = { ok: true } | { ok: false; retryable: boolean; status?: number; waitHintMs?: number; reason: string; cause?: unknown };

export async function postSlackMessage(webhookUrl: string, payload: unknown, options: SlackPostOptions = {}): Promise<SlackPostResult> {
  const timeoutMs = options.timeoutMs ?? SLACK_POST_DEFAULTS.timeoutMs;
  const maxAttempts = Math.max(1, options.maxAttempts ?? SLACK_POST_DEFAULTS.maxAttempts);
  const baseBackoffMs = options.baseBackoffMs ?? SLACK_POST_DEFAULTS.baseBackoffMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? SLACK_POST_DEFAULTS.maxRetryAfterMs;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const doFetch = options.fetch ?? fetch;
  const body = JSON.stringify(payload);

  let waitedMs = 0;
  let last: Extract<AttemptResult, { ok: false }> | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const result = await attemptPost(doFetch, webhookUrl, body, timeoutMs, now);
    if (result.ok) return { attempts: attempt, waitedMs };
    last = result;
    if (!result.retryable) {
      throw new SlackDeliveryError(`Slack rejected the message (not retried): ${result.reason}`, {
        attempts: attempt,
        ...(result.status !== undefined && { status: result.status }),
        retryable: false,
        cause: result.cause,
      });
    }
    if (attempt === maxAttempts) break;
    const backoff = baseBackoffMs * 2 ** (attempt - 1);
    const wait = result.waitHintMs !== undefined ? Math.min(result.waitHintMs, maxRetryAfterMs) : backoff;
    if (options.deadline !== undefined && now() + wait >= options.deadline) {
      throw new SlackDeliveryError(`gave up before the deadline after ${attempt} attempt(s): ${result.reason}`, {
        attempts: attempt,
        ...(result.status !== undefined && { status: result.status }),
        retryable: true,
        cause: result.cause,
      });
    }
    await sleep(wait);
    waitedMs += wait;
  }
  throw new SlackDeliveryError(`Slack delivery failed after ${maxAttempts} attempt(s): ${last?.reason ?? 'unknown'}`, {
    attempts: maxAttempts,
    ...(last?.status !== undefined && { status: last.status }),
    retryable: true,
    cause: last?.cause,
  });
}

async function attemptPost(doFetch: typeof fetch, url: string, body: string, timeoutMs: number, now: () => number): Promise<AttemptResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signal: controller.signal,
      redirect: 'error',
    });
    // Read the body under the same timeout: it frees the connection and carries Slack's error code.
    const text = (await response.text()).slice(0, 200);
    if (response.ok) return { ok: true };
    const reason = `HTTP ${response.status}${text ? ` ${text}` : ''}`;
    if (response.status === 429) {
      const hint = parseRetryAfter(response.headers.get('retry-after'), now());
      return { ok: false, retryable: true, status: 429, reason, ...(hint !== undefined && { waitHintMs: hint }) };
    }
    if (response.status >= 500) return { ok: false, retryable: true, status: response.status, reason };
    return { ok: false, retryable: false, status: response.status, reason };
  } catch (error) {
    // Network errors and timeouts are worth retrying. The message names neither URL nor path: the URL is the credential.
    const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : `network error: ${errorName(error)}`;
    return { ok: false, retryable: true, reason, cause: controller.signal.aborted ? undefined : scrub(error) };
  } finally {
    clearTimeout(timer);
  }
}

function errorName(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? `${error.message} (${cause.code})` : error.message;
}

/** Keep only the error's name and code: undici errors can carry the request, and so the URL. */
function scrub(error: unknown): Error {
  const e = new Error(errorName(error));
  e.name = error instanceof Error ? error.name : 'Error';
  return e;
}
