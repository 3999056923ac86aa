import type { Change, Skip } from '../cloudtrail/types.ts';
import type { Finding } from '../rules/types.ts';
import type { Plan, StepResult } from '../remediation/types.ts';
import type { Race, Verification } from '../remediation/execute.ts';

/**
 * The one record of what the guard decided about one event. Every path — repaired, would repair,
 * repair failed, compliant, skipped, invalid event, unexpected error — ends as a Decision handed to
 * lib/alert, so nothing the guard does is silent.
 */
export type Verdict =
  /** Current state judged compliant (baseline refreshed). */
  | 'compliant'
  /** Findings were made; see plan and results. */
  | 'noncompliant'
  /** Not judged: failed call, own repair, unsupported event. */
  | 'ignored'
  /** The event or a document could not be parsed: a person must look. */
  | 'invalid'
  /** The guard itself failed before it could decide (e.g. state unreadable). */
  | 'error';

export interface Decision {
  verdict: Verdict;
  /** Present when the event parsed into a change. */
  change?: Change;
  /** Present when the event was skipped or invalid. */
  skip?: Skip;
  eventId?: string;
  eventName?: string;
  /** ARN (or id) of the resource judged. */
  resource?: string;
  findings: Finding[];
  plan?: Plan;
  results: StepResult[];
  /**
   * What the state re-read after the repair showed; absent when nothing was sent (dry-run, alert-only, a
   * race). Only `compliant` makes a repair "repaired".
   */
  verification?: Verification;
  /** The repair was not sent because the state changed between the read and the write (lib/remediation/execute.ts). */
  race?: Race;
  /**
   * Why this decision must not be kept: a repair step failed transiently (throttled, 5xx, timeout). The
   * invocation fails so that Lambda retries the event with a fresh read, and no idempotency record answers
   * the retry with this decision.
   */
  retry?: string;
  /** What a reader needs to know that is not an error (e.g. the grant the event made no longer exists). */
  notes?: string[];
  /** The document/definition as read before repair, and as left after (null: absent). */
  before?: string | null;
  after?: string | null;
  dryRun: boolean;
  /** Things that went wrong while deciding or repairing, in words. Non-empty means someone must look. */
  errors: string[];
  timings: {
    eventTime?: string;
    decidedAt: string;
    /** decidedAt − eventTime: how long the perimeter was open before the guard acted. */
    eventToDecisionMs?: number;
    readStateMs?: number;
    executeMs?: number;
  };
}

/** What a decision says; the builder fills in what every decision has (empty lists, timings). */
export type DecisionFields = Pick<Decision, 'verdict' | 'dryRun'> & Partial<Omit<Decision, 'verdict' | 'dryRun' | 'timings'>>;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The one way a Decision is made, whichever path ends in it. */
export function buildDecision(fields: DecisionFields, decidedAt: Date, measured: { readStateMs?: number; executeMs?: number } = {}): Decision {
  const change = fields.change;
  const eventId = fields.eventId ?? change?.eventId ?? fields.skip?.eventId;
  const eventName = fields.eventName ?? change?.eventName ?? fields.skip?.eventName;
  const eventTime = change ? Date.parse(change.eventTime) : Number.NaN;
  return {
    ...fields,
    ...(eventId !== undefined && { eventId }),
    ...(eventName !== undefined && { eventName }),
    findings: fields.findings ?? [],
    results: fields.results ?? [],
    errors: fields.errors ?? [],
    timings: {
      ...(change && { eventTime: change.eventTime }),
      decidedAt: decidedAt.toISOString(),
      ...(Number.isFinite(eventTime) && { eventToDecisionMs: decidedAt.getTime() - eventTime }),
      ...(measured.readStateMs !== undefined && { readStateMs: round(measured.readStateMs) }),
      ...(measured.executeMs !== undefined && { executeMs: round(measured.executeMs) }),
    },
  };
}

/** An event that is not judged (failed call, own repair, unsupported) or cannot be read (malformed: invalid). */
export function skippedDecision(skip: Skip, dryRun: boolean, now: Date): Decision {
  return buildDecision({ verdict: skip.reason === 'malformed' ? 'invalid' : 'ignored', skip, dryRun }, now);
}

/**
 * A decision the guard could not reach: the input is unreadable (`invalid`, it says what is wrong with it)
 * or the guard failed (`error`, with the cause). Someone must look at either.
 */
export function undecidedDecision(verdict: 'invalid' | 'error', problem: string, options: { dryRun: boolean; now: Date; eventId?: string; eventName?: string }): Decision {
  const ids = { ...(options.eventId !== undefined && { eventId: options.eventId }), ...(options.eventName !== undefined && { eventName: options.eventName }) };
  return buildDecision(
    verdict === 'invalid'
      ? { verdict, dryRun: options.dryRun, ...ids, skip: { skip: true, reason: 'malformed', detail: problem, ...ids } }
      : { verdict, dryRun: options.dryRun, ...ids, errors: [problem] },
    options.now,
  );
}
