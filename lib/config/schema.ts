import { z } from 'zod';

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

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const orgId = z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id like o-a1b2c3d4e5');
const domain = z
  .string()
  .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i, 'must be a domain name like example.com or *.example.com');
const arnPattern = z.string().regex(/^(arn:|\*)/, 'must be an ARN or ARN pattern (wildcards * and ? allowed)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'must be an ISO date, e.g. 2026-12-31').refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date');

export const ExemptionSchema = z.strictObject({
  resource: arnPattern.describe('ARN pattern of the resource or principal exempted'),
  rules: z.array(z.union([z.enum(RULE_IDS), z.literal('*')])).min(1),
  expires: isoDate,
  reason: z.string().min(3, 'must say why the exemption exists'),
});
export type Exemption = z.infer<typeof ExemptionSchema>;

export const RuleOverrideSchema = z.strictObject({
  enabled: z.boolean().optional(),
  action: z.enum(RULE_ACTIONS).optional(),
  severity: z.enum(SEVERITIES).optional(),
});
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

export const ConfigSchema = z.strictObject({
  /** dry-run by default: enforcing is an explicit decision, never an accident of a missing field. */
  mode: z.enum(['enforce', 'dry-run']).default('dry-run'),
  /** Empty means "the account the guard is deployed in" (resolved at runtime from the event). */
  trustedAccounts: z.array(accountId).default([]),
  trustedOrgIds: z.array(orgId).default([]),
  trustedDomains: z.array(domain).default([]),
  adminPrincipals: z.array(arnPattern).default([]),
  exemptions: z.array(ExemptionSchema).default([]),
  rules: z.partialRecord(z.enum(RULE_IDS), RuleOverrideSchema).default({}),
  quarantinePolicyName: z
    .string()
    .regex(/^[\w+=,.@-]{1,128}$/, 'must be a valid IAM policy name')
    .default('sesguard-quarantine'),
  /** Event destinations: delete the offending one, or only disable it (keeps its definition for review). */
  eventDestinationRemoval: z.enum(['delete', 'disable']).default('delete'),
  /** The scheduled sweep (lib/sweep): when it runs, how fast it may call AWS, whether each finding is alerted. */
  sweep: z
    .strictObject({
      // An EventBridge Scheduler expression: rate(6 hours), or cron(0 0/6 * * ? *).
      schedule: z
        .string()
        .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, 'must be an EventBridge Scheduler expression like rate(6 hours) or cron(0 0/6 * * ? *)')
        .default('rate(6 hours)'),
      /** SES allows one control-plane call per second per account and region, shared with the event path: stay below. */
      sesCallsPerSecond: z.number().gt(0).max(1, 'SES allows at most 1 call per second (the sweep should leave headroom for the event path)').default(0.8),
      iamCallsPerSecond: z.number().gt(0).max(20).default(2),
      /** each: every noncompliant or invalid resource is alerted on its own, plus the summary; summary: the summary only. */
      resourceAlerts: z.enum(['each', 'summary']).default('each'),
    })
    .default({ schedule: 'rate(6 hours)', sesCallsPerSecond: 0.8, iamCallsPerSecond: 2, resourceAlerts: 'each' }),
  alerts: z
    .strictObject({
      /** Also alert on changes judged compliant (normally only logged). */
      notifyCompliant: z.boolean().default(false),
    })
    .default({ notifyCompliant: false }),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
