import { describe, expect, it } from 'vitest';
import type { Actor } from '../../cloudtrail/types.ts';
import type { ConfigInput } from '../../config/schema.ts';
import type { CustomVerificationSendState, VerificationTemplateState } from './types.ts';
import { domainIsTrusted, domainOfAddress } from './rules.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { actor, ctx, OWN_ACCOUNT } from '../../rules/test-fixtures.ts';

const SEND: CustomVerificationSendState = { kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'new@partner.example' };
const ADMIN_ROLE = `arn:aws:iam::${OWN_ACCOUNT}:role/ses-admin`;

describe('SES-CVE-001 custom verification email sent by a non-administrator', () => {
  const cases: Array<{ name: string; actor: Actor | undefined; config?: ConfigInput; flagged: RegExp | null }> = [
    { name: 'an IAM user matching adminPrincipals may send', actor: actor(`arn:aws:iam::${OWN_ACCOUNT}:user/alice`), config: { adminPrincipals: [`arn:aws:iam::${OWN_ACCOUNT}:user/alice`] }, flagged: null },
    {
      name: 'an assumed role matches adminPrincipals by its role ARN (session issuer)',
      actor: actor(`arn:aws:sts::${OWN_ACCOUNT}:assumed-role/ses-admin/bob`, ADMIN_ROLE),
      config: { adminPrincipals: [ADMIN_ROLE] },
      flagged: null,
    },
    {
      name: 'an assumed role matches adminPrincipals by a session ARN pattern',
      actor: actor(`arn:aws:sts::${OWN_ACCOUNT}:assumed-role/ses-admin/bob`, ADMIN_ROLE),
      config: { adminPrincipals: [`arn:aws:sts::${OWN_ACCOUNT}:assumed-role/ses-admin/*`] },
      flagged: null,
    },
    {
      name: 'admin patterns compare case-insensitively (IAM names are unique regardless of case)',
      actor: actor(`arn:aws:iam::${OWN_ACCOUNT}:user/Alice`),
      config: { adminPrincipals: [`arn:aws:iam::${OWN_ACCOUNT}:user/alice`] },
      flagged: null,
    },
    {
      name: 'a user outside adminPrincipals is quarantined',
      actor: actor(`arn:aws:iam::${OWN_ACCOUNT}:user/mallory`),
      config: { adminPrincipals: [ADMIN_ROLE] },
      flagged: /user\/mallory sent a custom verification email .*matches none of adminPrincipals/,
    },
    {
      name: 'a ? wildcard matches exactly one character',
      actor: actor(`arn:aws:iam::${OWN_ACCOUNT}:user/admin10`),
      config: { adminPrincipals: [`arn:aws:iam::${OWN_ACCOUNT}:user/admin?`] },
      flagged: /admin10/,
    },
    { name: 'with no adminPrincipals nobody is an administrator', actor: actor(`arn:aws:iam::${OWN_ACCOUNT}:user/alice`), flagged: /no adminPrincipals are configured/ },
  ];

  it.each(cases)('$name', ({ actor: who, config, flagged }) => {
    const findings = judge(SEND, ctx(config, who ? { actor: who } : {}));
    if (flagged === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'SES-CVE-001', severity: 'high', action: 'quarantine', fix: { kind: 'quarantine-actor', actor: who } });
    expect(findings[0]?.reason).toMatch(flagged);
    expect(findings[0]?.reason).toContain('new@partner.example');
  });

  it('an unidentified caller is alerted on, with nothing to quarantine', () => {
    const findings = judge(SEND, ctx({}, {}));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'SES-CVE-001', action: 'alert', fix: { kind: 'none' } });
  });
});

function template(overrides: Partial<NonNullable<VerificationTemplateState['template']>> = {}): VerificationTemplateState {
  return {
    kind: 'verification-template',
    templateName: 'welcome',
    templateArn: `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:custom-verification-email-template/welcome`,
    template: {
      fromEmailAddress: 'verify@example.com',
      templateSubject: 'Please verify',
      templateContent: '<p>Verify</p>',
      successRedirectionURL: 'https://app.example.com/verified',
      failureRedirectionURL: 'https://example.com/failed',
      ...overrides,
    },
  };
}

describe('SES-CVE-002 verification template outside trusted domains', () => {
  const trusted: ConfigInput = { trustedDomains: ['example.com', '*.example.com'] };
  const cases: Array<{ name: string; state: VerificationTemplateState; config?: ConfigInput; flagged: RegExp | null }> = [
    { name: 'From and both redirects in trusted domains', state: template(), config: trusted, flagged: null },
    { name: 'From address in an untrusted domain', state: template({ fromEmailAddress: 'verify@evil.example.net' }), config: trusted, flagged: /From address verify@evil.example.net is in untrusted domain evil.example.net/ },
    {
      name: 'a lookalike suffix is not a subdomain (notexample.com)',
      state: template({ successRedirectionURL: 'https://notexample.com/verified' }),
      config: trusted,
      flagged: /success redirect .*untrusted host notexample.com/,
    },
    { name: 'failure redirect to an untrusted host', state: template({ failureRedirectionURL: 'https://phish.example.net/x' }), config: trusted, flagged: /failure redirect/ },
    { name: 'a redirect that is not a URL', state: template({ successRedirectionURL: 'not a url' }), config: trusted, flagged: /is not a URL/ },
    { name: 'a deleted template has nothing to judge', state: { ...template(), template: null }, config: trusted, flagged: null },
    {
      name: '*.example.com does not cover the apex example.com',
      state: template(),
      config: { trustedDomains: ['*.example.com'] },
      flagged: /From address verify@example.com/,
    },
  ];

  it.each(cases)('$name', ({ state, config, flagged }) => {
    const findings = judge(state, ctx(config));
    if (flagged === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'SES-CVE-002', severity: 'high', action: 'revert', resource: state.templateArn, fix: { kind: 'revert-template', templateName: 'welcome' } });
    expect(findings[0]?.reason).toMatch(flagged);
  });

  it('with trustedDomains empty it alerts that it cannot judge, and repairs nothing', () => {
    const findings = judge(template({ fromEmailAddress: 'verify@evil.example.net' }), ctx());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'SES-CVE-002', action: 'alert', fix: { kind: 'none' } });
    expect(findings[0]?.reason).toMatch(/cannot be judged because trustedDomains is empty/);
  });
});

describe('domain helpers', () => {
  it.each([
    ['example.com', ['example.com'], true],
    ['EXAMPLE.com.', ['example.com'], true],
    ['a.b.example.com', ['*.example.com'], true],
    ['example.com', ['*.example.com'], false],
    ['badexample.com', ['*.example.com'], false],
  ] as const)('%s against %j -> %s', (host, patterns, expected) => {
    expect(domainIsTrusted(host, patterns)).toBe(expected);
  });

  it.each([
    ['a@example.com', 'example.com'],
    ['Team <team@mail.example.com>', 'mail.example.com'],
    ['no-at-sign', undefined],
  ] as const)('domain of %s is %s', (address, domain) => {
    expect(domainOfAddress(address)).toBe(domain);
  });
});
