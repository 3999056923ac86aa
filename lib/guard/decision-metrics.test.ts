import { describe, expect, it } from 'vitest';
import type { Decision } from './decision.ts';
import { recordDecisionMetrics } from './decision-metrics.ts';

function recorded(decision: Decision): Array<[string, string, number]> {
  const calls: Array<[string, string, number]> = [];
  recordDecisionMetrics({ addMetric: (name, unit, value) => calls.push([name, unit, value]) }, decision);
  return calls;
}

const base: Decision = { verdict: 'noncompliant', findings: [], results: [], dryRun: false, errors: [], timings: { decidedAt: '2026-11-24T10:00:02Z' } };
const step = (stepId: string, outcome: 'done' | 'failed' | 'skipped') => ({ stepId, action: 'ses.delete-identity-policy' as const, outcome, at: '2026-11-24T10:00:02Z' });

describe('decision metrics', () => {
  it('a repair counts its steps by outcome and how long the perimeter was open', () => {
    expect(recorded({ ...base, results: [step('s1', 'done'), step('s2', 'failed'), step('s3', 'failed')], timings: { ...base.timings, eventToDecisionMs: 2400 } })).toEqual([
      ['DecisionNoncompliant', 'Count', 1],
      ['RepairStepsDone', 'Count', 1],
      ['RepairStepsFailed', 'Count', 2],
      ['RepairStepsSkipped', 'Count', 0],
      ['EventToDecision', 'Milliseconds', 2400],
    ]);
  });

  it.each([
    ['compliant', 'DecisionCompliant'],
    ['ignored', 'DecisionIgnored'],
    ['invalid', 'DecisionInvalid'],
    ['error', 'DecisionError'],
  ] as const)('a %s decision without steps is one count of %s', (verdict, metric) => {
    expect(recorded({ ...base, verdict })).toEqual([[metric, 'Count', 1]]);
  });
});
