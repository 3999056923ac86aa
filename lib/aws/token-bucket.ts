import type { Clock } from './clock.ts';

/**
 * What a paced client (lib/aws/paced-client.ts) takes from before each call: this process's TokenBucket, or
 * the SharedRateBucket every invocation and the sweep take from (lib/aws/shared-rate-bucket.ts).
 */
export interface RateGate {
  readonly rate: number;
  /**
   * Resolves when the caller may send one call. `followUps` says how many calls will follow this one at once
   * (a write's verify re-read): a gate whose every reservation is a round trip reserves them together.
   */
  take(followUps?: number): Promise<void>;
  /** The call was throttled; returns how long the gate now holds callers back (ms). */
  throttled(): number;
  /** A call went through. */
  succeeded(): void;
}

/**
 * Paces calls to one rate-limited API. SES allows GetEmailIdentityPolicies (and, by its general rule, every
 * control-plane call) "no more than once per second" per account and region, and the event-path guard shares
 * that budget, so the sweep takes its tokens at a configured rate below it.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentityPolicies.html
 * Callers are served in order, one token each. A throttling answer pauses the whole bucket (every caller
 * waits), doubling the pause on each consecutive throttle, so the sweep yields to whoever else is calling.
 */
export interface TokenBucketOptions {
  /** Tokens per second. */
  rate: number;
  /** Tokens that may accumulate while idle (1: no burst). */
  capacity?: number;
  /** First pause after a throttle, in ms; doubles per consecutive throttle up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export class TokenBucket implements RateGate {
  readonly rate: number;
  readonly #capacity: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;
  #pausedUntil = 0;
  #consecutiveThrottles = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions, clock: Clock) {
    if (!(options.rate > 0)) throw new RangeError(`rate must be positive, got ${options.rate}`);
    this.rate = options.rate;
    this.#capacity = Math.max(1, options.capacity ?? 1);
    this.#baseBackoffMs = options.baseBackoffMs ?? 500;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#clock = clock;
    this.#tokens = this.#capacity;
    this.#last = clock.now();
  }

  /** Resolves when the caller may send one call. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#takeOne());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** The call was throttled: pause the bucket (every caller waits); returns the pause in ms. */
  throttled(): number {
    this.#consecutiveThrottles++;
    const pause = Math.min(this.#maxBackoffMs, this.#baseBackoffMs * 2 ** (this.#consecutiveThrottles - 1));
    // The pause is the wait; the tokens earned meanwhile stay, so the retry goes out the moment it ends.
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + pause);
    return pause;
  }

  /** A call went through: the next throttle starts the backoff over. */
  succeeded(): void {
    this.#consecutiveThrottles = 0;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
  }

  async #takeOne(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      if (now < this.#pausedUntil) {
        await this.#clock.sleep(this.#pausedUntil - now);
        continue;
      }
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) / this.rate) * 1000));
    }
  }
}
