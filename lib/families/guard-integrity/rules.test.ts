import { describe, expect, it } from 'vitest';
import type { GuardIntegrityChange } from './types.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { ctx, NOW } from '../../rules/test-fixtures.ts';
import guardIntegrity from './index.ts';

const change: GuardIntegrityChange = {
  family: 'guard-integrity',
  eventId: 'e-1',
  eventName: 'StopLogging',
  eventSource: 'cloudtrail.amazonaws.com',
  eventTime: '2026-06-15T11:59:00Z',
  region: 'us-east-1',
  accountId: '888888888888',
  actor: { type: 'IAMUser', arn: 'arn:aws:iam::888888888888:user/mallory' },
  resourceType: 'cloudtrail',
  resourceName: 'arn:aws:cloudtrail:us-east-1:888888888888:trail/org-trail',
  effect: 'stops CloudTrail logging for trail org-trail, which blinds the guard',
};

describe('GUARD-001: changes that blind or disarm the guard', () => {
  it('is a critical alert citing the call, the actor and what it does to the guard', () => {
    const [finding, ...rest] = judge({ kind: 'guard-integrity', change }, ctx());
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'GUARD-001',
      severity: 'critical',
      action: 'alert',
      resource: change.resourceName,
      fix: { kind: 'none' },
    });
    expect(finding?.reason).toBe(
      'StopLogging by arn:aws:iam::888888888888:user/mallory stops CloudTrail logging for trail org-trail, which blinds the guard.',
    );
  });

  it('never asks for a repair of the guard itself, even when config sets an action: the guard does not fight an administrator', () => {
    const [finding] = judge({ kind: 'guard-integrity', change }, ctx({ rules: { 'GUARD-001': { action: 'revert' } } }));
    expect(finding?.action).toBe('alert');
  });

  it('cannot be exempted by config: an exempt finding would be reported at low severity and never page', () => {
    expect(() =>
      ctx({ exemptions: [{ resource: 'arn:aws:cloudtrail:*:*:trail/org-trail', rules: ['GUARD-001'], expires: '2027-01-01', reason: 'trail migration CHG-42' }] }),
    ).toThrow(/GUARD-001 cannot be exempted/);
  });
});

describe('GUARD-001: a quarantine taken off undoes a repair', () => {
  const detached: GuardIntegrityChange = {
    ...change,
    eventName: 'DetachUserPolicy',
    eventSource: 'iam.amazonaws.com',
    resourceType: 'iam-policy',
    resourceName: 'arn:aws:iam::888888888888:policy/sesguard-quarantine',
    effect: 'detaches the guard\'s quarantine policy arn:aws:iam::888888888888:policy/sesguard-quarantine from user mallory, undoing a quarantine',
    quarantineUndone: { principalType: 'user', principalName: 'mallory', policyArn: 'arn:aws:iam::888888888888:policy/sesguard-quarantine' },
  };

  it('by someone who is not an administrator: re-attach it (the rule acts by default)', () => {
    const [finding] = judge({ kind: 'guard-integrity', change: detached }, ctx());
    expect(finding).toMatchObject({ ruleId: 'GUARD-001', severity: 'critical', action: 'revert', fix: { kind: 'repair', what: 'reattach-quarantine' } });
    const plan = guardIntegrity.plan({ change: detached, state: { kind: 'guard-integrity', change: detached }, findings: [finding!], config: ctx().config, judge: () => [], now: NOW });
    expect(plan.steps.map((s) => s.action)).toEqual([
      { type: 'iam.attach-quarantine-policy', principalType: 'user', principalName: 'mallory', policyArn: 'arn:aws:iam::888888888888:policy/sesguard-quarantine' },
    ]);
  });

  it('by an administrator: reported, not fought', () => {
    const [finding] = judge({ kind: 'guard-integrity', change: detached }, ctx({ adminPrincipals: ['arn:aws:iam::888888888888:user/mallory'] }));
    expect(finding).toMatchObject({ action: 'alert', fix: { kind: 'none' } });
  });

  it('in dry-run or with the rule set to alert, nothing is re-attached', () => {
    const [finding] = judge({ kind: 'guard-integrity', change: detached }, ctx({ rules: { 'GUARD-001': { action: 'alert' } } }));
    expect(finding?.action).toBe('alert');
  });
});
