import * as z from '../zod.ts';
import { didYouMean, oneOf } from '../nearest-name.ts';
import { oneOfValues, partialRecordOf, strictObject } from '../zod-strict.ts';
import { LOCKED_RULES, RULE_CONTRACTS } from './rule-contracts.ts';
import { LINT_CODES } from './lint-settings.ts';

/**
 * The one config file, `sesguard.config.yml`. Field names are a public contract: configs written today
 * must keep working, so fields are only ever added.
 */

export const RULE_IDS = [
  'SES-IDP-001',
  'SES-IDP-002',
  'SES-IDP-003',
  'SES-IDP-004',
  'SES-IDP-005',
  'SES-IDP-006',
  'SES-EVD-001',
  'SES-CVE-001',
  'SES-CVE-002',
  'IAM-SES-001',
  'IAM-SES-002',
  'GUARD-001',
  'IAM-SES-003',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a rule's finding asks the guard to do. `alert` changes nothing. */
export const RULE_ACTIONS = ['revert', 'strip', 'delete', 'remove-destination', 'disable-destination', 'quarantine', 'alert'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const orgId = z.string().check(z.regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id like o-a1b2c3d4e5'));
const domain = z.string().check(z.regex(/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i, 'must be a domain name like example.com or *.example.com'));
const arnPattern = z.string().check(z.regex(/^(arn:|\*)/, 'must be an ARN or ARN pattern (wildcards * and ? allowed)'));
const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'must be an ISO date, e.g. 2026-12-31'), z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date'));

const ruleIdOrAll = z.string().check(z.superRefine((value, ctx) => {
  if (value === '*' || (RULE_IDS as readonly string[]).includes(value)) return;
  ctx.addIssue({ code: 'custom', message: `"${value}" is not a rule id${didYouMean(value, RULE_IDS) || `; expected '*' or one of ${oneOf(RULE_IDS)}`}` });
})) as unknown as z.ZodMiniType<RuleId | '*'>;

export const ExemptionSchema = strictObject({
  resource: arnPattern.check(z.describe('ARN pattern of the resource or principal exempted')),
  rules: z.array(ruleIdOrAll).check(z.minLength(1, 'must name at least one rule id, or "*"'), z.superRefine((rules, ctx) => {
    rules.forEach((rule, i) => {
      if (rule !== '*' && LOCKED_RULES.includes(rule)) ctx.addIssue({ code: 'custom', path: [i], message: `${rule} cannot be exempted: ${RULE_CONTRACTS[rule].locked?.why ?? ''}` });
    });
  })),
  expires: isoDate,
  reason: z.string().check(z.minLength(3, 'must say why the exemption exists')),
});
export type Exemption = z.infer<typeof ExemptionSchema>;

export const RuleOverrideSchema = strictObject({
  enabled: z.optional(z.boolean()),
  action: z.optional(oneOfValues(RULE_ACTIONS, 'action')),
  severity: z.optional(oneOfValues(SEVERITIES, 'severity')),
});
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

/** Each override is held to its rule's contract (rule-contracts.ts): only actions the rule can take, and no weakening of a locked rule. */
function checkRuleContracts(rules: Partial<Record<RuleId, RuleOverride>>, ctx: z.core.$RefinementCtx): void {
  for (const [id, override] of Object.entries(rules) as Array<[RuleId, RuleOverride | undefined]>) {
    const contract = RULE_CONTRACTS[id];
    if (!override) continue;
    if (override.action !== undefined && !contract.actions.includes(override.action)) {
      const near = didYouMean(override.action, contract.actions);
      ctx.addIssue({ code: 'custom', path: [id, 'action'], message: `${id} cannot take action "${override.action}"${near}; its actions are ${oneOf(contract.actions)}` });
    }
    if (!contract.locked) continue;
    if (override.enabled === false) ctx.addIssue({ code: 'custom', path: [id, 'enabled'], message: `${id} cannot be disabled: ${contract.locked.why}` });
    if (override.severity !== undefined && override.severity !== contract.locked.severity) {
      ctx.addIssue({ code: 'custom', path: [id, 'severity'], message: `${id} is always ${contract.locked.severity} and cannot be set to ${override.severity}: ${contract.locked.why}` });
    }
  }
}

const ConfigObjectSchema = strictObject({
  /** dry-run by default: enforcing is an explicit decision, never an accident of a missing field. */
  mode: z._default(oneOfValues(['enforce', 'dry-run'], 'mode'), 'dry-run'),
  /** Empty means "the account the guard is deployed in" (resolved at runtime from the event). */
  trustedAccounts: z._default(z.array(accountId), []),
  trustedOrgIds: z._default(z.array(orgId), []),
  trustedDomains: z._default(z.array(domain), []),
  adminPrincipals: z._default(z.array(arnPattern), []),
  exemptions: z._default(z.array(ExemptionSchema), []),
  rules: z._default(partialRecordOf(RULE_IDS, RuleOverrideSchema, 'rule id').check(z.superRefine(checkRuleContracts)), {}),
  quarantinePolicyName: z._default(z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, 'must be a valid IAM policy name')), 'sesguard-quarantine'),
  /** Event destinations: delete the offending one, or only disable it (keeps its definition for review). */
  eventDestinationRemoval: z._default(oneOfValues(['delete', 'disable'], 'removal'), 'delete'),
  /** The scheduled sweep (lib/sweep): when it runs, how fast it may call AWS, whether each finding is alerted. */
  sweep: z._default(strictObject({
    // An EventBridge Scheduler expression: rate(6 hours), or cron(0 0/6 * * ? *).
    schedule: z._default(z.string().check(z.regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, 'must be an EventBridge Scheduler expression like rate(6 hours) or cron(0 0/6 * * ? *)')), 'rate(6 hours)'),
    /** SES allows one control-plane call per second per account and region, shared with the event path: stay below. */
    sesCallsPerSecond: z._default(z.number().check(z.gt(0), z.lte(1, 'SES allows at most 1 call per second (the sweep should leave headroom for the event path)')), 0.8),
    iamCallsPerSecond: z._default(z.number().check(z.gt(0), z.lte(20)), 2),
    /** each: every noncompliant or invalid resource is alerted on its own, plus the summary; summary: the summary only. */
    resourceAlerts: z._default(oneOfValues(['each', 'summary'], 'sweep alert mode'), 'each'),
  }), { schedule: 'rate(6 hours)', sesCallsPerSecond: 0.8, iamCallsPerSecond: 2, resourceAlerts: 'each' }),
  alerts: z._default(strictObject({
    /** Also alert on changes judged compliant (normally only logged). */
    notifyCompliant: z._default(z.boolean(), false),
  }), { notifyCompliant: false }),
  /**
   * `sesguard check`'s policy lint (LINT-* findings): on by default; each code's severity can be set, or
   * the code turned off. The lint never acts at runtime: it judges documents before they are deployed.
   */
  lint: z._default(strictObject({
    enabled: z._default(z.boolean(), true),
    codes: z._default(partialRecordOf(LINT_CODES, strictObject({ enabled: z.optional(z.boolean()), severity: z.optional(oneOfValues(SEVERITIES, 'severity')) }), 'lint code'), {}),
  }), { enabled: true, codes: {} }),
});

type ConfigObject = z.infer<typeof ConfigObjectSchema>;

/**
 * `'*'` in an exemption means every rule config may exempt, so it is spelled out here, once: the locked
 * rules are not among them, and the effective settings show exactly which rules an exemption covers.
 */
function expandWildcardExemptions(config: ConfigObject): ConfigObject {
  const exemptable = RULE_IDS.filter((id) => !LOCKED_RULES.includes(id));
  return {
    ...config,
    exemptions: config.exemptions.map((exemption) => (exemption.rules.includes('*') ? { ...exemption, rules: [...exemptable] } : exemption)),
  };
}

export const ConfigSchema = z.pipe(ConfigObjectSchema, z.transform(expandWildcardExemptions));

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
