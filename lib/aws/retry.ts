import { classifyAwsError, type AwsErrorKind } from './errors.ts';

/**
 * Retrying a call that failed transiently (lib/aws/errors.ts says which failures are), with capped
 * exponential backoff and full jitter, so that several functions throttled together do not retry in step.
 * This sits above the SDK's own retries (AWS_MAX_ATTEMPTS): those absorb a blip within one call; this
 * bridges a throttling episode that outlasts them, before the invocation gives up and fails so that
 * Lambda retries the whole event.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * A repair step. Lambda's timeout (60 s) bounds the invocation; three tries with at most 0.5 + 1 s of
 * waiting between them leave time for the other steps and the re-read.
 */
export const STEP_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4_000 };

export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before try `attempt + 1` (attempt counts from 1): uniform in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

export type RetryOutcome<T> = { ok: true; value: T; attempts: number } | { ok: false; error: unknown; kind: AwsErrorKind; attempts: number };

/** Calls `call` until it succeeds, fails with anything but a transient error, or the policy's tries run out. */
export async function retryTransient<T>(call: () => Promise<T>, options: { policy: RetryPolicy; sleep: Sleep; random?: () => number }): Promise<RetryOutcome<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call(), attempts: attempt };
    } catch (error) {
      const kind = classifyAwsError(error);
      if (kind !== 'transient' || attempt >= options.policy.attempts) return { ok: false, error, kind, attempts: attempt };
      await options.sleep(backoffDelay(attempt, options.policy, options.random));
    }
  }
}
