import { describe, it, expect } from 'vitest';
import type { Decision } from '../guard/decision.ts';
import { alertGate } from './should-alert.ts';
import { decisions } from './test-fixtures.ts';

describe('alertGate: noise control', () => {
  const cases: Array<{ name: string; decision: Decision; notifyCompliant: boolean; alert: boolean }> = [
    { name: 'compliant change is logged, not alerted, by default', decision: decisions.compliant, notifyCompliant: false, alert: false },
    { name: 'compliant change is alerted when alerts.notifyCompliant is set', decision: decisions.compliant, notifyCompliant: true, alert: true },
    { name: 'compliant but the guard hit an error is always alerted (no silent failure)', decision: decisions.compliantBaselineLost, notifyCompliant: false, alert: true },
    { name: "the guard's own repair (own-role) is never alerted: no self-fight noise", decision: decisions.ignoredOwnRole, notifyCompliant: true, alert: false },
    {
      name: 'a failed call (errorCode set) changed nothing: not alerted',
      decision: { ...decisions.ignoredOwnRole, skip: { skip: true, reason: 'failed-call', detail: 'AccessDenied' } },
      notifyCompliant: false,
      alert: false,
    },
    {
      name: 'an unsupported event is not alerted',
      decision: { ...decisions.ignoredOwnRole, skip: { skip: true, reason: 'unsupported-event', detail: 'GetSendQuota' } },
      notifyCompliant: false,
      alert: false,
    },
    { name: 'repaired is alerted', decision: decisions.repaired, notifyCompliant: false, alert: true },
    { name: 'would-repair (dry-run) is alerted', decision: decisions.wouldRepair, notifyCompliant: false, alert: true },
    { name: 'repair-failed is alerted', decision: decisions.repairFailed, notifyCompliant: false, alert: true },
    { name: 'exempt is alerted (reported, not repaired)', decision: decisions.exempt, notifyCompliant: false, alert: true },
    { name: 'alert-only is alerted', decision: decisions.alertOnly, notifyCompliant: false, alert: true },
    { name: 'invalid event is alerted', decision: decisions.invalidEvent, notifyCompliant: false, alert: true },
    { name: 'guard error is alerted', decision: decisions.guardError, notifyCompliant: false, alert: true },
    { name: 'guard integrity is alerted', decision: decisions.guardIntegrity, notifyCompliant: false, alert: true },
  ];
  it.each(cases)('$name', ({ decision, notifyCompliant, alert }) => {
    const gate = alertGate(decision, { notifyCompliant });
    expect(gate.alert).toBe(alert);
    expect(gate.reason.length).toBeGreaterThan(0);
  });
});
