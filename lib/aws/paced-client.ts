import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientConstructor, MakeClient } from './client-factory.ts';
import type { AwsServiceKey } from './client-factory.ts';
import { isThrottling, isTransient } from './errors.ts';
import type { Clock } from './clock.ts';
import { TokenBucket, type RateGate } from './token-bucket.ts';

/**
 * The one home of client pacing. Every AWS call of a paced client (the sweep's listing, reading, re-reads
 * and repairs; a guard function's SES calls) goes through a gate of its service and region: this process's
 * TokenBucket, or a gate shared with every other process (lib/aws/shared-rate-bucket.ts) where the budget is
 * shared. Paced clients are built with the SDK's own retries off (AWS_MAX_ATTEMPTS=1) so that each attempt,
 * retries included, waits for its turn; the retrying happens here.
 */
export interface PacingOptions {
  /** SES calls per second per region of this process's own bucket (when no shared gate is given). */
  sesRate: number;
  /** IAM calls per second (IAM publishes no rate; it throttles bursts). */
  iamRate: number;
  /** Attempts per call, the first included, before a throttled or transient failure is given up. */
  maxAttempts?: number;
  /** A gate shared across processes for this service and region, when there is one (SES in the stack's region). */
  sharedGate?: (service: AwsServiceKey, region: string) => RateGate | undefined;
}

/** Calls, throttles and retries, by family and operation: the sweep's cost in API calls. */
export interface CallStats {
  calls: number;
  throttles: number;
  retries: number;
  byOperation: Record<string, number>;
}

export function emptyCallStats(): CallStats {
  return { calls: 0, throttles: 0, retries: 0, byOperation: {} };
}

interface Sender {
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
}

/** Calls the caller expects to follow the next read (lib/guard/decide.ts: the repair it predicts). */
const expectedAfterRead = new AsyncLocalStorage<{ remaining: number }>();

/**
 * Runs `read` telling the pacer that its first call will be followed by `calls` more (a write and its verify
 * re-read, when the event's own payload already judges noncompliant): a gate that reserves in round trips
 * then reserves them all in one, and the write does not wait for a reservation of its own. A wrong guess
 * costs budget (slots held and not used), never a decision.
 */
export function withExpectedFollowUps<T>(calls: number, read: () => Promise<T>): Promise<T> {
  return calls > 0 ? expectedAfterRead.run({ remaining: calls }, read) : read();
}

/**
 * How many calls follow this one at once: every repair is verified by re-reading what it wrote (the issue-12
 * rule that "repaired" means a compliant re-read), so a write announces that read; a read announces what
 * withExpectedFollowUps said, once.
 */
function followUpsOf(operation: string): number {
  if (/^(Put|Update|Delete|Create)/.test(operation)) return 1;
  const expected = expectedAfterRead.getStore();
  if (!expected || expected.remaining === 0) return 0;
  const calls = expected.remaining;
  expected.remaining = 0;
  return calls;
}

export class Pacer {
  readonly #buckets = new Map<string, RateGate>();
  readonly #options: PacingOptions & { maxAttempts: number };
  readonly #clock: Clock;
  readonly stats = new Map<string, CallStats>();

  constructor(options: PacingOptions, clock: Clock) {
    this.#options = { maxAttempts: 8, ...options };
    this.#clock = clock;
  }

  /** SES buckets are per region (its quota is per account and region); IAM is global, one bucket. */
  bucket(service: AwsServiceKey, region: string): RateGate {
    const key = service === 'IAM' ? 'IAM' : `${service}:${region}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = this.#options.sharedGate?.(service, region) ?? new TokenBucket({ rate: service === 'IAM' ? this.#options.iamRate : this.#options.sesRate }, this.#clock);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  statsOf(family: string): CallStats {
    let stats = this.stats.get(family);
    if (!stats) {
      stats = emptyCallStats();
      this.stats.set(family, stats);
    }
    return stats;
  }

  /** `client` with its `send` paced and retried; everything else (config, region) is the client's own. */
  wrap<C extends object>(client: C, service: AwsServiceKey, region: string, family: string): C {
    const bucket = this.bucket(service, region);
    const stats = this.statsOf(family);
    const clock = this.#clock;
    const maxAttempts = this.#options.maxAttempts;
    const target = client as unknown as Sender;
    const send = async (command: unknown, ...rest: unknown[]): Promise<unknown> => {
      const operation = (command as { constructor?: { name?: string } }).constructor?.name?.replace(/Command$/, '') ?? 'unknown';
      for (let attempt = 1; ; attempt++) {
        await bucket.take(followUpsOf(operation));
        stats.calls++;
        stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
        try {
          const output = await target.send(command, ...rest);
          bucket.succeeded();
          return output;
        } catch (error) {
          if (attempt >= maxAttempts || !isTransient(error)) throw error;
          stats.retries++;
          if (isThrottling(error)) {
            stats.throttles++;
            bucket.throttled();
          } else {
            // A 5xx or a dropped connection: wait a little, without slowing the other callers.
            await clock.sleep(Math.min(20_000, 250 * 2 ** (attempt - 1)));
          }
        }
      }
    };
    return new Proxy(client, {
      get(object, property, receiver) {
        if (property === 'send') return send;
        return Reflect.get(object, property, receiver) as unknown;
      },
    });
  }

  /** A MakeClient whose clients are paced for `region` and counted under `family`. */
  makeClient(make: MakeClient, region: string, family: string): MakeClient {
    return <C>(Client: ClientConstructor<C>, service: AwsServiceKey): C => this.wrap(make(Client, service) as C & object, service, region, family);
  }
}

/**
 * A caller's own rate within a shared one: each call waits for a token of `own` (e.g. the sweep's
 * configured share), then for a slot of `shared` (the budget every process takes from).
 */
export function withinShared(own: RateGate, shared: RateGate): RateGate {
  return {
    rate: Math.min(own.rate, shared.rate),
    async take(followUps?: number) {
      await own.take();
      await shared.take(followUps);
    },
    throttled: () => Math.max(own.throttled(), shared.throttled()),
    succeeded() {
      own.succeeded();
      shared.succeeded();
    },
  };
}
