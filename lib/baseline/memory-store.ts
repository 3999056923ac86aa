import type { BaselineRecord, BaselineStore } from './types.ts';
import { isNotOlder, normaliseBaselineRecord } from './baseline-record-schema.ts';

/**
 * In-process baseline store for the CLI and tests, with the same semantics as the DynamoDB one:
 * latest compliant reading per resource, never replaced by an older one. Records are copied in and out
 * so a caller cannot change what is stored by mutating what it passed or got.
 */
export class MemoryBaselineStore implements BaselineStore {
  readonly #records = new Map<string, BaselineRecord>();

  constructor(initial: Iterable<BaselineRecord> = []) {
    for (const record of initial) this.#store(record);
  }

  get(resourceId: string): Promise<BaselineRecord | undefined> {
    const record = this.#records.get(resourceId);
    return Promise.resolve(record && { ...record });
  }

  put(record: BaselineRecord): Promise<void> {
    try {
      this.#store(record);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Every stored record, for the CLI's report of what a run would have recorded. */
  records(): BaselineRecord[] {
    return [...this.#records.values()].map((record) => ({ ...record }));
  }

  #store(record: BaselineRecord): void {
    const item = normaliseBaselineRecord(record);
    if (isNotOlder(item, this.#records.get(item.resourceId))) this.#records.set(item.resourceId, item);
  }
}
