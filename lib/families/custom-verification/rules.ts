import { actsWithAuthority } from '../../rules/protected-principal.ts';
import type { RawFinding, Rule, RuleContext } from '../../rules/types.ts';
import { verificationTemplateArn } from '../../aws/arns.ts';
import type { CustomVerificationState, VerificationTemplate } from './types.ts';

/**
 * Custom verification emails verify an address as a sending identity of this account, in a message
 * that looks like it comes from the account. Sending one is an action (SES-CVE-001: only
 * administrators verify new identities); the template is a state (SES-CVE-002: it must not send as,
 * or redirect to, someone else's domain — a phishing kit with the account's reputation).
 */

function evaluateVerificationSend(state: CustomVerificationState, ctx: RuleContext): RawFinding[] {
  if (state.kind !== 'custom-verification-send') return [];
  const templateArn = verificationTemplateArn(ctx.region, ctx.accountId, state.templateName);
  const actor = ctx.actor;
  if (!actor || (!actor.arn && !actor.sessionIssuerArn)) {
    return [
      {
        resource: templateArn,
        reason: `A custom verification email (template "${state.templateName}") was sent to ${state.emailAddress} by a caller the event does not identify, so it cannot be confirmed to be an administrator.`,
        fix: { kind: 'none', note: 'the acting principal is unknown; nothing can be quarantined' },
      },
    ];
  }
  const admins = ctx.config.adminPrincipals;
  if (actsWithAuthority(actor, ctx)) return [];
  const who = actor.sessionIssuerArn && actor.arn !== actor.sessionIssuerArn ? `${actor.arn ?? 'a session'} (role ${actor.sessionIssuerArn})` : (actor.arn ?? actor.sessionIssuerArn);
  const adminNote = admins.length === 0 ? 'no adminPrincipals are configured' : 'it matches none of adminPrincipals';
  return [
    {
      resource: actor.arn ?? actor.sessionIssuerArn ?? templateArn,
      reason: `${who} sent a custom verification email (template "${state.templateName}") to ${state.emailAddress}, but ${adminNote}.`,
      fix: { kind: 'quarantine-actor', actor },
    },
  ];
}

/** `example.com` matches itself only; `*.example.com` matches any subdomain, not the apex. */
export function domainIsTrusted(host: string, trustedDomains: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return trustedDomains.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p.startsWith('*.')) return name.endsWith(p.slice(1)) && name.length > p.length - 1;
    return name === p;
  });
}

/** The domain of an address, also in `Name <user@domain>` form; undefined when there is none. */
export function domainOfAddress(address: string): string | undefined {
  const bracketed = /<([^>]*)>/.exec(address);
  const bare = (bracketed?.[1] ?? address).trim();
  const at = bare.lastIndexOf('@');
  if (at < 0 || at === bare.length - 1) return undefined;
  return bare.slice(at + 1);
}

function evaluateVerificationTemplate(state: CustomVerificationState, ctx: RuleContext): RawFinding[] {
  if (state.kind !== 'verification-template' || state.template === null) return [];
  const fix = { kind: 'revert-template', templateName: state.templateName } as const;
  const trustedDomains = ctx.config.trustedDomains;
  if (trustedDomains.length === 0) {
    // Treating "no domains configured" as "every domain trusted" would make the rule silently pass
    // anything; treating it as "none trusted" would revert every template. Say that it cannot judge.
    return [
      {
        resource: state.templateArn,
        reason: `Verification template "${state.templateName}" cannot be judged because trustedDomains is empty; list the domains its From address and redirect URLs may use.`,
        fix: { kind: 'none', note: 'configure trustedDomains so SES-CVE-002 can judge templates' },
      },
    ];
  }
  const problems = templateProblems(state.template, trustedDomains);
  if (problems.length === 0) return [];
  return [
    {
      resource: state.templateArn,
      reason: `Verification template "${state.templateName}" points outside trusted domains: ${problems.join('; ')}.`,
      fix,
    },
  ];
}

function templateProblems(template: VerificationTemplate, trustedDomains: readonly string[]): string[] {
  const problems: string[] = [];
  const fromDomain = domainOfAddress(template.fromEmailAddress);
  if (fromDomain === undefined) problems.push(`From address "${template.fromEmailAddress}" has no domain`);
  else if (!domainIsTrusted(fromDomain, trustedDomains)) problems.push(`From address ${template.fromEmailAddress} is in untrusted domain ${fromDomain}`);
  for (const [label, url] of [
    ['success redirect', template.successRedirectionURL],
    ['failure redirect', template.failureRedirectionURL],
  ] as const) {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      problems.push(`${label} "${url}" is not a URL`);
      continue;
    }
    if (!domainIsTrusted(host, trustedDomains)) problems.push(`${label} ${url} goes to untrusted host ${host}`);
  }
  return problems;
}

export const CUSTOM_VERIFICATION_RULES: readonly Rule<CustomVerificationState>[] = [
  {
    id: 'SES-CVE-001',
    title: 'Custom verification email sent by a non-administrator',
    appliesTo: ['custom-verification-send'],
    defaultSeverity: 'high',
    defaultAction: 'quarantine',
    evaluate: evaluateVerificationSend,
  },
  {
    id: 'SES-CVE-002',
    title: 'Verification template sends as or redirects to an untrusted domain',
    appliesTo: ['verification-template'],
    defaultSeverity: 'high',
    defaultAction: 'revert',
    evaluate: evaluateVerificationTemplate,
  },
];
