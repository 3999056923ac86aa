import type { Decision, Verdict } from './decision.ts';

/** What a guard function returns: enough for a person reading the invocation result. */
export interface HandlerSummary {
  eventId?: string;
  eventName?: string;
  verdict: Verdict;
  findings: string[];
  steps: string[];
  /** Whether THIS invocation sent an alert (a duplicate answered from the stored record did not). */
  alerted: boolean;
  /** Present (true) when the decision came from the idempotency record of an earlier delivery. */
  duplicate?: true;
}

export function summarizeDecision(decision: Decision, delivery: { alerted: boolean; duplicate?: boolean }): HandlerSummary {
  return {
    ...(decision.eventId !== undefined && { eventId: decision.eventId }),
    ...(decision.eventName !== undefined && { eventName: decision.eventName }),
    verdict: decision.verdict,
    findings: decision.findings.map((f) => `${f.ruleId}${f.statement ? `[${f.statement.index}]` : ''}`),
    steps: decision.results.map((r) => `${r.action}:${r.outcome}`),
    alerted: delivery.alerted,
    ...(delivery.duplicate === true && { duplicate: true as const }),
  };
}
