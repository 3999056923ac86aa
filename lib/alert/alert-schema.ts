import * as z from '../zod.ts';

/**
 * The alert every consumer (Slack notifier, SIEM, ticketing, a person with `jq`) parses. It is a public,
 * versioned contract: fields are only ever added within `sesguard.alert/v1`; a rename or removal means v2.
 * The schema is both the TypeScript type and the validator, so what we publish and what a consumer
 * accepts cannot drift apart. Documented field by field in docs/alerts.md.
 */
export const ALERT_SCHEMA_VERSION = 'sesguard.alert/v1';

/** `info` exists only for alerts that report no risk (compliant, ignored); rule severities start at `low`. */
export const ALERT_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_OUTCOMES = [
  'repaired',
  'would-repair',
  'repair-failed',
  /** The repair was sent, but the state re-read afterwards is still noncompliant or could not be read. */
  'repair-incomplete',
  /** The repair was not sent: the resource changed between the guard's read and its write. */
  'raced',
  'alert-only',
  'exempt',
  'compliant',
  'invalid-event',
  'guard-error',
  'guard-integrity',
  'ignored',
] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

const nullableString = z.nullable(z.string());

export const AlertActorSchema = z.object({
  arn: nullableString,
  type: z.string(),
  accountId: nullableString,
  principalId: nullableString,
  /** For assumed roles: the role behind the session (userIdentity.sessionContext.sessionIssuer.arn). */
  sessionIssuerArn: nullableString,
  sessionCreatedAt: nullableString,
  invokedBy: nullableString,
  sourceIp: nullableString,
  userAgent: nullableString,
});

export const AlertEventSchema = z.object({
  /** CloudTrail eventID. */
  id: nullableString,
  name: nullableString,
  source: nullableString,
  time: nullableString,
});

export const AlertResourceSchema = z.object({
  arn: nullableString,
  /** Which trigger family judged it (identity-policy, event-destination, ...), null when no change parsed. */
  family: nullableString,
});

export const AlertFindingSchema = z.object({
  ruleId: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  action: z.string(),
  resource: z.string(),
  statement: z.nullable(z.object({ index: z.number().check(z.int(), z.nonnegative()), sid: nullableString })),
  reason: z.string(),
  exemption: z.nullable(z.object({ reason: z.string(), expires: z.string() })),
});

export const ALERT_STEP_OUTCOMES = ['done', 'failed', 'skipped', 'would-do', 'not-run'] as const;

export const AlertStepSchema = z.object({
  id: z.string(),
  /** The StepAction type, e.g. `ses.put-identity-policy`. */
  action: z.string(),
  /** What the step touches, in words: `identity example.com policy Allow-Partner`. */
  target: z.string(),
  ruleIds: z.array(z.string()),
  reason: z.string(),
  /** `not-run`: planned but the executor never reported on it (aborted before reaching it). */
  outcome: z.enum(ALERT_STEP_OUTCOMES),
  detail: nullableString,
  at: nullableString,
});

export const AlertRemediationSchema = z.object({
  strategy: z.string(),
  explanation: z.string(),
  steps: z.array(AlertStepSchema),
  notRepaired: z.array(z.object({ ruleId: z.string(), reason: z.string() })),
});

export const AlertDiffSchema = z.object({
  /** policy: compared statement by statement; keys: a JSON object compared key by key; text: line by line. */
  kind: z.enum(['policy', 'keys', 'text', 'none']),
  changed: z.boolean(),
  /** `- ` removed, `+ ` added, two spaces unchanged context. */
  lines: z.array(z.string()),
});

export const AlertDocumentSchema = z.object({
  /** Raw documents; null when absent (no policy) or dropped to fit the SNS size limit (see `truncated`). */
  before: nullableString,
  after: nullableString,
  diff: AlertDiffSchema,
  /** True when a document was cut or dropped to keep the message under SNS's 256 KiB. */
  truncated: z.boolean(),
});

/** What the state re-read after the repair showed: `repaired` is said only when it is `compliant`. */
export const AlertVerificationSchema = z.object({
  status: z.enum(['compliant', 'open', 'unverified']),
  /** `open`: the findings the re-read still has. */
  open: z.array(z.object({ ruleId: z.string(), statement: z.nullable(z.object({ index: z.number().check(z.int(), z.nonnegative()), sid: nullableString })), reason: z.string() })),
  /** `unverified`: why the state could not be re-read or judged. */
  why: nullableString,
});

export const AlertRaceSchema = z.object({
  /** now-compliant: someone fixed it meanwhile; changed-again: a newer noncompliant change, judged on its own event. */
  kind: z.enum(['now-compliant', 'changed-again']),
  detail: z.string(),
});

export const AlertTimingsSchema = z.object({
  eventTime: nullableString,
  decidedAt: z.string(),
  /** decidedAt − eventTime: how long the perimeter was open before the guard acted. */
  eventToDecisionMs: z.nullable(z.number()),
  readStateMs: z.nullable(z.number()),
  executeMs: z.nullable(z.number()),
});

export const AlertLinksSchema = z.object({
  resource: z.nullable(z.url()),
  event: z.nullable(z.url()),
});

export const AlertMessageSchema = z.object({
  schemaVersion: z.literal(ALERT_SCHEMA_VERSION),
  /** Stable for one decision: the same decision published twice (retries) has the same id. */
  alertId: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  severity: z.enum(ALERT_SEVERITIES),
  outcome: z.enum(ALERT_OUTCOMES),
  /** The pipeline's verdict the outcome was derived from. */
  verdict: z.enum(['compliant', 'noncompliant', 'ignored', 'invalid', 'error']),
  title: z.string().check(z.minLength(1)),
  summary: z.string().check(z.minLength(1)),
  dryRun: z.boolean(),
  account: nullableString,
  region: nullableString,
  resource: AlertResourceSchema,
  actor: z.nullable(AlertActorSchema),
  event: AlertEventSchema,
  /** Distinct rule ids of the findings, in finding order. */
  rules: z.array(z.string()),
  findings: z.array(AlertFindingSchema),
  remediation: z.nullable(AlertRemediationSchema),
  document: AlertDocumentSchema,
  skip: z.nullable(z.object({ reason: z.string(), detail: z.string() })),
  /** Things that went wrong while deciding or repairing. Non-empty means someone must look. */
  errors: z.array(z.string()),
  /** Added in v1: facts that are not errors (e.g. the grant an event made no longer exists). */
  notes: z._default(z.array(z.string()), []),
  /** Added in v1: the re-read after the repair; null when nothing was sent. */
  verification: z._default(z.nullable(AlertVerificationSchema), null),
  /** Added in v1: set when the repair was not sent because the resource changed meanwhile. */
  race: z._default(z.nullable(AlertRaceSchema), null),
  /** Added in v1: why the invocation fails and the event is retried (a transient repair failure); null otherwise. */
  retry: z._default(nullableString, null),
  timings: AlertTimingsSchema,
  links: AlertLinksSchema,
});

export type AlertMessage = z.infer<typeof AlertMessageSchema>;
export type AlertFinding = z.infer<typeof AlertFindingSchema>;
export type AlertStep = z.infer<typeof AlertStepSchema>;
export type AlertDiff = z.infer<typeof AlertDiffSchema>;
export type AlertActor = z.infer<typeof AlertActorSchema>;
export type AlertVerification = z.infer<typeof AlertVerificationSchema>;
