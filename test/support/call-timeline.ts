/**
 * When each AWS call of a run started and ended, and from that the run's critical path: the longest chain
 * of calls each of which started only after the one before it had ended. Calls that overlap (sent side by
 * side) are one round trip on that path, however many there are. Order is kept by a sequence number as
 * well as the clock, so calls answered by an in-memory mock within the same millisecond still order right.
 * Used by the critical-path test and bench/handler-latency.ts.
 */
export interface TimedCall {
  /** e.g. `DynamoDB.PutItem`, `SESv2.GetEmailIdentityPolicies`. */
  name: string;
  startSeq: number;
  endSeq: number;
  startMs: number;
  endMs: number;
}

export class CallTimeline {
  #seq = 0;
  readonly calls: TimedCall[] = [];

  /** Runs `call`, recording it under `name` whether it succeeds or throws. */
  async record<T>(name: string, call: () => Promise<T>): Promise<T> {
    const startSeq = this.#seq++;
    const startMs = performance.now();
    try {
      return await call();
    } finally {
      this.calls.push({ name, startSeq, endSeq: this.#seq++, startMs, endMs: performance.now() });
    }
  }

  clear(): void {
    this.calls.length = 0;
  }

  names(): string[] {
    return [...this.calls].sort((a, b) => a.startSeq - b.startSeq).map((c) => c.name);
  }

  /** One longest chain of strictly sequential calls, in order: its length is the sequential round trips. */
  criticalPath(until?: (call: TimedCall) => boolean): TimedCall[] {
    const ordered = [...this.calls].sort((a, b) => a.startSeq - b.startSeq);
    const last = until ? ordered.findIndex(until) : ordered.length - 1;
    const considered = ordered.slice(0, last + 1);
    const best = new Map<TimedCall, TimedCall[]>();
    for (const call of considered) {
      let longest: TimedCall[] = [];
      for (const before of considered) {
        const chain = best.get(before);
        if (chain && before.endSeq < call.startSeq && chain.length > longest.length) longest = chain;
      }
      best.set(call, [...longest, call]);
    }
    const end = until ? considered.at(-1) : undefined;
    if (end) return best.get(end) ?? [];
    return [...best.values()].reduce<TimedCall[]>((a, b) => (b.length > a.length ? b : a), []);
  }
}
