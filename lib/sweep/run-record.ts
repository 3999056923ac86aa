import * as z from '../zod.ts';
import { describeZodIssues } from '../zod-issues.ts';

/**
 * The one DynamoDB item a sweep keeps: its lease (who holds it, until when), its checkpoint per family and
 * region (page cursor, last key finished, counts) and the running tally its summary is made from. Progress
 * and tally are written together, so after a crash the tally describes exactly the checkpointed progress,
 * and every write is conditional on the version read, so two invocations can never both advance one sweep.
 */
export const VERDICTS = ['compliant', 'noncompliant', 'ignored', 'invalid', 'error'] as const;

const Notable = z.object({ family: z.string(), resource: z.string(), detail: z.string() });
export type Notable = z.infer<typeof Notable>;

export const NOTABLE_LISTS = ['repaired', 'wouldRepair', 'failed', 'invalid', 'skipped'] as const;
export type NotableList = (typeof NOTABLE_LISTS)[number];

const CallStatsSchema = z.object({ calls: z.number(), throttles: z.number(), retries: z.number(), byOperation: z.record(z.string(), z.number()) });

const RuleTally = z.object({ findings: z.number(), repaired: z.number(), wouldRepair: z.number(), notRepaired: z.number() });
export type RuleTally = z.infer<typeof RuleTally>;

export const TallySchema = z.object({
  verdicts: z.record(z.enum(VERDICTS), z.number()),
  rules: z.record(z.string(), RuleTally),
  lists: z.record(z.enum(NOTABLE_LISTS), z.array(Notable)),
  /** Entries beyond the cap of each list, counted. */
  omitted: z.record(z.enum(NOTABLE_LISTS), z.number()),
  baselinesSeeded: z.number(),
  alertsPublished: z.number(),
  calls: z.record(z.string(), CallStatsSchema),
});
export type SweepTally = z.infer<typeof TallySchema>;

export const UnitSchema = z.object({
  family: z.string(),
  region: z.string(),
  /** The page to (re)read: the service's pagination token; absent: the first page. */
  cursor: z.optional(z.string()),
  /** The last resource key finished on that page. */
  afterKey: z.optional(z.string()),
  /** The cursor whose page was already counted in `listed` ('' for the first page). */
  countedCursor: z.optional(z.string()),
  done: z.boolean(),
  listed: z.number(),
  seen: z.number(),
  judged: z.number(),
  restarts: z.number(),
  /** Why the unit could not be (fully) covered. */
  error: z.optional(z.string()),
});
export type SweepUnit = z.infer<typeof UnitSchema>;

export const RunRecordSchema = z.object({
  sweepId: z.string().check(z.minLength(1)),
  holder: z.string().check(z.minLength(1)),
  leaseExpiresAt: z.number(),
  status: z.enum(['running', 'done']),
  trigger: z.string(),
  dryRun: z.boolean(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.optional(z.iso.datetime({ offset: true })),
  invocations: z.number().check(z.int(), z.nonnegative()),
  /** Times another holder took the sweep over after its lease expired (a crashed or timed-out invocation). */
  takeovers: z.number().check(z.int(), z.nonnegative()),
  units: z.array(UnitSchema),
  tally: TallySchema,
  version: z.number().check(z.int(), z.nonnegative()),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export class CorruptSweepRecordError extends Error {
  override readonly name = 'CorruptSweepRecordError';
}

export function parseRunRecord(item: unknown): RunRecord {
  const parsed = RunRecordSchema.safeParse(item);
  if (!parsed.success) throw new CorruptSweepRecordError(`sweep record is malformed: ${describeZodIssues(parsed.error, '(item)').join('; ')}`);
  return parsed.data;
}

export function emptyTally(): SweepTally {
  const lists = Object.fromEntries(NOTABLE_LISTS.map((l) => [l, []])) as unknown as SweepTally['lists'];
  const omitted = Object.fromEntries(NOTABLE_LISTS.map((l) => [l, 0])) as unknown as SweepTally['omitted'];
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as unknown as SweepTally['verdicts'];
  return { verdicts, rules: {}, lists, omitted, baselinesSeeded: 0, alertsPublished: 0, calls: {} };
}

/** Each list keeps its first entries and counts the rest: the record stays far below DynamoDB's 400 KB item limit. */
export const NOTABLE_CAP = 100;

export function addNotable(tally: SweepTally, list: NotableList, entry: Notable): void {
  if (tally.lists[list].length < NOTABLE_CAP) tally.lists[list].push(entry);
  else tally.omitted[list]++;
}

/** Where sweep records live: one per sweep scope (account and region of a stack, or a CLI run). */
export interface SweepStore {
  load(): Promise<RunRecord | undefined>;
  /**
   * Writes `record` if the stored one has version `expected` (undefined: none stored). false when another writer
   * got there first: the caller no longer holds the sweep.
   */
  save(record: RunRecord, expected: number | undefined): Promise<boolean>;
}

/** In-process store (the CLI, tests): the same conditional semantics. */
export class MemorySweepStore implements SweepStore {
  #record: RunRecord | undefined;

  load(): Promise<RunRecord | undefined> {
    return Promise.resolve(this.#record && structuredClone(this.#record));
  }

  save(record: RunRecord, expected: number | undefined): Promise<boolean> {
    if (this.#record?.version !== expected) return Promise.resolve(false);
    this.#record = structuredClone(parseRunRecord(record));
    return Promise.resolve(true);
  }
}
