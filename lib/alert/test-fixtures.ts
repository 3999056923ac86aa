import type { Change } from '../cloudtrail/types.ts';
import type { IdentityPolicyChange } from '../families/identity-policy/types.ts';
import type { GuardIntegrityChange } from '../families/guard-integrity/types.ts';
import type { Finding } from '../rules/types.ts';
import type { DraftStep, Plan, PlanStep, StepResult } from '../remediation/types.ts';
import type { Decision } from '../guard/decision.ts';
import { draftStep } from '../remediation/step.ts';
import { PUT_IDENTITY_POLICY } from '../families/identity-policy/steps.ts';

/**
 * Decisions for every verdict and failure kind, shared by the alert tests and the docs example. Shapes
 * follow real CloudTrail records (an assumed-role caller from the SES console, an IAM user with the CLI).
 */
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
const GUARD_CHANGE: GuardIntegrityChange = {
  family: 'guard-integrity',
  eventId: 'dead0000-beef-4000-8000-000000000001',
  eventName: 'DisableRule',
  eventSource: 'events.amazonaws.com',
  eventTime: '2026-11-24T09:20:00Z',
  region: REGION,
  accountId: ACCOUNT,
  actor: { arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, type: 'IAMUser', accountId: ACCOUNT, sourceIp: '203.0.113.9', userAgent: 'aws-cli/2.17.0' },
  resourceType: 'events-rule',
  resourceName: 'sesguard-prod-identity-policy',
  effect: 'disabled the EventBridge rule that feeds the guard',
};
const IDENTITY_ARN = `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com`;

export const BAD_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowApp',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app-mailer` },
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Resource: IDENTITY_ARN,
      Condition: { StringEquals: { 'ses:FromAddress': 'noreply@example.com' } },
    },
    { Sid: 'PublicSend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' },
  ],
});

export const GOOD_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowApp',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app-mailer` },
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Resource: IDENTITY_ARN,
      Condition: { StringEquals: { 'ses:FromAddress': 'noreply@example.com' } },
    },
  ],
});

export const identityChange: IdentityPolicyChange = {
  family: 'identity-policy',
  apiVersion: 'v2',
  operation: 'update',
  eventId: 'c0ffee00-1234-4abc-9def-0123456789ab',
  eventName: 'UpdateEmailIdentityPolicy',
  eventSource: 'ses.amazonaws.com',
  eventTime: '2026-11-24T09:15:02Z',
  region: REGION,
  accountId: ACCOUNT,
  target: { identity: 'example.com', policyName: 'sending' },
  actor: {
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/alice@example.com`,
    type: 'AssumedRole',
    accountId: ACCOUNT,
    principalId: 'AROAEXAMPLEID:alice@example.com',
    sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/DevOps`,
    sessionCreatedAt: '2026-11-24T08:50:11Z',
    sourceIp: '198.51.100.23',
    userAgent: 'aws-internal/3 aws-sdk-java/1.12.x Linux',
  },
};

const publicFinding: Finding = {
  ruleId: 'SES-IDP-001',
  severity: 'critical',
  action: 'revert',
  resource: IDENTITY_ARN,
  statement: { index: 1, sid: 'PublicSend' },
  reason: 'Statement PublicSend allows ses:SendEmail to any principal (*) with no condition pinning it to trusted accounts.',
  fix: { kind: 'drop-statement', statementIndex: 1, sid: 'PublicSend' },
};

const fromAddressFinding: Finding = {
  ruleId: 'SES-IDP-005',
  severity: 'medium',
  action: 'alert',
  resource: IDENTITY_ARN,
  statement: { index: 1, sid: 'PublicSend' },
  reason: 'Statement PublicSend delegates sending without restricting ses:FromAddress.',
  fix: { kind: 'none', note: 'alert only' },
};

function planStep(id: string, draft: DraftStep): PlanStep {
  return { id, action: draft.action, target: draft.target ?? draft.action.type, ruleIds: draft.ruleIds, reason: draft.reason };
}

function revertPlan(dryRun: boolean): Plan {
  return {
    strategy: 'revert',
    dryRun,
    explanation: 'Restore the last-known-good policy recorded on 2026-11-20 (compliant under current rules).',
    steps: [
      planStep('s1', draftStep(PUT_IDENTITY_POLICY, { type: 'ses.put-identity-policy', identity: 'example.com', policyName: 'sending', document: GOOD_POLICY, op: 'update' }, { ruleIds: ['SES-IDP-001'], reason: 'put back the baseline document without PublicSend' })),
    ],
    notRepaired: [{ ruleId: 'SES-IDP-005', reason: 'configured action is alert' }],
  };
}

const timings = (decidedAt: string) => ({
  eventTime: identityChange.eventTime,
  decidedAt,
  eventToDecisionMs: Date.parse(decidedAt) - Date.parse(identityChange.eventTime),
  readStateMs: 84.2,
  executeMs: 131.5,
});

const base = (change: Change): Pick<Decision, 'change' | 'eventId' | 'eventName' | 'resource'> => ({
  change,
  eventId: change.eventId,
  eventName: change.eventName,
  resource: IDENTITY_ARN,
});

const done = (stepId: string, at = '2026-11-24T09:15:04.210Z'): StepResult => ({ stepId, action: 'ses.put-identity-policy', outcome: 'done', at });

export const decisions = {
  repaired: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding, fromAddressFinding],
    plan: revertPlan(false),
    results: [done('s1')],
    verification: { status: 'compliant' },
    before: BAD_POLICY,
    after: GOOD_POLICY,
    dryRun: false,
    errors: [],
    timings: timings('2026-11-24T09:15:04.400Z'),
  },
  repairIncomplete: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(false),
    results: [done('s1')],
    verification: { status: 'open', findings: [publicFinding] },
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: [`after the repair the state re-read is still noncompliant: SES-IDP-001: ${publicFinding.reason}`],
    timings: timings('2026-11-24T09:15:08.400Z'),
  },
  repairUnverified: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(false),
    results: [done('s1')],
    verification: { status: 'unverified', why: 'could not re-read the state after the repair: TooManyRequestsException: Too many requests' },
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: ['could not re-read the state after the repair: TooManyRequestsException: Too many requests'],
    timings: timings('2026-11-24T09:15:08.400Z'),
  },
  racedNowCompliant: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(false),
    results: [{ stepId: 's1', action: 'ses.put-identity-policy', outcome: 'skipped', detail: 'state changed since it was read and is now compliant', at: '2026-11-24T09:15:04.210Z' }],
    race: { kind: 'now-compliant', detail: 'state changed since it was read and is now compliant' },
    before: BAD_POLICY,
    after: GOOD_POLICY,
    dryRun: false,
    errors: [],
    timings: timings('2026-11-24T09:15:04.400Z'),
  },
  racedChangedAgain: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(false),
    results: [{ stepId: 's1', action: 'ses.put-identity-policy', outcome: 'skipped', detail: 'state changed again since it was read and is still noncompliant', at: '2026-11-24T09:15:04.210Z' }],
    race: { kind: 'changed-again', detail: 'state changed again since it was read and is still noncompliant' },
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: [],
    timings: timings('2026-11-24T09:15:04.400Z'),
  },
  repairFailedTransient: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(false),
    results: [{ stepId: 's1', action: 'ses.put-identity-policy', outcome: 'failed', detail: 'Throttling: Rate exceeded (transient: still failing after 3 tries; the event is retried)', at: '2026-11-24T09:15:04.210Z' }],
    verification: { status: 'open', findings: [publicFinding] },
    retry: 'a repair step failed transiently: s1 (ses.put-identity-policy): Throttling: Rate exceeded',
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: ['step s1 (ses.put-identity-policy) failed: Throttling: Rate exceeded (transient: still failing after 3 tries; the event is retried)'],
    timings: timings('2026-11-24T09:15:06.400Z'),
  },
  wouldRepair: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(true),
    results: [{ stepId: 's1', action: 'ses.put-identity-policy', outcome: 'would-do', at: '2026-11-24T09:15:04.210Z' }],
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: true,
    errors: [],
    timings: timings('2026-11-24T09:15:04.400Z'),
  },
  repairFailed: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [{ ...publicFinding, severity: 'medium' }],
    plan: revertPlan(false),
    results: [
      {
        stepId: 's1',
        action: 'ses.put-identity-policy',
        outcome: 'failed',
        detail: 'AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/sesguard-identity-policy/fn is not authorized to perform: ses:UpdateEmailIdentityPolicy',
        at: '2026-11-24T09:15:04.210Z',
      },
    ],
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: ['step s1 (ses.put-identity-policy) failed: AccessDeniedException: not authorized to perform: ses:UpdateEmailIdentityPolicy'],
    timings: timings('2026-11-24T09:15:04.400Z'),
  },
  repairAborted: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [publicFinding],
    plan: revertPlan(false),
    results: [],
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: ['repair aborted: ThrottlingException: Rate exceeded'],
    timings: timings('2026-11-24T09:15:04.400Z'),
  },
  exempt: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [{ ...publicFinding, exemption: { reason: 'Partner relay migration, ticket SEC-4411', expires: '2026-12-31' } }],
    plan: { strategy: 'none', dryRun: false, explanation: 'Every finding is exempt.', steps: [], notRepaired: [{ ruleId: 'SES-IDP-001', reason: 'exempt until 2026-12-31' }] },
    results: [],
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: [],
    timings: timings('2026-11-24T09:15:03.100Z'),
  },
  alertOnly: {
    verdict: 'noncompliant',
    ...base(identityChange),
    findings: [fromAddressFinding],
    plan: { strategy: 'alert-only', dryRun: false, explanation: 'SES-IDP-005 is configured to alert.', steps: [], notRepaired: [{ ruleId: 'SES-IDP-005', reason: 'configured action is alert' }] },
    results: [],
    before: BAD_POLICY,
    after: BAD_POLICY,
    dryRun: false,
    errors: [],
    timings: timings('2026-11-24T09:15:03.100Z'),
  },
  compliant: {
    verdict: 'compliant',
    ...base(identityChange),
    findings: [],
    results: [],
    before: GOOD_POLICY,
    after: GOOD_POLICY,
    dryRun: false,
    errors: [],
    timings: timings('2026-11-24T09:15:02.900Z'),
  },
  compliantBaselineLost: {
    verdict: 'compliant',
    ...base(identityChange),
    findings: [],
    results: [],
    before: GOOD_POLICY,
    after: GOOD_POLICY,
    dryRun: false,
    errors: ['could not record the compliant state as baseline for ses-identity-policy#example.com#sending: ResourceNotFoundException: table not found'],
    timings: timings('2026-11-24T09:15:02.900Z'),
  },
  invalidEvent: {
    verdict: 'invalid',
    skip: { skip: true, reason: 'malformed', detail: 'detail.requestParameters.emailIdentity: expected string, received undefined', eventId: 'bad00000-0000-4000-8000-000000000000', eventName: 'CreateEmailIdentityPolicy' },
    eventId: 'bad00000-0000-4000-8000-000000000000',
    eventName: 'CreateEmailIdentityPolicy',
    findings: [],
    results: [],
    dryRun: false,
    errors: [],
    timings: { decidedAt: '2026-11-24T09:15:03.000Z' },
  },
  unparseableDocument: {
    verdict: 'invalid',
    ...base(identityChange),
    findings: [],
    results: [],
    before: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"',
    dryRun: false,
    errors: ['policy document does not parse: Unexpected end of JSON input'],
    timings: timings('2026-11-24T09:15:03.000Z'),
  },
  guardError: {
    verdict: 'error',
    ...base(identityChange),
    findings: [],
    results: [],
    dryRun: false,
    errors: [`could not read the current state of ${IDENTITY_ARN}: ThrottlingException: Rate exceeded`],
    timings: timings('2026-11-24T09:15:05.000Z'),
  },
  guardIntegrity: {
    verdict: 'noncompliant',
    change: GUARD_CHANGE,
    eventId: 'dead0000-beef-4000-8000-000000000001',
    eventName: 'DisableRule',
    resource: 'sesguard-prod-identity-policy',
    findings: [
      {
        ruleId: 'GUARD-001',
        severity: 'critical',
        action: 'alert',
        resource: 'sesguard-prod-identity-policy',
        reason: 'The EventBridge rule sesguard-prod-identity-policy that feeds the guard was disabled.',
        fix: { kind: 'none', note: 'alert only' },
      },
    ],
    results: [],
    dryRun: false,
    errors: [],
    timings: { eventTime: '2026-11-24T09:20:00Z', decidedAt: '2026-11-24T09:20:01.500Z', eventToDecisionMs: 1500 },
  },
  ignoredOwnRole: {
    verdict: 'ignored',
    skip: { skip: true, reason: 'own-role', detail: 'made by the guard role arn:aws:iam::111122223333:role/sesguard-prod', eventId: 'own00000-0000-4000-8000-000000000000', eventName: 'UpdateEmailIdentityPolicy' },
    eventId: 'own00000-0000-4000-8000-000000000000',
    eventName: 'UpdateEmailIdentityPolicy',
    findings: [],
    results: [],
    dryRun: false,
    errors: [],
    timings: { decidedAt: '2026-11-24T09:15:05.000Z' },
  },
} satisfies Record<string, Decision>;
