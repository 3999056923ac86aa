import type { RunRecord } from './run-record.ts';

/**
 * PURE: what an invocation may do with the sweep record it read. Two sweeps never run at once: a holder keeps
 * the sweep while its lease runs (each checkpoint renews it); a sweep whose holder stopped renewing (a crash,
 * a timeout) is taken over after expiry and resumed from its checkpoints, never restarted from zero.
 */
export type LeaseDecision =
  | { action: 'start' }
  | { action: 'continue' }
  | { action: 'take-over'; from: string }
  | { action: 'refuse'; holder: string; until: number; sweepId: string }
  | { action: 'finished'; sweepId: string };

export function decideLease(record: RunRecord | undefined, holder: string, now: number): LeaseDecision {
  if (record === undefined) return { action: 'start' };
  if (record.status === 'done') return record.holder === holder ? { action: 'finished', sweepId: record.sweepId } : { action: 'start' };
  if (record.holder === holder) return { action: 'continue' };
  if (record.leaseExpiresAt <= now) return { action: 'take-over', from: record.holder };
  return { action: 'refuse', holder: record.holder, until: record.leaseExpiresAt, sweepId: record.sweepId };
}
