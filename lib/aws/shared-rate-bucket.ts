import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from './clock.ts';
import type { RateGate } from './token-bucket.ts';

/**
 * One call rate shared by every process that calls an API: all concurrent invocations of every guard
 * function and the sweep, which SES counts against one budget per account and region (about one
 * control-plane call per second; GetEmailIdentityPolicies says so outright:
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentityPolicies.html). An in-process
 * bucket cannot see the other invocations, and reserved concurrency would split the budget statically (a
 * burst on one function could use only its share while the rest idles), so the rate lives in one DynamoDB
 * item of the stack's table, which is regional exactly as the SES budget is.
 *
 * The item holds the next free slot (epoch ms). A caller reserves a slot with ONE conditional UpdateItem
 * (no polling, no retry storm however many callers there are): "next = next + interval, if next is not in
 * the past" gives it the slot `next`, queued behind everyone already waiting; when the bucket has been idle
 * (next in the past, or no item yet) "next = now + interval" gives it `now`. It then sleeps until its slot.
 * No burst is allowed: SES documents none. Clocks of Lambda hosts agree to milliseconds; the rate set is
 * kept below SES's own (SHARED_SES_RATE) so that skew and network jitter do not turn into throttles.
 */
export interface SharedRateBucketOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The item's partition key value, e.g. `sesguard.budget#sesv2`. */
  key: string;
  /** The table's partition key attribute. */
  keyAttribute: string;
  /** Calls per second, across every caller. */
  rate: number;
  clock: Clock;
  /** The item expires (TTL attribute, epoch seconds) once idle, so a removed budget leaves nothing behind. */
  ttlAttribute?: string;
}

/**
 * SES's control-plane budget as every guard process takes from it: 0.9 of the documented 1/s, so a slot
 * that reaches SES a little late (network, clock skew) is still outside the previous call's second.
 */
export const SHARED_SES_RATE = 0.9;

/** The item of the SES budget in the idempotency table (its roles may touch exactly this item of it). */
export const SES_BUDGET_KEY = 'sesguard.budget#sesv2';

const NEXT = 'nextSlotMs';

/**
 * A slot held for a follow-up call is used only this late at most: later, the next caller's slot is less
 * than an interval away, and SES would see two calls inside one second.
 */
const HELD_SLOT_TOLERANCE_MS = 100;

export class SharedRateBucket implements RateGate {
  readonly rate: number;
  readonly #options: SharedRateBucketOptions;
  readonly #intervalMs: number;
  /** The next free slot as this process last saw it: still ahead means "queue behind" is likely to match. */
  #lastNext = 0;
  #consecutiveThrottles = 0;
  #pausedUntil = 0;
  /** Slots this process reserved for calls announced as follow-ups, earliest first. */
  #held: number[] = [];

  constructor(options: SharedRateBucketOptions) {
    if (!(options.rate > 0)) throw new RangeError(`rate must be positive, got ${options.rate}`);
    this.rate = options.rate;
    this.#options = options;
    this.#intervalMs = Math.ceil(1000 / options.rate);
  }

  /**
   * Resolves when the caller may send one call. A call announced with `followUps` (a write, whose verify
   * re-read comes straight after it) reserves their slots in the same UpdateItem, so the follow-up waits for
   * its slot without another round trip to the table first.
   */
  async take(followUps = 0): Promise<void> {
    const paused = this.#pausedUntil - this.#options.clock.now();
    if (paused > 0) await this.#options.clock.sleep(paused);
    const slot = (await this.#fromHeld(followUps)) ?? (await this.#reserveFor(followUps));
    const wait = slot - this.#options.clock.now();
    if (wait > 0) await this.#options.clock.sleep(wait);
  }

  /**
   * A held slot still usable, stale ones dropped. A call with follow-ups of its own takes one too when the
   * slots held after it cover them (a write whose slot and re-read's were reserved with the read); when
   * they do not, only the missing ones are reserved.
   */
  async #fromHeld(followUps: number): Promise<number | undefined> {
    const now = this.#options.clock.now();
    this.#held = this.#held.filter((slot) => slot >= now - HELD_SLOT_TOLERANCE_MS);
    const slot = this.#held.shift();
    if (slot === undefined) return undefined;
    const missing = Math.max(0, Math.floor(followUps)) - this.#held.length;
    if (missing > 0) this.#hold(await this.reserve(missing), missing);
    return slot;
  }

  async #reserveFor(followUps: number): Promise<number> {
    const count = 1 + Math.max(0, Math.floor(followUps));
    const first = await this.reserve(count);
    this.#hold(first + this.#intervalMs, count - 1);
    return first;
  }

  /** Keeps `count` consecutive reserved slots from `first` for the calls announced to follow. */
  #hold(first: number, count: number): void {
    for (let i = 0; i < count; i++) this.#held.push(first + i * this.#intervalMs);
  }

  /** Reserves the next `count` consecutive free slots and returns the first (epoch ms); does not wait. */
  async reserve(count = 1): Promise<number> {
    // Two conditional forms; whichever matches the item's state wins. A lost race (another caller changed
    // the item in between) just tries the other form, and each try is one UpdateItem.
    let busy = this.#lastNext >= this.#options.clock.now();
    for (let attempt = 0; attempt < 8; attempt++) {
      const now = this.#options.clock.now();
      const slot = busy ? await this.#queueBehind(now, count) : await this.#startIdle(now, count);
      if (slot !== undefined) return slot;
      busy = !busy;
    }
    throw new Error(`could not reserve a slot of ${this.#options.key} after 8 tries: the item keeps changing under contention`);
  }

  /**
   * The call was throttled anyway (someone calls outside the bucket, or SES's own rate is lower today): this
   * process pauses, doubling per consecutive throttle, before it reserves again; the others keep their slots.
   */
  throttled(): number {
    this.#consecutiveThrottles++;
    const pause = Math.min(30_000, this.#intervalMs * 2 ** (this.#consecutiveThrottles - 1));
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#options.clock.now() + pause);
    return pause;
  }

  succeeded(): void {
    this.#consecutiveThrottles = 0;
  }

  async #queueBehind(now: number, count: number): Promise<number | undefined> {
    const out = await this.#update('SET #next = #next + :interval', '#next >= :now', now, count);
    if (!out) return undefined;
    return out - count * this.#intervalMs;
  }

  async #startIdle(now: number, count: number): Promise<number | undefined> {
    const out = await this.#update('SET #next = :nowPlus', 'attribute_not_exists(#next) OR #next < :now', now, count);
    if (out === undefined) return undefined;
    return now;
  }

  async #update(set: string, condition: string, now: number, count: number): Promise<number | undefined> {
    const { client, tableName, key, keyAttribute, ttlAttribute } = this.#options;
    const ttl = ttlAttribute === undefined ? '' : ', #ttl = :ttl';
    try {
      const out = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { [keyAttribute]: { S: key } },
          UpdateExpression: `${set}${ttl}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#next': NEXT, ...(ttlAttribute !== undefined && { '#ttl': ttlAttribute }) },
          ExpressionAttributeValues: {
            ':now': { N: String(now) },
            ...(set.includes(':interval') && { ':interval': { N: String(count * this.#intervalMs) } }),
            ...(set.includes(':nowPlus') && { ':nowPlus': { N: String(now + count * this.#intervalMs) } }),
            ...(ttlAttribute !== undefined && { ':ttl': { N: String(Math.ceil(now / 1000) + 24 * 60 * 60) } }),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const next = Number(out.Attributes?.[NEXT]?.N);
      if (!Number.isFinite(next)) throw new Error(`${key}: UpdateItem returned no ${NEXT}`);
      this.#lastNext = next;
      return next;
    } catch (error) {
      // By name: the SDK class may come from another copy of the package than the client's.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}
