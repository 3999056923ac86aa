import { describe, expect, it } from 'vitest';
import type { GuardIntegrityChange } from './types.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { ctx } from '../../rules/test-fixtures.ts';

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

  it('never asks for a repair, even when config sets an action: the guard does not fight an administrator', () => {
    // Config validation refuses any action but alert for GUARD-001 (lib/config/rule-contracts.ts); the rule must still not repair if handed one.
    const base = ctx();
    const [finding] = judge({ kind: 'guard-integrity', change }, { ...base, config: { ...base.config, rules: { 'GUARD-001': { action: 'revert' } } } });
    expect(finding?.action).toBe('alert');
  });

  it('cannot be exempted by config: an exempt finding would be reported at low severity and never page', () => {
    expect(() =>
      ctx({ exemptions: [{ resource: 'arn:aws:cloudtrail:*:*:trail/org-trail', rules: ['GUARD-001'], expires: '2027-01-01', reason: 'trail migration CHG-42' }] }),
    ).toThrow(/GUARD-001 cannot be exempted/);
  });
});
