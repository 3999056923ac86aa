import type { Decision } from '../guard/decision.ts';
import type { AlertOutcome, AlertSeverity } from './alert-schema.ts';
import { ALERT_SEVERITIES } from './alert-schema.ts';

/**
 * What happened, as one word a subscription filter can match, and how loud to be about it. The
 * order of the checks is the order of urgency: a guard that is being blinded outranks everything, a
 * repair that did not happen outranks one that did, and a repair is `repaired` only when the state re-read
 * after it is compliant (otherwise `repair-incomplete`, critical: AWS took the write, the hole is open).
 */
export interface Classification {
  outcome: AlertOutcome;
  severity: AlertSeverity;
}

export function maxSeverity(...severities: AlertSeverity[]): AlertSeverity {
  let best: AlertSeverity = 'info';
  for (const s of severities) if (ALERT_SEVERITIES.indexOf(s) > ALERT_SEVERITIES.indexOf(best)) best = s;
  return best;
}

export function classifyDecision(decision: Decision): Classification {
  const findingSeverity = maxSeverity(...decision.findings.map((f) => f.severity));

  if (decision.change?.family === 'guard-integrity' || decision.findings.some((f) => f.ruleId === 'GUARD-001')) {
    // Disabling the guard is an attacker's first move (DESIGN §2): always critical.
    return { outcome: 'guard-integrity', severity: 'critical' };
  }
  switch (decision.verdict) {
    case 'error':
      return { outcome: 'guard-error', severity: maxSeverity('high', findingSeverity) };
    case 'invalid':
      return { outcome: 'invalid-event', severity: maxSeverity('medium', findingSeverity) };
    case 'ignored':
      return { outcome: 'ignored', severity: 'info' };
    case 'compliant':
      // A compliant change whose baseline could not be recorded weakens the next revert: worth a look.
      return { outcome: 'compliant', severity: decision.errors.length > 0 ? 'medium' : 'info' };
    case 'noncompliant':
      return classifyNoncompliant(decision, findingSeverity);
  }
}

function classifyNoncompliant(decision: Decision, findingSeverity: AlertSeverity): Classification {
  const plan = decision.plan;
  const steps = plan?.steps ?? [];
  const resultByStep = new Map(decision.results.map((r) => [r.stepId, r]));

  if (repairFailed(decision)) return { outcome: 'repair-failed', severity: maxSeverity('high', findingSeverity) };
  if (steps.length > 0 && (decision.dryRun || plan?.dryRun === true)) return { outcome: 'would-repair', severity: findingSeverity };
  if (decision.race) {
    // Someone else fixed it: the perimeter is closed, worth knowing, not paging. Changed again and still
    // open: the newer change is judged on its own event, so this one is as serious as its findings.
    return { outcome: 'raced', severity: decision.race.kind === 'now-compliant' ? 'low' : findingSeverity };
  }
  if (steps.some((s) => resultByStep.get(s.id)?.outcome === 'done')) {
    // "Repaired" is what the re-read says, not what AWS answered to the write (DESIGN §1, verify).
    if (decision.verification?.status === 'compliant') return { outcome: 'repaired', severity: findingSeverity };
    return { outcome: 'repair-incomplete', severity: 'critical' };
  }

  const repairable = decision.findings.filter((f) => f.exemption === undefined);
  if (decision.findings.length > 0 && repairable.length === 0) {
    // Every finding is covered by an exemption someone signed for: report it, but do not page on it.
    return { outcome: 'exempt', severity: 'low' };
  }
  const severity = maxSeverity(...repairable.map((f) => f.severity));
  return { outcome: 'alert-only', severity: severity === 'info' ? findingSeverity : severity };
}

/**
 * Enforcement was meant to change something and did not finish: a step failed, or the executor stopped
 * (or threw) before reporting on every planned step.
 */
export function repairFailed(decision: Decision): boolean {
  if (decision.results.some((r) => r.outcome === 'failed')) return true;
  const plan = decision.plan;
  if (!plan || plan.steps.length === 0 || decision.dryRun || plan.dryRun) return false;
  const reported = new Set(decision.results.map((r) => r.stepId));
  return plan.steps.some((s) => !reported.has(s.id));
}
