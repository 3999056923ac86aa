import type { Decision, Verdict } from './decision.ts';

/** What a guard function returns: enough for a person reading the invocation result. */
export interface HandlerSummary {
  eventId?: string;
  eventName?: string;
  verdict: Verdict;
  findings: string[];
  steps: string[];
  alerted: boolean;
}

export function summarizeDecision(decision: Decision, alerted: boolean): HandlerSummary {
  return {
    ...(decision.eventId !== undefined && { eventId: decision.eventId }),
    ...(decision.eventName !== undefined && { eventName: decision.eventName }),
    verdict: decision.verdict,
    findings: decision.findings.map((f) => `${f.ruleId}${f.statement ? `[${f.statement.index}]` : ''}`),
    steps: decision.results.map((r) => `${r.action}:${r.outcome}`),
    alerted,
  };
}
