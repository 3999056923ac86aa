import * as z from '../zod.ts';
import type { BaselineRecord } from './types.ts';
import { describeZodIssues } from '../zod-issues.ts';

/** A stored record is read back through this schema: the table is shared state another writer may have touched. */
export const BaselineRecordSchema = z.object({
  resourceId: z.string().check(z.minLength(1)),
  document: z.string(),
  eventId: z.string(),
  recordedAt: z.iso.datetime({ offset: true }),
}) satisfies z.ZodMiniType<BaselineRecord>;

export class CorruptBaselineRecordError extends Error {
  override readonly name = 'CorruptBaselineRecordError';
}

export function parseBaselineRecord(item: unknown, resourceId: string): BaselineRecord {
  const parsed = BaselineRecordSchema.safeParse(item);
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error, '(item)');
    throw new CorruptBaselineRecordError(`baseline record for ${resourceId} is malformed: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Whether `candidate` may replace `current`. Readings can be written out of order (two invocations for
 * the same resource, retries), and the later reading is the more current truth, so an older one never
 * overwrites a newer one.
 */
export function isNotOlder(candidate: BaselineRecord, current: BaselineRecord | undefined): boolean {
  return current === undefined || Date.parse(candidate.recordedAt) >= Date.parse(current.recordedAt);
}

export class InvalidBaselineRecordError extends Error {
  override readonly name = 'InvalidBaselineRecordError';
}

/** Validates a record before it is stored, with `recordedAt` in one UTC format so timestamps order as strings. */
export function normaliseBaselineRecord(record: BaselineRecord): BaselineRecord {
  const parsed = BaselineRecordSchema.safeParse(record);
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error, '(record)');
    throw new InvalidBaselineRecordError(`refusing to store an invalid baseline record: ${issues.join('; ')}`);
  }
  return { ...parsed.data, recordedAt: new Date(parsed.data.recordedAt).toISOString() };
}
