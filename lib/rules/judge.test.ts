import { describe, expect, it } from 'vitest';
import { RULE_IDS, type ConfigInput } from '../config/schema.ts';
import { exemptionEndsAt, findExemption } from './exemptions.ts';
import { judgeAll as judge } from './test-fixtures.ts';
import { RULES } from '../families/index.ts';
import { actor, ctx, identityPolicyState, NOW, OWN_ACCOUNT } from './test-fixtures.ts';

const IDENTITY = `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:identity/example.com`;
/** Reaches SES-IDP-001 (any principal) and SES-IDP-005 (no From pin). */
const OPEN_POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY }] };

function judgeOpen(config: ConfigInput) {
  return judge(identityPolicyState(OPEN_POLICY), ctx(config));
}

describe('the rule catalogue', () => {
  it('has every rule of DESIGN.md §3, each once', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
  });
});

describe('per-rule overrides from config', () => {
  it('defaults come from the rule', () => {
    expect(judgeOpen({}).map((f) => [f.ruleId, f.severity, f.action])).toEqual([
      ['SES-IDP-001', 'critical', 'revert'],
      ['SES-IDP-005', 'medium', 'alert'],
    ]);
  });

  it('severity and action overrides apply to that rule only', () => {
    const findings = judgeOpen({ rules: { 'SES-IDP-005': { severity: 'high', action: 'strip' } } });
    expect(findings.map((f) => [f.ruleId, f.severity, f.action])).toEqual([
      ['SES-IDP-001', 'critical', 'revert'],
      ['SES-IDP-005', 'high', 'strip'],
    ]);
  });

  it('enabled: false turns a rule off', () => {
    expect(judgeOpen({ rules: { 'SES-IDP-001': { enabled: false } } }).map((f) => f.ruleId)).toEqual(['SES-IDP-005']);
  });
});

describe('exemptions', () => {
  const exemption = { resource: `arn:aws:ses:*:${OWN_ACCOUNT}:identity/example.com`, rules: ['SES-IDP-001' as const], expires: '2026-12-31', reason: 'public relay until TICKET-42' };

  it('an active exemption marks the finding exempt (reported, not repaired) and leaves other rules alone', () => {
    const findings = judgeOpen({ exemptions: [exemption] });
    expect(findings.find((f) => f.ruleId === 'SES-IDP-001')?.exemption).toEqual({ reason: 'public relay until TICKET-42', expires: '2026-12-31' });
    expect(findings.find((f) => f.ruleId === 'SES-IDP-005')?.exemption).toBeUndefined();
  });

  it("'*' exempts every rule for the resource", () => {
    const findings = judgeOpen({ exemptions: [{ ...exemption, rules: ['*'] }] });
    expect(findings.every((f) => f.exemption)).toBe(true);
  });

  it('an exemption for another resource does not apply', () => {
    const findings = judgeOpen({ exemptions: [{ ...exemption, resource: `arn:aws:ses:*:${OWN_ACCOUNT}:identity/other.com` }] });
    expect(findings.some((f) => f.exemption)).toBe(false);
  });

  it('an expired exemption no longer applies and the finding says when it expired', () => {
    const findings = judgeOpen({ exemptions: [{ ...exemption, expires: '2026-06-01' }] });
    const finding = findings.find((f) => f.ruleId === 'SES-IDP-001');
    expect(finding?.exemption).toBeUndefined();
    expect(finding?.reason).toMatch(/exemption for this \(public relay until TICKET-42\) expired on 2026-06-01 and no longer applies/);
  });

  it('an active exemption wins over an expired one for the same finding', () => {
    const findings = judgeOpen({ exemptions: [{ ...exemption, expires: '2026-01-01' }, exemption] });
    expect(findings.find((f) => f.ruleId === 'SES-IDP-001')?.exemption?.expires).toBe('2026-12-31');
  });

  it('a break-glass actor exempted by ARN is reported but not quarantined (SES-CVE-001)', () => {
    const breakGlass = actor(`arn:aws:sts::${OWN_ACCOUNT}:assumed-role/break-glass/oncall`, `arn:aws:iam::${OWN_ACCOUNT}:role/break-glass`);
    const findings = judge(
      { kind: 'custom-verification-send', templateName: 't', emailAddress: 'x@example.com' },
      ctx({ exemptions: [{ resource: `arn:aws:iam::${OWN_ACCOUNT}:role/break-glass`, rules: ['SES-CVE-001'], expires: '2027-01-01', reason: 'incident response' }] }, { actor: breakGlass }),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.exemption?.reason).toBe('incident response');
  });

  it.each([
    ['a date covers that whole day (UTC)', '2026-06-15', true],
    ['the day before has ended', '2026-06-14', false],
    ['a timestamp ends at that instant', '2026-06-15T11:59:59Z', false],
    ['a later timestamp still applies', '2026-06-15T12:00:01Z', true],
  ] as const)('expiry: %s', (_name, expires, active) => {
    const match = findExemption([{ resource: '*', rules: ['*'], expires, reason: 'test' }], 'SES-IDP-001', [IDENTITY], NOW);
    expect(match?.status).toBe(active ? 'active' : 'expired');
  });

  it('exemptionEndsAt: date-only values end at the next midnight UTC', () => {
    expect(exemptionEndsAt('2026-12-31').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
