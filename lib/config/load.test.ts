import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError, loadConfigFile, parseConfig, parseConfigText } from './load.ts';
import { RULE_IDS } from './schema.ts';

function issuesOf(value: unknown): string[] {
  try {
    parseConfig(value, 'test');
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

const validExemption = { resource: 'arn:aws:ses:*:111122223333:identity/*', rules: ['SES-IDP-005'], expires: '2026-12-31', reason: 'partner migration' };

describe('parseConfig defaults', () => {
  it('an empty file means dry-run with nothing trusted beyond the own account', () => {
    expect(parseConfig(undefined)).toEqual({
      mode: 'dry-run',
      trustedAccounts: [],
      trustedOrgIds: [],
      trustedDomains: [],
      adminPrincipals: [],
      exemptions: [],
      rules: {},
      quarantinePolicyName: 'sesguard-quarantine',
      eventDestinationRemoval: 'delete',
      sweep: { schedule: 'rate(6 hours)', sesCallsPerSecond: 0.8, iamCallsPerSecond: 2, resourceAlerts: 'each' },
      alerts: { notifyCompliant: false },
      lint: { enabled: true, codes: {} },
    });
  });

  it('the shipped sesguard.config.yml states exactly the defaults', async () => {
    const path = fileURLToPath(new URL('../../sesguard.config.yml', import.meta.url));
    expect(await loadConfigFile(path)).toEqual(parseConfig({}));
  });

  it('keeps every valid field as written', () => {
    const config = parseConfig({
      mode: 'enforce',
      trustedAccounts: ['111122223333'],
      trustedOrgIds: ['o-a1b2c3d4e5'],
      trustedDomains: ['example.com', '*.example.org'],
      adminPrincipals: ['arn:aws:iam::111122223333:role/ses-admin*'],
      exemptions: [validExemption],
      rules: { 'SES-IDP-005': { action: 'revert', severity: 'high' }, 'IAM-SES-002': { enabled: false } },
      quarantinePolicyName: 'my-quarantine',
      eventDestinationRemoval: 'disable',
      alerts: { notifyCompliant: true },
    });
    expect(config.mode).toBe('enforce');
    expect(config.rules['SES-IDP-005']).toEqual({ action: 'revert', severity: 'high' });
    expect(config.exemptions[0]).toEqual(validExemption);
    expect(config.eventDestinationRemoval).toBe('disable');
  });
});

describe('parseConfig rejects a bad value of every field, naming the field', () => {
  const cases: Array<{ name: string; value: Record<string, unknown>; field: string; message: RegExp }> = [
    { name: 'mode must be enforce or dry-run', value: { mode: 'on' }, field: 'mode', message: /enforce|dry-run/ },
    { name: 'trustedAccounts entries are 12-digit ids', value: { trustedAccounts: ['12345'] }, field: 'trustedAccounts.0', message: /12-digit/ },
    { name: 'trustedAccounts is a list', value: { trustedAccounts: '111122223333' }, field: 'trustedAccounts', message: /array/i },
    { name: 'trustedOrgIds entries are Organizations ids', value: { trustedOrgIds: ['org-1'] }, field: 'trustedOrgIds.0', message: /Organizations id/ },
    { name: 'trustedDomains entries are domain names', value: { trustedDomains: ['https://example.com'] }, field: 'trustedDomains.0', message: /domain name/ },
    { name: 'adminPrincipals entries are ARN patterns', value: { adminPrincipals: ['alice'] }, field: 'adminPrincipals.0', message: /ARN/ },
    { name: 'an exemption names a resource pattern', value: { exemptions: [{ ...validExemption, resource: 'identity/x' }] }, field: 'exemptions.0.resource', message: /ARN/ },
    { name: 'an exemption names known rule ids', value: { exemptions: [{ ...validExemption, rules: ['SES-XYZ'] }] }, field: 'exemptions.0.rules.0', message: /.+/ },
    { name: 'an exemption names at least one rule', value: { exemptions: [{ ...validExemption, rules: [] }] }, field: 'exemptions.0.rules', message: /.+/ },
    { name: 'an exemption expires on an ISO date', value: { exemptions: [{ ...validExemption, expires: '31/12/2026' }] }, field: 'exemptions.0.expires', message: /ISO date/ },
    { name: 'an exemption expires on a real date', value: { exemptions: [{ ...validExemption, expires: '2026-13-45' }] }, field: 'exemptions.0.expires', message: /real date/ },
    { name: 'an exemption says why', value: { exemptions: [{ ...validExemption, reason: '' }] }, field: 'exemptions.0.reason', message: /why/ },
    { name: 'an exemption has no unknown fields', value: { exemptions: [{ ...validExemption, until: '2027-01-01' }] }, field: 'exemptions.0', message: /until/ },
    { name: 'rules are keyed by known rule ids', value: { rules: { 'SES-NOPE-001': { enabled: false } } }, field: 'rules', message: /.+/ },
    { name: 'a rule action is one of the known actions', value: { rules: { 'SES-IDP-001': { action: 'nuke' } } }, field: 'rules.SES-IDP-001.action', message: /.+/ },
    { name: 'a rule severity is low..critical', value: { rules: { 'SES-IDP-001': { severity: 'urgent' } } }, field: 'rules.SES-IDP-001.severity', message: /.+/ },
    { name: 'a rule enabled flag is a boolean', value: { rules: { 'SES-IDP-001': { enabled: 'no' } } }, field: 'rules.SES-IDP-001.enabled', message: /boolean/ },
    { name: 'quarantinePolicyName is a valid IAM policy name', value: { quarantinePolicyName: 'has space' }, field: 'quarantinePolicyName', message: /IAM policy name/ },
    { name: 'eventDestinationRemoval is delete or disable', value: { eventDestinationRemoval: 'ignore' }, field: 'eventDestinationRemoval', message: /delete|disable/ },
    { name: 'alerts.notifyCompliant is a boolean', value: { alerts: { notifyCompliant: 'yes' } }, field: 'alerts.notifyCompliant', message: /boolean/ },
  ];

  it.each(cases)('$name', ({ value, field, message }) => {
    const issues = issuesOf(value);
    const issue = issues.find((i) => i.startsWith(`${field}:`));
    expect(issue, `issues were: ${issues.join(' | ')}`).toBeDefined();
    expect(issue).toMatch(message);
  });

  it('an unknown top-level field is rejected, not ignored (a typo must not silently disable a setting)', () => {
    const issues = issuesOf({ trustedAccount: ['111122223333'] });
    expect(issues.join('\n')).toMatch(/trustedAccount/);
  });

  it('reports every bad field at once, with the source in the message', () => {
    try {
      parseConfig({ mode: 'on', trustedAccounts: ['1'] }, 'sesguard.config.yml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      const e = error as InvalidConfigError;
      expect(e.source).toBe('sesguard.config.yml');
      expect(e.issues.map((i) => i.split(':')[0])).toEqual(['mode', 'trustedAccounts.0']);
      expect(e.message).toContain('invalid config sesguard.config.yml');
    }
  });
});

describe('parseConfigText and loadConfigFile', () => {
  it('YAML that does not parse fails loudly instead of yielding defaults', () => {
    expect(() => parseConfigText('mode: [dry-run', 'broken.yml')).toThrow(InvalidConfigError);
    expect(() => parseConfigText('mode: [dry-run', 'broken.yml')).toThrow(/not valid YAML/);
  });

  it('a missing file fails loudly naming the path', async () => {
    await expect(loadConfigFile('/nonexistent/sesguard.config.yml')).rejects.toThrow(/\/nonexistent\/sesguard.config.yml[\s\S]*cannot read file/);
  });

  it('reads and validates a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sesguard-config-'));
    const path = join(dir, 'sesguard.config.yml');
    await writeFile(path, 'mode: enforce\ntrustedAccounts: ["111122223333"]\n');
    const config = await loadConfigFile(path);
    expect(config.mode).toBe('enforce');
    expect(config.trustedAccounts).toEqual(['111122223333']);
    await writeFile(path, 'mode: enforce\ntrustedAccounts: [111122223333]\n');
    // YAML reads an unquoted account id as a number: say so rather than coerce (leading zeros would be lost).
    await expect(loadConfigFile(path)).rejects.toThrow(/trustedAccounts\.0/);
  });
});

describe('each rule takes only the actions it can carry out (lib/config/rule-contracts.ts)', () => {
  it.each([
    { rule: 'SES-IDP-001', action: 'remove-destination' },
    { rule: 'SES-IDP-001', action: 'disable-destination' },
    { rule: 'SES-EVD-001', action: 'strip' },
    { rule: 'SES-CVE-001', action: 'revert' },
    { rule: 'SES-CVE-002', action: 'strip' },
    { rule: 'IAM-SES-001', action: 'disable-destination' },
    { rule: 'GUARD-001', action: 'delete' },
  ])('$rule: {action: $action} is a config error naming the actions it has', ({ rule, action }) => {
    const issues = issuesOf({ rules: { [rule]: { action } } });
    const issue = issues.find((i) => i.startsWith(`rules.${rule}.action:`));
    expect(issue, issues.join(' | ')).toMatch(new RegExp(`${rule} cannot take action "${action}"; its actions are`));
  });

  it.each([
    { rule: 'SES-IDP-001', action: 'strip' },
    { rule: 'SES-EVD-001', action: 'disable-destination' },
    { rule: 'SES-CVE-001', action: 'alert' },
    { rule: 'SES-CVE-002', action: 'delete' },
    { rule: 'IAM-SES-002', action: 'revert' },
  ])('$rule: {action: $action} is accepted', ({ rule, action }) => {
    expect(parseConfig({ rules: { [rule]: { action } } }).rules).toEqual({ [rule]: { action } });
  });

  it('a mistyped action suggests the nearest action the rule has', () => {
    expect(issuesOf({ rules: { 'SES-IDP-001': { action: 'revrt' } } })).toContain('rules.SES-IDP-001.action: "revrt" is not a known action (did you mean "revert"?)');
  });
});

describe('GUARD-001 cannot be disabled or downgraded by config', () => {
  it.each([
    { name: 'disabled', override: { enabled: false }, field: 'rules.GUARD-001.enabled', message: /GUARD-001 cannot be disabled/ },
    { name: 'downgraded', override: { severity: 'low' }, field: 'rules.GUARD-001.severity', message: /GUARD-001 is always critical and cannot be set to low/ },
    { name: 'given an action it cannot take', override: { action: 'delete' }, field: 'rules.GUARD-001.action', message: /cannot take action "delete"; its actions are "revert" or "alert"/ },
  ])('$name: a config error', ({ override, field, message }) => {
    const issue = issuesOf({ rules: { 'GUARD-001': override } }).find((i) => i.startsWith(`${field}:`));
    expect(issue).toMatch(message);
  });

  it('restating what it is anyway is fine', () => {
    expect(parseConfig({ rules: { 'GUARD-001': { enabled: true, severity: 'critical', action: 'revert' } } }).rules['GUARD-001']).toEqual({ enabled: true, severity: 'critical', action: 'revert' });
  });

  it('an exemption cannot name it (an exempt finding is reported at low severity and never pages)', () => {
    const issues = issuesOf({ exemptions: [{ ...validExemption, rules: ['SES-IDP-005', 'GUARD-001'] }] });
    expect(issues.find((i) => i.startsWith('exemptions.0.rules.1:'))).toMatch(/GUARD-001 cannot be exempted/);
  });

  it("an exemption for '*' covers every rule but GUARD-001, spelled out in the parsed config", () => {
    const config = parseConfig({ exemptions: [{ ...validExemption, rules: ['*'] }] });
    expect(config.exemptions[0]?.rules).toEqual(RULE_IDS.filter((id) => id !== 'GUARD-001'));
    // The parsed config is what a Lambda bundle carries and parses again at cold start.
    expect(parseConfig(config)).toEqual(config);
  });
});

describe('typos get the nearest valid name', () => {
  it.each([
    { value: { trustedAccount: ['111122223333'] }, issue: '(root): unknown field "trustedAccount" (did you mean "trustedAccounts"?)' },
    { value: { mode: 'enforced' }, issue: 'mode: "enforced" is not a known mode (did you mean "enforce"?)' },
    { value: { rules: { 'SES-IDP-01': { enabled: false } } }, issue: 'rules: unknown rule id "SES-IDP-01" (did you mean "SES-IDP-001"?)' },
    { value: { rules: { 'SES-IDP-001': { enabeld: false } } }, issue: 'rules.SES-IDP-001: unknown field "enabeld" (did you mean "enabled"?)' },
    { value: { rules: { 'SES-IDP-001': { severity: 'hihg' } } }, issue: 'rules.SES-IDP-001.severity: "hihg" is not a known severity (did you mean "high"?)' },
    { value: { exemptions: [{ ...validExemption, rules: ['IAM_SES_001'] }] }, issue: 'exemptions.0.rules.0: "IAM_SES_001" is not a rule id (did you mean "IAM-SES-001"?)' },
    { value: { exemptions: [{ ...validExemption, expiry: '2027-01-01' }] }, issue: 'exemptions.0: unknown field "expiry" (did you mean "expires"?)' },
    { value: { alerts: { notifyCompliants: true } }, issue: 'alerts: unknown field "notifyCompliants" (did you mean "notifyCompliant"?)' },
    { value: { lint: { codes: { 'LINT-UNKNOWN-ACTON': { severity: 'high' } } } }, issue: 'lint.codes: unknown lint code "LINT-UNKNOWN-ACTON" (did you mean "LINT-UNKNOWN-ACTION"?)' },
  ])('$issue', ({ value, issue }) => {
    expect(issuesOf(value)).toContain(issue);
  });

  it('a name far from every valid one gets the list instead of a guess', () => {
    expect(issuesOf({ colour: 'blue' }).join('\n')).toMatch(/unknown field "colour"; expected "mode", "trustedAccounts"/);
  });
});
