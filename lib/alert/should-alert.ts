import type { Config } from '../config/schema.ts';
import type { Decision } from '../guard/decision.ts';

/**
 * Noise control. An alert nobody acts on trains people to ignore the channel, so compliant changes are
 * logged, not alerted (unless config asks), and events the guard does not judge (its own repairs, failed
 * calls, unsupported events) are never alerted. A decision that carries errors is always alerted: the
 * guard failing quietly is worse than one extra message.
 */
export type AlertGate = { alert: true; reason: string } | { alert: false; reason: string };

export function alertGate(decision: Decision, alerts: Pick<Config['alerts'], 'notifyCompliant'>): AlertGate {
  if (decision.errors.length > 0) return { alert: true, reason: 'the decision carries errors' };
  switch (decision.verdict) {
    case 'ignored':
      return { alert: false, reason: `ignored (${decision.skip?.reason ?? 'not judged'}): logged only` };
    case 'compliant':
      return alerts.notifyCompliant
        ? { alert: true, reason: 'compliant, and alerts.notifyCompliant is set' }
        : { alert: false, reason: 'compliant: logged only (set alerts.notifyCompliant to alert)' };
    case 'noncompliant':
    case 'invalid':
    case 'error':
      return { alert: true, reason: decision.verdict };
  }
}
