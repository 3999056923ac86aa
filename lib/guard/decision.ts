import type { Change, Skip } from '../cloudtrail/types.ts';
import type { Finding } from '../rules/types.ts';
import type { Plan, StepResult } from '../remediation/types.ts';

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
  /** The event or the document could not be parsed. */
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
