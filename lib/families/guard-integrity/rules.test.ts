import { describe, expect, it } from 'vitest';
import type { GuardIntegrityChange } from './types.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { ctx, NOW } from '../../rules/test-fixtures.ts';
import guardIntegrity from './index.ts';
import { readFileSync } from 'node:fs';
import { parseCloudTrailEvent } from '../../cloudtrail/parse.ts';
import { SAMPLE_PARSE_OPTIONS } from '../../../test/support/sample-options.ts';

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

/**
 * Issue 11: the iam-grant repair is the guard's perimeter-deny policy on the principal. Detaching it puts the
 * IAM grant back in effect with no iam-grant event to say so, so it is watched like a quarantine taken off.
 */
describe('GUARD-001: the perimeter-deny policy taken off undoes the repair of an IAM grant', () => {
  const envelope = (): { detail: { requestParameters: Record<string, unknown> } } =>
    JSON.parse(readFileSync(new URL('../../../events/guard-integrity/iam-detach-role-policy-quarantine.json', import.meta.url), 'utf8'));

  it('DetachRolePolicy of perimeter-deny by a non-administrator parses as an undone repair and is re-attached', () => {
    const event = envelope();
    const PERIMETER_DENY = 'arn:aws:iam::111122223333:policy/sesguard-quarantine-perimeter-deny';
    event.detail.requestParameters['policyArn'] = PERIMETER_DENY;
    const parsed = parseCloudTrailEvent(event, guardIntegrity.events, SAMPLE_PARSE_OPTIONS);
    expect(parsed).toMatchObject({
      family: 'guard-integrity',
      effect: `detaches the guard's perimeter-deny policy ${PERIMETER_DENY} from role app-backend, undoing the repair of an IAM grant of SES perimeter actions`,
      quarantineUndone: { principalType: 'role', principalName: 'app-backend', policyArn: PERIMETER_DENY },
    });
    const detached = parsed as GuardIntegrityChange;
    const [finding] = judge({ kind: 'guard-integrity', change: detached }, ctx());
    const plan = guardIntegrity.plan({ change: detached, state: { kind: 'guard-integrity', change: detached }, findings: [finding!], config: ctx().config, judge: () => [], now: NOW });
    expect(plan.steps.map((s) => s.action)).toEqual([{ type: 'iam.attach-quarantine-policy', principalType: 'role', principalName: 'app-backend', policyArn: PERIMETER_DENY }]);
  });
});
