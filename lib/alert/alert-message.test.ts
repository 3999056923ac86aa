import { describe, it, expect } from 'vitest';
import type { Decision } from '../guard/decision.ts';
import { buildAlert } from './alert-message.ts';
import { AlertMessageSchema, type AlertOutcome, type AlertSeverity } from './alert-schema.ts';
import { ACCOUNT, REGION, decisions } from './test-fixtures.ts';

const cases: Array<{ name: string; decision: Decision; outcome: AlertOutcome; severity: AlertSeverity }> = [
  { name: 'enforce mode, revert done -> repaired at the highest finding severity', decision: decisions.repaired, outcome: 'repaired', severity: 'critical' },
  { name: 'dry-run turns every action into would-do -> would-repair (DESIGN §4)', decision: decisions.wouldRepair, outcome: 'would-repair', severity: 'critical' },
  { name: 'a failed step is a repair failure, raised to at least high', decision: decisions.repairFailed, outcome: 'repair-failed', severity: 'high' },
  { name: 'executor aborted before reporting on planned steps -> repair-failed', decision: decisions.repairAborted, outcome: 'repair-failed', severity: 'critical' },
  { name: 'a step failed transiently (the invocation is retried) -> repair-failed', decision: decisions.repairFailedTransient, outcome: 'repair-failed', severity: 'critical' },
  { name: 'AWS took the write but the re-read is still open -> repair-incomplete, critical', decision: decisions.repairIncomplete, outcome: 'repair-incomplete', severity: 'critical' },
  { name: 'the re-read after the repair could not be made -> repair-incomplete, critical (never "repaired" unseen)', decision: decisions.repairUnverified, outcome: 'repair-incomplete', severity: 'critical' },
  { name: 'a done step with no re-read reported at all -> repair-incomplete', decision: { ...decisions.repaired, verification: undefined }, outcome: 'repair-incomplete', severity: 'critical' },
  { name: 'someone fixed it while the guard decided -> raced, low', decision: decisions.racedNowCompliant, outcome: 'raced', severity: 'low' },
  { name: 'changed again and still open (judged on its own event) -> raced at the finding severity', decision: decisions.racedChangedAgain, outcome: 'raced', severity: 'critical' },
  { name: 'every finding covered by an exemption -> exempt, low (no paging)', decision: decisions.exempt, outcome: 'exempt', severity: 'low' },
  { name: 'rule configured to alert -> alert-only at the finding severity', decision: decisions.alertOnly, outcome: 'alert-only', severity: 'medium' },
  { name: 'compliant change -> compliant, info', decision: decisions.compliant, outcome: 'compliant', severity: 'info' },
  { name: 'compliant but the baseline write failed -> compliant, medium', decision: decisions.compliantBaselineLost, outcome: 'compliant', severity: 'medium' },
  { name: 'malformed CloudTrail event -> invalid-event, medium', decision: decisions.invalidEvent, outcome: 'invalid-event', severity: 'medium' },
  { name: 'document AWS holds but we cannot parse -> invalid-event, medium', decision: decisions.unparseableDocument, outcome: 'invalid-event', severity: 'medium' },
  { name: 'state unreadable -> guard-error, high', decision: decisions.guardError, outcome: 'guard-error', severity: 'high' },
  { name: 'GUARD-001: the guard is being disabled -> guard-integrity, critical', decision: decisions.guardIntegrity, outcome: 'guard-integrity', severity: 'critical' },
  { name: "the guard's own repair -> ignored, info", decision: decisions.ignoredOwnRole, outcome: 'ignored', severity: 'info' },
];

describe('buildAlert: outcome and severity for every verdict and failure kind', () => {
  it.each(cases)('$name', ({ decision, outcome, severity }) => {
    const alert = buildAlert(decision, { accountId: ACCOUNT, region: REGION });
    expect(AlertMessageSchema.parse(JSON.parse(JSON.stringify(alert)))).toEqual(alert);
    expect(alert.schemaVersion).toBe('sesguard.alert/v1');
    expect(alert.outcome).toBe(outcome);
    expect(alert.severity).toBe(severity);
    expect(alert.verdict).toBe(decision.verdict);
    expect(alert.dryRun).toBe(decision.dryRun);
  });
});

describe('buildAlert: titles and summaries say what was and was not done', () => {
  it('a repaired alert names only the rules a done step answered; an alert-only rule beside it is "not repaired"', () => {
    expect(buildAlert(decisions.repaired).title).toBe('Repaired SES-IDP-001 on identity/example.com; not repaired: SES-IDP-005');
  });

  it('repaired says the re-read confirmed it', () => {
    expect(buildAlert(decisions.repaired).summary).toContain('the state re-read afterwards is compliant');
  });

  it('repair-incomplete says what is still open and carries the re-read', () => {
    const alert = buildAlert(decisions.repairIncomplete);
    expect(alert.title).toBe('REPAIR INCOMPLETE: SES-IDP-001 still open on identity/example.com');
    expect(alert.summary).toContain('still noncompliant: SES-IDP-001: Statement PublicSend allows ses:SendEmail');
    expect(alert.verification).toEqual({ status: 'open', open: [{ ruleId: 'SES-IDP-001', statement: { index: 1, sid: 'PublicSend' }, reason: expect.stringContaining('PublicSend') }], why: null });
  });

  it('an unverified repair says it could not be confirmed, and why', () => {
    const alert = buildAlert(decisions.repairUnverified);
    expect(alert.title).toBe('REPAIR NOT CONFIRMED: SES-IDP-001 on identity/example.com (the state could not be re-read)');
    expect(alert.summary).toContain('could not be confirmed (could not re-read the state after the repair: TooManyRequestsException');
  });

  it('a race says it was a race (not "the configured action is alert-only")', () => {
    const now = buildAlert(decisions.racedNowCompliant);
    expect(now.summary).toContain('changed while the guard was deciding and is now compliant');
    expect(now.summary).not.toContain('alert-only');
    expect(now.race).toEqual({ kind: 'now-compliant', detail: 'state changed since it was read and is now compliant' });
    expect(buildAlert(decisions.racedChangedAgain).summary).toContain('that newer change is judged on its own event');
  });

  it('a transient failure says the event is retried; a refusal says a retry cannot change it', () => {
    const transient = buildAlert(decisions.repairFailedTransient);
    expect(transient.retry).toBe('a repair step failed transiently: s1 (ses.put-identity-policy): Throttling: Rate exceeded');
    expect(transient.summary).toContain('Lambda retries the event');
    expect(buildAlert(decisions.repairFailed).summary).toContain('which a retry cannot change');
  });
});

describe('buildAlert: content', () => {
  it('carries the actor, the CloudTrail event, the rules and the time the perimeter was open', () => {
    const alert = buildAlert(decisions.repaired);
    expect(alert.actor).toEqual({
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/alice@example.com`,
      type: 'AssumedRole',
      accountId: ACCOUNT,
      principalId: 'AROAEXAMPLEID:alice@example.com',
      sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/DevOps`,
      sessionCreatedAt: '2026-11-24T08:50:11Z',
      invokedBy: null,
      sourceIp: '198.51.100.23',
      userAgent: 'aws-internal/3 aws-sdk-java/1.12.x Linux',
    });
    expect(alert.event).toEqual({
      id: 'c0ffee00-1234-4abc-9def-0123456789ab',
      name: 'UpdateEmailIdentityPolicy',
      source: 'ses.amazonaws.com',
      time: '2026-11-24T09:15:02Z',
    });
    expect(alert.rules).toEqual(['SES-IDP-001', 'SES-IDP-005']);
    expect(alert.account).toBe(ACCOUNT);
    expect(alert.region).toBe(REGION);
    expect(alert.timings.eventToDecisionMs).toBe(2400);
  });

  it('lists each remediation step with its outcome and what it touched', () => {
    const alert = buildAlert(decisions.repairFailed);
    expect(alert.remediation?.steps).toEqual([
      {
        id: 's1',
        action: 'ses.put-identity-policy',
        target: 'identity example.com policy sending (update)',
        ruleIds: ['SES-IDP-001'],
        reason: 'put back the baseline document without PublicSend',
        outcome: 'failed',
        detail: expect.stringContaining('AccessDeniedException'),
        at: '2026-11-24T09:15:04.210Z',
      },
    ]);
  });

  it('marks planned steps the executor never reported on as not-run', () => {
    const alert = buildAlert(decisions.repairAborted);
    expect(alert.remediation?.steps.map((s) => s.outcome)).toEqual(['not-run']);
    expect(alert.errors).toEqual(['repair aborted: ThrottlingException: Rate exceeded']);
  });

  it('shows the removed statement in the before/after diff', () => {
    const alert = buildAlert(decisions.repaired);
    expect(alert.document.diff.kind).toBe('policy');
    expect(alert.document.diff.changed).toBe(true);
    expect(alert.document.diff.lines).toContain('- [1] Sid=PublicSend Allow * ses:SendEmail');
    expect(alert.document.before).toBe(decisions.repaired.before);
    expect(alert.document.after).toBe(decisions.repaired.after);
  });

  it('links the SES identity page and the CloudTrail event in the event region', () => {
    const alert = buildAlert(decisions.repaired);
    expect(alert.links).toEqual({
      resource: 'https://eu-west-1.console.aws.amazon.com/ses/home?region=eu-west-1#/identities/example.com',
      event: 'https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/c0ffee00-1234-4abc-9def-0123456789ab',
    });
  });

  it('takes account and region from the context when no change parsed (invalid event)', () => {
    const alert = buildAlert(decisions.invalidEvent, { accountId: ACCOUNT, region: 'us-east-2' });
    expect(alert.account).toBe(ACCOUNT);
    expect(alert.region).toBe('us-east-2');
    expect(alert.actor).toBeNull();
    expect(alert.skip).toEqual({ reason: 'malformed', detail: expect.stringContaining('emailIdentity') });
    expect(alert.links.event).toBe('https://us-east-2.console.aws.amazon.com/cloudtrail/home?region=us-east-2#/events/bad00000-0000-4000-8000-000000000000');
  });

  it('links a guard resource named without an ARN by its type (GUARD-001)', () => {
    const alert = buildAlert(decisions.guardIntegrity);
    expect(alert.links.resource).toBe('https://eu-west-1.console.aws.amazon.com/events/home?region=eu-west-1#/eventbus/default/rules/sesguard-prod-identity-policy');
    expect(alert.title).toBe('GUARD TAMPERING: DisableRule on sesguard-prod-identity-policy');
  });

  it('gives the same decision the same alertId (retried publishes can be de-duplicated) and different ones different ids', () => {
    expect(buildAlert(decisions.repaired).alertId).toBe(buildAlert(structuredClone(decisions.repaired)).alertId);
    expect(buildAlert(decisions.repaired).alertId).not.toBe(buildAlert(decisions.repairFailed).alertId);
  });

  it('caps huge documents and says so', () => {
    const huge = JSON.stringify({ templateContent: 'x'.repeat(50_000) });
    const alert = buildAlert({ ...decisions.compliant, before: huge, after: huge });
    expect(alert.document.truncated).toBe(true);
    expect(alert.document.before?.length).toBe(20_000);
  });

  it('treats a missing `after` as unchanged from `before`', () => {
    const { after: _after, ...rest } = decisions.guardError as Decision;
    const alert = buildAlert({ ...rest, before: '{"a":1}' });
    expect(alert.document.after).toBe('{"a":1}');
    expect(alert.document.diff.changed).toBe(false);
  });
});
