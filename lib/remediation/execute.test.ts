import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DeleteConfigurationSetEventDestinationCommand,
  DeleteEmailIdentityPolicyCommand,
  NotFoundException,
  SESv2Client,
  UpdateEmailIdentityPolicyCommand,
} from '@aws-sdk/client-sesv2';
import { AttachRolePolicyCommand, DeletePolicyVersionCommand, IAMClient, ListPolicyVersionsCommand, NoSuchEntityException, SetDefaultPolicyVersionCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { Change } from '../cloudtrail/types.ts';
import type { Finding, ResourceState } from '../rules/types.ts';
import { executePlan, VERIFY_REREADS, type ExecutionReport } from './execute.ts';
import { STEP_RETRY } from '../aws/retry.ts';
import { STEP_DEFINITIONS } from '../families/index.ts';

/** Any step's action, as the test writes it (each family types its own). */
type AnyAction = StepAction & Record<string, unknown>;
import type { Plan, PlanStep, StepAction } from './types.ts';
import {
  ACCOUNT,
  NOW,
  OTHER_ACCOUNT,
  OWN_ROLES,
  REGION,
  anyoneStatement,
  config,
  eventDestinationChange,
  eventDestinationJudge,
  eventDestinationState,
  foreignSnsDestination,
  foreignStatement,
  goodTemplate,
  iamChange,
  iamJudge,
  iamState,
  identityPolicyChange,
  identityPolicyJudge,
  identityPolicyState,
  ownSnsDestination,
  phishingTemplate,
  policyInEffect,
  policyVersion,
  policyText,
  quarantineFinding,
  roleActor,
  sendChange,
  sendJudge,
  sesAdminDocument,
  sendOnlyDocument,
  templateChange,
  templateJudge,
  templateState,
  trustedStatement,
  userActor,
  planFor,
  allSenders,
  commandsOf,
  documentOf,
  QUARANTINE_ARN,
  type TestPlanInput,
} from './__fixtures__/remediation-fixtures.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const sesv2 = new SESv2Client({ region: REGION, credentials });
const iam = new IAMClient({ region: REGION, credentials });
const cloudtrail = new CloudTrailClient({ region: REGION, credentials });
const sesMock = mockClient(sesv2);
const iamMock = mockClient(iam);
const cloudtrailMock = mockClient(cloudtrail);

/** CloudTrail's event history: the changes a test plans from are recorded there as they were delivered. */
const recorded = new Map<string, Change>();
function record(change: Change): void {
  recorded.set(change.eventId, change);
}

beforeEach(() => {
  sesMock.reset();
  iamMock.reset();
  cloudtrailMock.reset();
  recorded.clear();
  iamMock.on(ListPolicyVersionsCommand).resolves({ Versions: [{ VersionId: 'v1', IsDefaultVersion: true }] });
  cloudtrailMock.on(LookupEventsCommand).callsFake(async (input: { LookupAttributes?: Array<{ AttributeValue?: string }> }) => {
    const change = recorded.get(input.LookupAttributes?.[0]?.AttributeValue ?? '');
    if (!change) return { Events: [] };
    const { actor } = change;
    const userIdentity = { type: actor.type, arn: actor.arn, ...(actor.sessionIssuerArn && { sessionContext: { sessionIssuer: { arn: actor.sessionIssuerArn } } }) };
    const detail = { eventID: change.eventId, eventName: change.eventName, eventSource: change.eventSource, eventTime: change.eventTime, awsRegion: change.region, recipientAccountId: change.accountId, userIdentity };
    return { Events: [{ EventId: change.eventId, CloudTrailEvent: JSON.stringify(detail) }] };
  });
});

const senders = () => allSenders({ sesv2, iam, cloudtrail, verify: { delays: [] } });

/** Every command sent, across both clients, in the order it was sent: [operation, input]. */
function sent(): Array<[string, unknown]> {
  return [...sesMock.calls(), ...iamMock.calls()]
    .sort((a, b) => (a.calledBefore(b) ? -1 : 1))
    .map((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: unknown };
      return [command.constructor.name.replace(/Command$/, ''), command.input];
    });
}

const clock = () => new Date(NOW.getTime() + 1000);
/** Retries and re-reads wait between tries; a test need not. */
const noWait = async (): Promise<void> => undefined;

/** Plans, then executes against the mocks. `rereads` are the states returned by successive re-reads. */
async function planAndRun(input: TestPlanInput, rereads: ResourceState[] = [input.state]): Promise<{ plan: Plan; report: ExecutionReport; reread: ReturnType<typeof vi.fn> }> {
  const plan = planFor(input);
  let i = 0;
  const reread = vi.fn(async () => {
    const state = rereads[Math.min(i, rereads.length - 1)];
    i += 1;
    if (!state) throw new Error('no state to re-read');
    return state;
  });
  record(input.change);
  const report = await executePlan(plan, { senders: senders(), documentOf, reread, judge: input.judge, now: clock, planned: input.state, sleep: noWait });
  return { plan, report, reread };
}

function baseInput(overrides: Partial<TestPlanInput> & Pick<TestPlanInput, 'change' | 'state' | 'judge'>): TestPlanInput {
  const findings = overrides.findings ?? overrides.judge(overrides.state);
  return { config: config(), now: NOW, ownRoleArns: OWN_ROLES, ...overrides, findings };
}

const mixedDocument = policyText(trustedStatement, anyoneStatement);
const goodDocument = policyText(trustedStatement);
const baselineOf = (document: string) => ({ resourceId: 'x', document, eventId: 'evt-0', recordedAt: '2026-11-01T00:00:00.000Z' });
const managedArn = `arn:aws:iam::${ACCOUNT}:policy/ses-helpers`;
const fiveVersions = [
  policyVersion('v5', true, sesAdminDocument, '2026-11-24T09:59:00Z'),
  policyVersion('v4', false, sendOnlyDocument, '2026-10-01T00:00:00Z'),
  policyVersion('v3', false, sesAdminDocument, '2026-09-01T00:00:00Z'),
  policyVersion('v2', false, sendOnlyDocument, '2026-08-01T00:00:00Z'),
  policyVersion('v1', false, sendOnlyDocument, '2026-07-01T00:00:00Z'),
];
/** Five versions none of which is compliant: the repair strips into a new version after making room. */
const mixedAdmin = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:Get*', Resource: '*' }, { Effect: 'Allow', Action: 'ses:*', Resource: '*' }] });

interface StrategyCase {
  name: string;
  input: () => TestPlanInput;
  strategy: Plan['strategy'];
  sent: Array<[string, unknown]>;
}

const strategyCases: StrategyCase[] = [
  {
    name: 'SES-IDP-001 revert: a compliant baseline is written back with UpdateEmailIdentityPolicy (SESv2 has no Put)',
    input: () => {
      const cfg = config();
      const baseline = JSON.stringify({ Version: '2012-10-17', Statement: [trustedStatement] }, null, 2);
      return baseInput({ change: identityPolicyChange(), state: identityPolicyState(mixedDocument), judge: identityPolicyJudge(cfg), config: cfg, baseline: baselineOf(baseline) });
    },
    strategy: 'revert',
    sent: [['UpdateEmailIdentityPolicy', { EmailIdentity: 'example.com', PolicyName: 'delegated-sending', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [trustedStatement] }, null, 2) }]],
  },
  {
    name: 'SES-IDP-001 revert without a baseline strips the offending statement and keeps the rest as written',
    input: () => baseInput({ change: identityPolicyChange(), state: identityPolicyState(mixedDocument), judge: identityPolicyJudge(config()) }),
    strategy: 'strip',
    sent: [['UpdateEmailIdentityPolicy', { EmailIdentity: 'example.com', PolicyName: 'delegated-sending', Policy: goodDocument }]],
  },
  {
    name: 'SES-IDP-001 revert with a baseline that today\'s rules reject strips instead',
    input: () => baseInput({ change: identityPolicyChange(), state: identityPolicyState(mixedDocument), judge: identityPolicyJudge(config()), baseline: baselineOf(policyText(trustedStatement, foreignStatement)) }),
    strategy: 'strip',
    sent: [['UpdateEmailIdentityPolicy', { EmailIdentity: 'example.com', PolicyName: 'delegated-sending', Policy: goodDocument }]],
  },
  {
    name: 'SES-IDP-001/002: when every statement violates, the policy is deleted',
    input: () => baseInput({ change: identityPolicyChange(), state: identityPolicyState(policyText(anyoneStatement, foreignStatement)), judge: identityPolicyJudge(config()) }),
    strategy: 'delete',
    sent: [['DeleteEmailIdentityPolicy', { EmailIdentity: 'example.com', PolicyName: 'delegated-sending' }]],
  },
  {
    name: 'config action delete deletes the policy even when a compliant statement remains',
    input: () => {
      const cfg = config({ rules: { 'SES-IDP-001': { action: 'delete' } } });
      return baseInput({ change: identityPolicyChange(), state: identityPolicyState(mixedDocument), judge: identityPolicyJudge(cfg), config: cfg });
    },
    strategy: 'delete',
    sent: [['DeleteEmailIdentityPolicy', { EmailIdentity: 'example.com', PolicyName: 'delegated-sending' }]],
  },
  {
    name: 'a stripped document that is still noncompliant as a whole falls back to delete',
    input: () => {
      const cfg = config();
      const judge = identityPolicyJudge(cfg, { wholeDocumentWhen: (s) => (s.rawDocument ?? '').includes('TrustedSender') && !(s.rawDocument ?? '').includes('Anyone') });
      return baseInput({ change: identityPolicyChange(), state: identityPolicyState(mixedDocument), judge, findings: identityPolicyJudge(cfg)(identityPolicyState(mixedDocument)) });
    },
    strategy: 'delete',
    sent: [['DeleteEmailIdentityPolicy', { EmailIdentity: 'example.com', PolicyName: 'delegated-sending' }]],
  },
  {
    name: 'SES-EVD-001 with a compliant previous definition restores it (UpdateConfigurationSetEventDestination replaces the whole definition)',
    input: () => baseInput({ change: eventDestinationChange(), state: eventDestinationState(foreignSnsDestination), judge: eventDestinationJudge(config()), baseline: baselineOf(JSON.stringify(ownSnsDestination)) }),
    strategy: 'restore-destination',
    sent: [
      [
        'UpdateConfigurationSetEventDestination',
        {
          ConfigurationSetName: 'transactional',
          EventDestinationName: 'to-sns',
          EventDestination: { Enabled: true, MatchingEventTypes: ['BOUNCE', 'COMPLAINT'], SnsDestination: { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mail-events` } },
        },
      ],
    ],
  },
  {
    name: 'SES-EVD-001 remove-destination without a baseline deletes the destination',
    input: () => baseInput({ change: eventDestinationChange(), state: eventDestinationState(foreignSnsDestination), judge: eventDestinationJudge(config()) }),
    strategy: 'remove-destination',
    sent: [['DeleteConfigurationSetEventDestination', { ConfigurationSetName: 'transactional', EventDestinationName: 'to-sns' }]],
  },
  {
    name: 'SES-EVD-001 with eventDestinationRemoval: disable sends the same definition with Enabled=false',
    input: () => {
      const cfg = config({ eventDestinationRemoval: 'disable' });
      return baseInput({ change: eventDestinationChange(), state: eventDestinationState(foreignSnsDestination), judge: eventDestinationJudge(cfg), config: cfg });
    },
    strategy: 'disable-destination',
    sent: [
      [
        'UpdateConfigurationSetEventDestination',
        {
          ConfigurationSetName: 'transactional',
          EventDestinationName: 'to-sns',
          EventDestination: { Enabled: false, MatchingEventTypes: ['SEND', 'BOUNCE'], SnsDestination: { TopicArn: `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:exfil` } },
        },
      ],
    ],
  },
  {
    name: 'SES-CVE-002 revert with a compliant baseline restores the template',
    input: () => baseInput({ change: templateChange(), state: templateState(phishingTemplate), judge: templateJudge(config()), baseline: baselineOf(JSON.stringify(goodTemplate)) }),
    strategy: 'revert-template',
    sent: [
      [
        'UpdateCustomVerificationEmailTemplate',
        {
          TemplateName: 'welcome',
          FromEmailAddress: 'verify@example.com',
          TemplateSubject: 'Please verify',
          TemplateContent: '<p>Click the link</p>',
          SuccessRedirectionURL: 'https://example.com/verified',
          FailureRedirectionURL: 'https://example.com/failed',
        },
      ],
    ],
  },
  {
    name: 'SES-CVE-002 revert without a usable baseline deletes the template (a phishing redirect must not stay)',
    input: () => baseInput({ change: templateChange(), state: templateState(phishingTemplate), judge: templateJudge(config()), baseline: baselineOf(JSON.stringify(phishingTemplate)) }),
    strategy: 'delete',
    sent: [['DeleteCustomVerificationEmailTemplate', { TemplateName: 'welcome' }]],
  },
  {
    name: 'SES-CVE-001 quarantine of an IAM user attaches the deny policy to the user (name without its path)',
    input: () => baseInput({ change: sendChange(userActor), state: { kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'victim@example.org' }, judge: sendJudge(userActor) }),
    strategy: 'quarantine',
    sent: [['AttachUserPolicy', { UserName: 'mallory', PolicyArn: QUARANTINE_ARN }]],
  },
  {
    name: "SES-CVE-001 quarantine of an assumed role attaches to the role and revokes sessions issued before now (aws:TokenIssueTime) with the guard's own managed policy",
    input: () => baseInput({ change: sendChange(roleActor), state: { kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'victim@example.org' }, judge: sendJudge(roleActor) }),
    strategy: 'quarantine',
    sent: [
      ['AttachRolePolicy', { RoleName: 'ci-deployer', PolicyArn: QUARANTINE_ARN }],
      ['ListPolicyVersions', { PolicyArn: `${QUARANTINE_ARN}-revoke-sessions` }],
      [
        'CreatePolicyVersion',
        {
          PolicyArn: `${QUARANTINE_ARN}-revoke-sessions`,
          SetAsDefault: true,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'RevokeOlderSessions', Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': NOW.toISOString() } } }],
          }),
        },
      ],
      ['AttachRolePolicy', { RoleName: 'ci-deployer', PolicyArn: `${QUARANTINE_ARN}-revoke-sessions` }],
    ],
  },
  ...(['user', 'role', 'group'] as const).map(
    (type): StrategyCase => ({
      name: `IAM-SES-001 attach to a ${type}: Detach${type[0]?.toUpperCase()}${type.slice(1)}Policy undoes it`,
      input: () => {
        const cfg = config();
        return baseInput({
          change: iamChange({ operation: 'attach', principal: { type, name: 'target' }, policyArn: managedArn }),
          state: iamState(policyInEffect(managedArn, sesAdminDocument, { versionId: 'v1' }), [`arn:aws:iam::${ACCOUNT}:user/target`]),
          judge: iamJudge(cfg),
          config: cfg,
        });
      },
      strategy: 'revert-grant',
      sent: [[`Detach${type[0]?.toUpperCase()}${type.slice(1)}Policy`, { [`${type[0]?.toUpperCase()}${type.slice(1)}Name`]: 'target', PolicyArn: managedArn }]],
    }),
  ),
  {
    name: 'IAM-SES-001 attach of an AWS managed policy is detached (it can only be detached)',
    input: () => {
      const cfg = config();
      const arn = 'arn:aws:iam::aws:policy/AmazonSESFullAccess';
      return baseInput({ change: iamChange({ operation: 'attach', principal: { type: 'role', name: 'app' }, policyArn: arn }), state: iamState(policyInEffect(arn, sesAdminDocument), [`arn:aws:iam::${ACCOUNT}:role/app`]), judge: iamJudge(cfg), config: cfg });
    },
    strategy: 'revert-grant',
    sent: [['DetachRolePolicy', { RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/AmazonSESFullAccess' }]],
  },
  {
    // Issue 11: no inline policy is written back any more (PutUserPolicy could write any document).
    name: 'IAM-SES-001 put-inline, even with a compliant baseline: perimeter-deny is attached to the user, nothing is written',
    input: () => {
      const cfg = config();
      const source = 'inline:user/bob/ses';
      return baseInput({
        change: iamChange({ operation: 'put-inline', principal: { type: 'user', name: 'bob' }, policyName: 'ses' }),
        state: iamState(policyInEffect(source, sesAdminDocument), [`arn:aws:iam::${ACCOUNT}:user/bob`]),
        judge: iamJudge(cfg),
        config: cfg,
        baseline: baselineOf(encodeURIComponent(sendOnlyDocument)),
      });
    },
    strategy: 'perimeter-deny',
    sent: [['AttachUserPolicy', { UserName: 'bob', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny` }]],
  },
  {
    name: 'IAM-SES-001 new inline policy: perimeter-deny on the role (the delete is only its fallback when the quota is full)',
    input: () => {
      const cfg = config();
      return baseInput({
        change: iamChange({ operation: 'put-inline', principal: { type: 'role', name: 'app' }, policyName: 'ses' }),
        state: iamState(policyInEffect('inline:role/app/ses', sesAdminDocument), [`arn:aws:iam::${ACCOUNT}:role/app`]),
        judge: iamJudge(cfg),
        config: cfg,
      });
    },
    strategy: 'perimeter-deny',
    sent: [['AttachRolePolicy', { RoleName: 'app', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny` }]],
  },
  {
    name: 'IAM-SES-001 create-version as default with five versions: set the previous default (v4) back, then delete v5',
    input: () => {
      const cfg = config();
      return baseInput({
        change: iamChange({ operation: 'create-version', policyArn: managedArn, versionId: 'v5', setAsDefault: true }),
        state: iamState(policyInEffect(managedArn, sesAdminDocument, { versionId: 'v5' }), [`arn:aws:iam::${ACCOUNT}:user/bob`], fiveVersions),
        judge: iamJudge(cfg),
        config: cfg,
      });
    },
    strategy: 'revert-grant',
    sent: [
      ['SetDefaultPolicyVersion', { PolicyArn: managedArn, VersionId: 'v4' }],
      ['DeletePolicyVersion', { PolicyArn: managedArn, VersionId: 'v5' }],
    ],
  },
  {
    // Issue 11: no version of a customer policy is written any more (CreatePolicyVersion could write any document).
    name: 'IAM-SES-001 create-version with no compliant version: perimeter-deny on the user who gains, no version written',
    input: () => {
      const cfg = config();
      return baseInput({
        change: iamChange({ operation: 'create-version', policyArn: managedArn, versionId: 'v2', setAsDefault: true }),
        state: iamState(policyInEffect(managedArn, mixedAdmin, { versionId: 'v2' }), [`arn:aws:iam::${ACCOUNT}:user/bob`], [
          policyVersion('v2', true, mixedAdmin),
          policyVersion('v1', false, sesAdminDocument),
        ]),
        judge: iamJudge(cfg),
        config: cfg,
      });
    },
    strategy: 'perimeter-deny',
    sent: [['AttachUserPolicy', { UserName: 'bob', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny` }]],
  },
  {
    name: 'IAM-SES-001 set-default-version with one other version: that version is the previous default and is set back',
    input: () => {
      const cfg = config();
      return baseInput({
        change: iamChange({ operation: 'set-default-version', policyArn: managedArn, versionId: 'v1' }),
        state: iamState(policyInEffect(managedArn, sesAdminDocument, { versionId: 'v1' }), [`arn:aws:iam::${ACCOUNT}:user/bob`], [
          policyVersion('v2', false, sendOnlyDocument),
          policyVersion('v1', true, sesAdminDocument),
        ]),
        judge: iamJudge(cfg),
        config: cfg,
      });
    },
    strategy: 'revert-grant',
    sent: [['SetDefaultPolicyVersion', { PolicyArn: managedArn, VersionId: 'v2' }]],
  },
  {
    name: 'IAM-SES-001 add-to-group: RemoveUserFromGroup undoes the membership',
    input: () => {
      const cfg = config();
      return baseInput({
        change: iamChange({ operation: 'add-to-group', groupName: 'ses-admins', userName: 'bob' }),
        state: iamState(policyInEffect(managedArn, sesAdminDocument, { viaGroup: 'ses-admins' }), [`arn:aws:iam::${ACCOUNT}:user/bob`]),
        judge: iamJudge(cfg),
        config: cfg,
      });
    },
    strategy: 'revert-grant',
    sent: [['RemoveUserFromGroup', { GroupName: 'ses-admins', UserName: 'bob' }]],
  },
];

describe('executePlan: enforce sends exactly the commands each strategy needs', () => {
  it.each(strategyCases)('$name', async ({ input, strategy, sent: expected }) => {
    const planInput = input();
    const { plan, report } = await planAndRun(planInput);
    expect(plan.strategy).toBe(strategy);
    expect(sent()).toEqual(expected);
    expect(report.results.map((r) => r.outcome)).toEqual(plan.steps.map(() => 'done'));
    // Every command is one the step type declares, so the deployment's role allows it.
    const declared = plan.steps.flatMap((s) => commandsOf(s.action.type));
    for (const [operation] of sent()) expect(declared.some((d) => d.endsWith(`:${operation}`))).toBe(true);
  });
});

describe('executePlan: actors that are never quarantined', () => {
  const admin = config({ adminPrincipals: [`arn:aws:iam::${ACCOUNT}:role/automation/ci-*`] });
  const exempt = config({ exemptions: [{ resource: `arn:aws:iam::${ACCOUNT}:user/dev/*`, rules: ['SES-CVE-001'], expires: '2027-01-31', reason: 'break-glass user for the migration' }] });
  const ownRole = { ...roleActor, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/sesguard-prod-identity-policy-us-east-1/lambda`, sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/sesguard-prod-identity-policy-us-east-1` };
  const cases = [
    { name: "the guard's own role (quarantining it would disarm the guard)", actor: ownRole, cfg: config(), reason: /guard's own roles/ },
    { name: 'the account root (IAM policies cannot restrict it)', actor: { type: 'Root' as const, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT }, cfg: config(), reason: /account root/ },
    { name: 'an adminPrincipals match on the session issuer', actor: roleActor, cfg: admin, reason: /administrator/ },
    { name: 'a principal under an active exemption', actor: userActor, cfg: exempt, reason: /exempt from SES-CVE-001 until 2027-01-31 \(break-glass user/ },
    { name: 'a federated user session', actor: { type: 'FederatedUser' as const, arn: `arn:aws:sts::${ACCOUNT}:federated-user/x`, accountId: ACCOUNT }, cfg: config(), reason: /federated/ },
    { name: 'an AWS service', actor: { type: 'AWSService' as const, invokedBy: 'ses.amazonaws.com' }, cfg: config(), reason: /AWS service/ },
    { name: 'a role in another account', actor: { ...roleActor, accountId: OTHER_ACCOUNT, sessionIssuerArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/x` }, cfg: config(), reason: /belongs to account 999988887777/ },
    { name: 'a service-linked role', actor: { ...roleActor, sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ses.amazonaws.com/AWSServiceRoleForSES` }, cfg: config(), reason: /service-linked/ },
  ];
  it.each(cases)('never quarantines $name: nothing is sent and the finding is reported with the reason', async ({ actor, cfg, reason }) => {
    const input = baseInput({ change: sendChange(actor), state: { kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'v@example.org' }, judge: () => [], findings: [quarantineFinding(actor)], config: cfg });
    const { plan, report, reread } = await planAndRun(input);
    expect(plan.steps).toEqual([]);
    expect(plan.strategy).toBe('alert-only');
    expect(plan.notRepaired).toEqual([{ ruleId: 'SES-CVE-001', reason: expect.stringMatching(reason) }]);
    expect(report.results).toEqual([]);
    expect(reread).not.toHaveBeenCalled();
    expect(sent()).toEqual([]);
  });
});

describe('executePlan: re-read, failures, dependencies and dry-run', () => {
  const cfg = config();
  const stripInput = () => baseInput({ change: identityPolicyChange(), state: identityPolicyState(mixedDocument), judge: identityPolicyJudge(cfg), config: cfg });

  it('does nothing when the state re-read before writing is now compliant (DESIGN §4: events arrive late and out of order)', async () => {
    const { plan, report } = await planAndRun(stripInput(), [identityPolicyState(goodDocument)]);
    expect(plan.steps).toHaveLength(1);
    expect(sent()).toEqual([]);
    expect(report.results).toEqual([{ stepId: 's1', action: 'ses.put-identity-policy', outcome: 'skipped', detail: 'state changed since it was read and is now compliant', at: clock().toISOString() }]);
    expect(report.rereadCompliant).toBe(true);
    expect(report.after).toEqual(identityPolicyState(goodDocument));
  });

  it('still quarantines the actor when the resource became compliant meanwhile: a later fix does not undo what the actor did', async () => {
    const withQuarantine = config({ rules: { 'SES-IDP-002': { action: 'quarantine' } } });
    const state = identityPolicyState(policyText(trustedStatement, anyoneStatement, foreignStatement));
    const input = baseInput({ change: identityPolicyChange(userActor), state, judge: identityPolicyJudge(withQuarantine), config: withQuarantine });
    const { plan, report } = await planAndRun(input, [identityPolicyState(goodDocument)]);
    expect(plan.steps.map((s) => s.action.type)).toEqual(['ses.put-identity-policy', 'cloudtrail.verify-event', 'iam.attach-quarantine-policy']);
    expect(sent()).toEqual([['AttachUserPolicy', { UserName: 'mallory', PolicyArn: QUARANTINE_ARN }]]);
    expect(report.results.map((r) => [r.outcome, r.detail])).toEqual([
      ['skipped', 'state changed since it was read and is now compliant'],
      ['done', undefined],
      ['done', undefined],
    ]);
  });

  it('does not overwrite a newer noncompliant change with a plan made from the older reading: that change is judged on its own event', async () => {
    const newer = identityPolicyState(policyText(anyoneStatement, trustedStatement, foreignStatement));
    const { plan, report } = await planAndRun(stripInput(), [newer]);
    expect(plan.steps).toHaveLength(1);
    expect(sent()).toEqual([]);
    expect(report.results.map((r) => [r.outcome, r.detail])).toEqual([
      ['skipped', 'state changed again since it was read and is still noncompliant: the newer change is judged on its own event, not overwritten from an older reading'],
    ]);
    expect(report.after).toEqual(newer);
  });

  it('treats a policy deleted in the meantime as compliant: nothing is sent', async () => {
    await planAndRun(stripInput(), [identityPolicyState(null)]);
    expect(sent()).toEqual([]);
  });

  it('re-reads after the repair and reports the final state and whether it is compliant', async () => {
    const { report, reread } = await planAndRun(stripInput(), [identityPolicyState(mixedDocument), identityPolicyState(goodDocument)]);
    expect(reread).toHaveBeenCalledTimes(2);
    expect(report.rereadCompliant).toBe(true);
    expect(report.after).toEqual(identityPolicyState(goodDocument));
  });

  it('reports a final state that is still noncompliant (someone changed it again) as not compliant', async () => {
    const { report } = await planAndRun(stripInput(), [identityPolicyState(mixedDocument), identityPolicyState(mixedDocument)]);
    expect(report.results[0]?.outcome).toBe('done');
    expect(report.rereadCompliant).toBe(false);
  });

  it('goes ahead when the re-read before writing fails, and says so', async () => {
    const plan = planFor(stripInput());
    const reread = vi.fn<() => Promise<ResourceState>>().mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).mockResolvedValue(identityPolicyState(goodDocument));
    const report = await executePlan(plan, { senders: senders(), documentOf, reread, judge: identityPolicyJudge(cfg), now: clock, sleep: noWait });
    expect(sent().map(([op]) => op)).toEqual(['UpdateEmailIdentityPolicy']);
    expect(report.notes).toEqual(['could not re-read the state before writing: ThrottlingException: Rate exceeded', 'the repair went ahead on the state read when the event arrived']);
    expect(report.rereadCompliant).toBe(true);
  });

  it('records a failed step with the AWS error name and message and still attempts independent steps', async () => {
    iamMock.on(AttachRolePolicyCommand).rejects(Object.assign(new Error('User is not authorized to perform: iam:AttachRolePolicy'), { name: 'AccessDenied' }));
    const input = baseInput({ change: sendChange(roleActor), state: { kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'v@example.org' }, judge: sendJudge(roleActor) });
    const { report } = await planAndRun(input);
    expect(sent().map(([op]) => op)).toEqual(['AttachRolePolicy', 'ListPolicyVersions', 'CreatePolicyVersion', 'AttachRolePolicy']);
    expect(report.results.map((r) => [r.stepId, r.outcome, r.detail])).toEqual([
      ['s1', 'done', undefined],
      ['s2', 'failed', 'AccessDenied: User is not authorized to perform: iam:AttachRolePolicy'],
      ['s3', 'failed', 'AccessDenied: User is not authorized to perform: iam:AttachRolePolicy'],
    ]);
  });

  it('skips deleting a policy version when moving the default away from it failed (IAM cannot delete the default version)', async () => {
    iamMock.on(SetDefaultPolicyVersionCommand).rejects(Object.assign(new Error('not authorized to perform: iam:SetDefaultPolicyVersion'), { name: 'AccessDenied' }));
    const input = baseInput({
      change: iamChange({ operation: 'create-version', policyArn: managedArn, versionId: 'v5', setAsDefault: true }),
      state: iamState(policyInEffect(managedArn, sesAdminDocument, { versionId: 'v5' }), [`arn:aws:iam::${ACCOUNT}:user/bob`], fiveVersions),
      judge: iamJudge(cfg),
    });
    const { plan, report } = await planAndRun(input);
    expect(plan.steps[1]?.dependsOn).toEqual(['s1']);
    expect(sent().map(([op]) => op)).toEqual(['SetDefaultPolicyVersion']);
    expect(report.results.map((r) => [r.outcome, r.detail])).toEqual([
      ['failed', 'AccessDenied: not authorized to perform: iam:SetDefaultPolicyVersion'],
      ['skipped', 'depends on step s1 (iam.set-default-policy-version), which was failed'],
    ]);
  });

  it.each<{ name: string; arrange: () => void; action: AnyAction; detail: string }>([
    {
      name: 'SESv2 NotFoundException on DeleteEmailIdentityPolicy',
      arrange: () => sesMock.on(DeleteEmailIdentityPolicyCommand).rejects(new NotFoundException({ message: 'Policy not found', $metadata: {} })),
      action: { type: 'ses.delete-identity-policy', identity: 'example.com', policyName: 'p' },
      detail: 'already gone: AWS answered NotFoundException: Policy not found',
    },
    {
      name: 'SESv2 NotFoundException on DeleteConfigurationSetEventDestination',
      arrange: () => sesMock.on(DeleteConfigurationSetEventDestinationCommand).rejects(new NotFoundException({ message: 'Event destination to-sns does not exist.', $metadata: {} })),
      action: { type: 'ses.delete-event-destination', configurationSet: 'transactional', destinationName: 'to-sns' },
      detail: 'already gone: AWS answered NotFoundException: Event destination to-sns does not exist.',
    },
    {
      name: 'IAM NoSuchEntity on DeletePolicyVersion',
      arrange: () => iamMock.on(DeletePolicyVersionCommand).rejects(new NoSuchEntityException({ message: 'Policy version v2 does not exist', $metadata: {} })),
      action: { type: 'iam.delete-policy-version', policyArn: managedArn, versionId: 'v2' },
      detail: 'already gone: AWS answered NoSuchEntityException: Policy version v2 does not exist',
    },
  ])('counts $name as done: the thing to remove is already gone', async ({ arrange, action, detail }) => {
    arrange();
    const plan: Plan = { strategy: 'delete', dryRun: false, explanation: 'test', notRepaired: [], steps: [step('s1', action)] };
    const report = await executePlan(plan, { senders: senders(), documentOf, reread: async () => identityPolicyState(mixedDocument), judge: identityPolicyJudge(cfg), now: clock, sleep: noWait });
    expect(report.results).toEqual([{ stepId: 's1', action: action.type, outcome: 'done', detail, at: clock().toISOString() }]);
  });

  it('a quarantined sender re-reads as compliant: the send stays a send, and quarantine was the answer', async () => {
    const input = baseInput({ change: sendChange(userActor), state: { kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'v@example.org' }, judge: sendJudge(userActor) });
    const { report, reread } = await planAndRun(input);
    expect(reread).toHaveBeenCalledTimes(2);
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(report.rereadCompliant).toBe(true);
  });

  it('does not treat NotFound on a write as done: restoring a policy that vanished is a failure to report', async () => {
    sesMock.on(UpdateEmailIdentityPolicyCommand).rejects(new NotFoundException({ message: 'Identity example.com does not exist', $metadata: {} }));
    const { report } = await planAndRun(stripInput());
    expect(report.results[0]).toMatchObject({ outcome: 'failed', detail: 'NotFoundException: Identity example.com does not exist' });
  });

  it('dry-run sends nothing, reads nothing and marks every planned step would-do', async () => {
    const dry = config({ mode: 'dry-run' });
    const input = baseInput({
      change: iamChange({ operation: 'create-version', policyArn: managedArn, versionId: 'v5', setAsDefault: true }),
      state: iamState(policyInEffect(managedArn, sesAdminDocument, { versionId: 'v5' }), [`arn:aws:iam::${ACCOUNT}:user/bob`], fiveVersions),
      judge: iamJudge(dry),
      config: dry,
    });
    const { plan, report, reread } = await planAndRun(input);
    expect(plan.dryRun).toBe(true);
    expect(plan.explanation).toMatch(/^Dry-run: nothing is changed/);
    expect(sent()).toEqual([]);
    expect(reread).not.toHaveBeenCalled();
    expect(report).toEqual({
      results: [
        { stepId: 's1', action: 'iam.set-default-policy-version', outcome: 'would-do', detail: 'dry-run: not sent', at: clock().toISOString() },
        { stepId: 's2', action: 'iam.delete-policy-version', outcome: 'would-do', detail: 'dry-run: not sent', at: clock().toISOString() },
      ],
      rereadCompliant: false,
    });
  });

  it('a write AWS accepted but the re-read still shows open is not compliant: re-read until the re-reads run out, and say what is open', async () => {
    // DeleteEmailIdentityPolicy answers 200, yet SES still returns the public statement on every re-read.
    const { report, reread } = await planAndRun(stripInput(), [identityPolicyState(mixedDocument)]);
    expect(report.results.map((r) => r.outcome)).toEqual(['done']);
    // One read before writing, then VERIFY_REREADS.attempts re-reads (IAM and SES are eventually consistent).
    expect(reread).toHaveBeenCalledTimes(1 + VERIFY_REREADS.attempts);
    expect(report.rereadCompliant).toBe(false);
    expect(report.verification).toEqual({ status: 'open', findings: [expect.objectContaining({ ruleId: 'SES-IDP-001', statement: { index: 1, sid: 'Anyone' } })] });
  });

  it('an eventually consistent re-read: still open once, compliant on the next try, is compliant', async () => {
    const { report, reread } = await planAndRun(stripInput(), [identityPolicyState(mixedDocument), identityPolicyState(mixedDocument), identityPolicyState(goodDocument)]);
    expect(reread).toHaveBeenCalledTimes(3);
    expect(report.verification).toEqual({ status: 'compliant' });
    expect(report.rereadCompliant).toBe(true);
  });

  it('a re-read after the repair that keeps failing leaves the repair unverified, never compliant', async () => {
    const plan = planFor(stripInput());
    const reread = vi.fn<() => Promise<ResourceState>>().mockResolvedValueOnce(identityPolicyState(mixedDocument)).mockRejectedValue(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const report = await executePlan(plan, { senders: senders(), documentOf, reread, judge: identityPolicyJudge(cfg), now: clock, sleep: noWait });
    expect(report.verification).toEqual({ status: 'unverified', why: 'could not re-read the state after the repair: TooManyRequestsException: Rate exceeded' });
    expect(report.rereadCompliant).toBe(false);
    expect(report.notes).toEqual(['could not re-read the state after the repair: TooManyRequestsException: Rate exceeded']);
  });

  it('says it was a race when every resource step was skipped because the state changed since it was read', async () => {
    const now = await planAndRun(stripInput(), [identityPolicyState(goodDocument)]);
    expect(now.report.race).toEqual({ kind: 'now-compliant', detail: 'state changed since it was read and is now compliant' });
    expect(now.report.verification).toBeUndefined();
    const again = await planAndRun(stripInput(), [identityPolicyState(policyText(anyoneStatement, trustedStatement, foreignStatement))]);
    expect(again.report.race).toMatchObject({ kind: 'changed-again' });
  });

  it('retries a throttled step with backoff and counts it done when a later try succeeds', async () => {
    const waits: number[] = [];
    sesMock.on(UpdateEmailIdentityPolicyCommand).rejectsOnce(Object.assign(new Error('Too many requests'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).resolves({});
    const plan = planFor(stripInput());
    const report = await executePlan(plan, {
      senders: senders(),
      documentOf,
      reread: vi.fn<() => Promise<ResourceState>>().mockResolvedValueOnce(identityPolicyState(mixedDocument)).mockResolvedValue(identityPolicyState(goodDocument)),
      judge: identityPolicyJudge(cfg),
      now: clock,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(sent().map(([op]) => op)).toEqual(['UpdateEmailIdentityPolicy', 'UpdateEmailIdentityPolicy']);
    expect(report.results).toEqual([expect.objectContaining({ outcome: 'done', detail: 'done on try 2, after transient failures' })]);
    expect(report.transientFailures).toBeUndefined();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(STEP_RETRY.baseDelayMs);
  });

  it('a step still throttled after every try fails transiently: the report says so, so the invocation fails and is retried', async () => {
    sesMock.on(UpdateEmailIdentityPolicyCommand).rejects(Object.assign(new Error('Too many requests'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }));
    const { report } = await planAndRun(stripInput());
    expect(sent().map(([op]) => op)).toEqual(Array.from({ length: STEP_RETRY.attempts }, () => 'UpdateEmailIdentityPolicy'));
    expect(report.results).toEqual([
      expect.objectContaining({ outcome: 'failed', detail: `TooManyRequestsException: Too many requests (transient: still failing after ${STEP_RETRY.attempts} tries; the event is retried)` }),
    ]);
    expect(report.transientFailures).toEqual(['s1 (ses.put-identity-policy): TooManyRequestsException: Too many requests']);
  });

  it('a refusal (AccessDenied) is not retried: retrying cannot change the answer, and the failure is reported at once', async () => {
    sesMock.on(UpdateEmailIdentityPolicyCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 } }));
    const { report } = await planAndRun(stripInput());
    expect(sent().map(([op]) => op)).toEqual(['UpdateEmailIdentityPolicy']);
    expect(report.results).toEqual([expect.objectContaining({ outcome: 'failed', detail: 'AccessDeniedException: not authorized' })]);
    expect(report.transientFailures).toBeUndefined();
  });

  it('an empty plan (everything exempt) reads and sends nothing', async () => {
    const exemptFinding: Finding = { ...quarantineFinding(userActor), exemption: { reason: 'approved', expires: '2027-01-01' } };
    const input = baseInput({ change: sendChange(userActor), state: { kind: 'custom-verification-send', templateName: 'w', emailAddress: 'v@example.org' }, judge: () => [], findings: [exemptFinding] });
    const { report, reread } = await planAndRun(input);
    expect(report).toEqual({ results: [], rereadCompliant: false });
    expect(reread).not.toHaveBeenCalled();
    expect(sent()).toEqual([]);
  });
});

function step(id: string, action: StepAction): PlanStep {
  return { id, action, target: action.type, ruleIds: ['SES-IDP-001'], reason: 'test' };
}

describe('step definitions: the commands each step declares are exactly what it sends', () => {
  const actions: AnyAction[] = [
    { type: 'ses.put-identity-policy', identity: 'example.com', policyName: 'p', document: '{}', op: 'create' },
    { type: 'ses.put-identity-policy', identity: 'example.com', policyName: 'p', document: '{}', op: 'update' },
    { type: 'ses.delete-identity-policy', identity: 'example.com', policyName: 'p' },
    { type: 'ses.delete-event-destination', configurationSet: 'c', destinationName: 'd' },
    { type: 'ses.update-event-destination', configurationSet: 'c', destinationName: 'd', destination: { name: 'd', enabled: false, matchingEventTypes: ['SEND'] } },
    { type: 'ses.update-verification-template', templateName: 't', template: goodTemplate },
    { type: 'ses.delete-verification-template', templateName: 't' },
    ...(['user', 'role', 'group'] as const).flatMap((principalType): AnyAction[] => [
      { type: 'iam.detach-policy', principalType, principalName: 'n', policyArn: managedArn },
      { type: 'iam.attach-perimeter-deny', principalType, principalName: 'n', policyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny` },
      { type: 'iam.delete-inline-policy', principalType, principalName: 'n', policyName: 'p' },
    ]),
    { type: 'iam.set-default-policy-version', policyArn: managedArn, versionId: 'v1' },
    { type: 'iam.delete-policy-version', policyArn: managedArn, versionId: 'v2' },
    { type: 'iam.remove-user-from-group', groupName: 'g', userName: 'u' },
    { type: 'iam.attach-quarantine-policy', principalType: 'user', principalName: 'u', policyArn: QUARANTINE_ARN },
    { type: 'iam.attach-quarantine-policy', principalType: 'role', principalName: 'r', policyArn: QUARANTINE_ARN },
    { type: 'iam.revoke-role-sessions', roleName: 'r', before: NOW.toISOString(), policyArn: `${QUARANTINE_ARN}-revoke-sessions` },
  ];

  it('every step sends only commands declared for its step type, and every declared command is used', async () => {
    const used = new Set<string>();
    const verify: AnyAction = { type: 'cloudtrail.verify-event', ...sendChange(userActor), actor: { type: 'IAMUser', arn: userActor.arn } };
    record(sendChange(userActor));
    // A full IAM policy forces the revoke step to make room first (five versions is IAM's limit).
    iamMock.on(ListPolicyVersionsCommand).resolves({ Versions: ['v1', 'v2', 'v3', 'v4', 'v5'].map((v, i) => ({ VersionId: v, IsDefaultVersion: i === 4, CreateDate: new Date(Date.UTC(2026, 0, i + 1)) })) });
    for (const action of [...actions, verify]) {
      sesMock.resetHistory();
      iamMock.resetHistory();
      cloudtrailMock.resetHistory();
      const plan: Plan = { strategy: 'revert', dryRun: false, explanation: action.type, notRepaired: [], steps: [step('s1', action)] };
      const report = await executePlan(plan, { senders: senders(), documentOf, reread: async () => identityPolicyState(mixedDocument), judge: identityPolicyJudge(config()), now: clock, sleep: noWait });
      expect(report.results.map((r) => r.outcome), action.type).toEqual(['done']);
      const declared = commandsOf(action.type);
      const operations = [...sent().map(([op]) => op), ...cloudtrailMock.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))];
      expect(operations.length, `${action.type} sent nothing`).toBeGreaterThan(0);
      for (const op of operations) {
        const match = declared.find((d) => d.split(':')[1] === op);
        expect(match, `${action.type} sent ${op}, not in ${declared.join(', ')}`).toBeDefined();
        used.add(match ?? '');
      }
    }
    expect([...used].sort()).toEqual([...new Set(STEP_DEFINITIONS.flatMap((d) => d.commands))].sort());
  });
});
