/**
 * Time as the sweep sees it. The Lambda function and the CLI use the system clock; tests and bench/sweep.ts
 * use `SimulatedClock`, so hours of pacing at one call per second run in milliseconds and never sleep.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Virtual time: `sleep` parks the caller until the clock reaches its wake time, and the clock jumps to the
 * earliest sleeper once every pending promise has settled (checked on the macrotask queue, after the
 * microtasks an in-memory mock resolves with). Concurrent sleepers wake in time order.
 */
export class SimulatedClock implements Clock {
  #now: number;
  #sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  #seq = 0;
  #scheduled = false;

  constructor(startMs = Date.parse('2026-11-24T06:00:00Z')) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward without a sleeper (a test's "the lease has expired by now"). */
  advance(ms: number): void {
    this.#now += Math.max(0, ms);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#sleepers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, wake: resolve });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#sleepers.length === 0) return;
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#sleepers.shift();
      if (!next) return;
      this.#now = Math.max(this.#now, next.at);
      next.wake();
      if (this.#sleepers.length > 0) this.#schedule();
    });
  }
}
