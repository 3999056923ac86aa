/**
 * Test fixtures for the planner and executor: a config, changes, states and small deterministic `judge`
 * fakes standing in for the rule engine. The fakes encode one rule each, close to the real rule's
 * meaning, so a planner test reads as "this document is judged like SES-IDP-001 would judge it".
 */
import { parseConfig } from '../../config/load.ts';
import type { Config, ConfigInput, RuleAction, RuleId } from '../../config/schema.ts';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { VerifyOptions } from '../quarantine/verify-event.ts';
import { madeClient } from '../../aws/lazy-client.ts';
import type { Actor, Change, ChangeBase } from '../../cloudtrail/types.ts';
import { parsePolicy } from '../../policy/index.ts';
import type { Finding, ResourceState } from '../../rules/types.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from '../../families/identity-policy/types.ts';
import type { EventDestination, EventDestinationChange, EventDestinationState } from '../../families/event-destination/types.ts';
import type { CustomVerificationSendChange, VerificationTemplateChange, VerificationTemplateState } from '../../families/custom-verification/types.ts';
import type { IamGrantChange, IamGrantState, IamPolicyInEffect } from '../../families/iam-grant/types.ts';
import { FAMILY_LIST, STEP_DEFINITIONS, type KnownState } from '../../families/index.ts';
import { stateFacet, type Family } from '../../families/family.ts';
import { bindSteps, type StepSenders } from '../step.ts';
import { planRepair, type PlanInput } from '../plan.ts';
import type { Plan } from '../types.ts';

/** The family that reads `state` (the planner and facets a test plan is made with). */
export function familyOf(state: ResourceState): Family {
  const family = FAMILY_LIST.find((f) => Object.hasOwn(f.states, state.kind));
  if (!family) throw new Error(`no family reads state kind ${state.kind}`);
  return family;
}

/** The state's document as its family's facet gives it (what the executor compares). */
export function documentOf(state: ResourceState): string | null {
  return stateFacet(familyOf(state).states, state).document(state);
}

/** planRepair with the planner of the state's family. */
export function planFor(input: TestPlanInput): Plan {
  return planRepair({ ...input, planner: familyOf(input.state) });
}

/** The SDK operations a step type declares (its one definition). */
export function commandsOf(type: string): readonly string[] {
  const definition = STEP_DEFINITIONS.find((d) => d.type === type);
  if (!definition) throw new Error(`no step ${type}`);
  return definition.commands;
}

/** Every family's steps bound to the given clients (what `replay --live --apply` sends with). */
export function allSenders(clients: { sesv2: SESv2Client; iam: IAMClient; cloudtrail: CloudTrailClient; verify?: VerifyOptions }): StepSenders {
  const { iam, cloudtrail } = clients;
  return bindSteps(STEP_DEFINITIONS, { ...clients, actorIam: madeClient(iam), cloudtrail: madeClient(cloudtrail) });
}

/** Fake judges narrow the base state to the states the families read. */
const known = (state: ResourceState): KnownState => state as KnownState;

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '999988887777';
export const REGION = 'us-east-1';
export const NOW = new Date('2026-11-24T10:00:00.000Z');
export const QUARANTINE_ARN = `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine`;
export const OWN_ROLES = [`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-identity-policy-us-east-1`, `arn:aws:iam::${ACCOUNT}:role/sesguard-prod-iam-grant-us-east-1`];

export function config(input: ConfigInput = {}): Config {
  return parseConfig({ mode: 'enforce', trustedAccounts: [ACCOUNT], ...input });
}

export const userActor: Actor = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/dev/mallory`, accountId: ACCOUNT, principalId: 'AIDAEXAMPLE' };
export const roleActor: Actor = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/session-1`,
  accountId: ACCOUNT,
  sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/automation/ci-deployer`,
  sessionCreatedAt: '2026-11-24T09:00:00Z',
};

function base(eventName: string, actor: Actor = userActor): ChangeBase {
  return { eventId: 'evt-1', eventName, eventSource: 'ses.amazonaws.com', eventTime: '2026-11-24T09:59:00Z', region: REGION, accountId: ACCOUNT, actor };
}

export function identityPolicyChange(actor: Actor = userActor): IdentityPolicyChange {
  return { ...base('UpdateEmailIdentityPolicy', actor), family: 'identity-policy', apiVersion: 'v2', operation: 'update', target: { identity: 'example.com', policyName: 'delegated-sending' } };
}

export function identityPolicyState(rawDocument: string | null): IdentityPolicyState {
  const parsed = rawDocument === null ? undefined : parsePolicy(rawDocument);
  if (parsed && !parsed.ok) throw new Error(`fixture document does not parse: ${JSON.stringify(parsed.errors)}`);
  return {
    kind: 'identity-policy',
    identity: 'example.com',
    identityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com`,
    policyName: 'delegated-sending',
    rawDocument,
    document: parsed?.ok ? parsed.policy : null,
  };
}

export const trustedStatement = {
  Sid: 'TrustedSender',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/mailer` },
  Action: 'ses:SendRawEmail',
  Resource: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com`,
  Condition: { StringLike: { 'ses:FromAddress': 'noreply@example.com' } },
};
export const anyoneStatement = { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' };
export const foreignStatement = { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: ['ses:SendEmail'], Resource: '*' };

export function policyText(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function finding(ruleId: RuleId, action: RuleAction, resource: string, reason: string, fix: Finding['fix'], statement?: Finding['statement']): Finding {
  return { ruleId, severity: 'high', action, resource, reason, fix, ...(statement && { statement }) };
}

function actionFor(cfg: Config, ruleId: RuleId, fallback: RuleAction): RuleAction {
  return cfg.rules[ruleId]?.action ?? fallback;
}

/**
 * Like SES-IDP-001/002: an unconditioned Allow to `*` or to a principal of another account is noncompliant
 * (one finding per statement). `wholeDocument` adds a finding that no statement carries, to stand for a
 * document-level judgement.
 */
export function identityPolicyJudge(cfg: Config, options: { wholeDocumentWhen?: (state: IdentityPolicyState) => boolean } = {}) {
  return (s: ResourceState): Finding[] => {
    const state = known(s);
    if (state.kind !== 'identity-policy' || state.document === null) return [];
    const out: Finding[] = [];
    for (const statement of state.document.statements) {
      if (statement.effect !== 'Allow' || statement.conditions.length > 0) continue;
      const ref = { index: statement.index, ...(statement.sid !== undefined && { sid: statement.sid }) };
      const fix = { kind: 'drop-statement' as const, statementIndex: statement.index, ...(statement.sid !== undefined && { sid: statement.sid }) };
      if (statement.principal?.wildcard) {
        out.push(finding('SES-IDP-001', actionFor(cfg, 'SES-IDP-001', 'revert'), state.identityArn, `Statement ${statement.index} allows any principal.`, fix, ref));
      } else if (statement.principal?.AWS.some((p) => !p.includes(ACCOUNT))) {
        out.push(finding('SES-IDP-002', actionFor(cfg, 'SES-IDP-002', 'revert'), state.identityArn, `Statement ${statement.index} allows another account.`, fix, ref));
      }
    }
    if (options.wholeDocumentWhen?.(state)) {
      out.push(finding('SES-IDP-004', actionFor(cfg, 'SES-IDP-004', 'revert'), state.identityArn, 'The document as a whole is judged noncompliant.', { kind: 'none', note: 'fixture' }));
    }
    return out;
  };
}

export function eventDestinationChange(): EventDestinationChange {
  return { ...base('UpdateConfigurationSetEventDestination'), family: 'event-destination', apiVersion: 'v2', operation: 'update', target: { configurationSet: 'transactional', destinationName: 'to-sns' } };
}

export const foreignSnsDestination: EventDestination = {
  name: 'to-sns',
  enabled: true,
  matchingEventTypes: ['SEND', 'BOUNCE'],
  snsDestination: { topicArn: `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:exfil` },
};
export const ownSnsDestination: EventDestination = {
  name: 'to-sns',
  enabled: true,
  matchingEventTypes: ['BOUNCE', 'COMPLAINT'],
  snsDestination: { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mail-events` },
};

export function eventDestinationState(destination: EventDestination | null): EventDestinationState {
  return { kind: 'event-destination', configurationSet: 'transactional', configurationSetArn: `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/transactional`, destination };
}

/** Like SES-EVD-001: an enabled destination delivering to another account. */
export function eventDestinationJudge(cfg: Config) {
  return (s: ResourceState): Finding[] => {
    const state = known(s);
    if (state.kind !== 'event-destination' || state.destination === null || !state.destination.enabled) return [];
    const arns = [state.destination.snsDestination?.topicArn, state.destination.kinesisFirehoseDestination?.iamRoleArn, state.destination.kinesisFirehoseDestination?.deliveryStreamArn].filter(
      (a): a is string => a !== undefined,
    );
    if (arns.every((arn) => arn.includes(`:${ACCOUNT}:`))) return [];
    const fallback: RuleAction = cfg.eventDestinationRemoval === 'disable' ? 'disable-destination' : 'remove-destination';
    return [
      finding('SES-EVD-001', actionFor(cfg, 'SES-EVD-001', fallback), state.configurationSetArn, `Destination ${state.destination.name} delivers to another account.`, {
        kind: 'remove-destination',
        configurationSet: state.configurationSet,
        destinationName: state.destination.name,
      }),
    ];
  };
}

export function templateChange(): VerificationTemplateChange {
  return { ...base('UpdateCustomVerificationEmailTemplate'), family: 'custom-verification', operation: 'update-template', apiVersion: 'v2', target: { templateName: 'welcome' } };
}

export const goodTemplate = {
  fromEmailAddress: 'verify@example.com',
  templateSubject: 'Please verify',
  templateContent: '<p>Click the link</p>',
  successRedirectionURL: 'https://example.com/verified',
  failureRedirectionURL: 'https://example.com/failed',
};
export const phishingTemplate = { ...goodTemplate, successRedirectionURL: 'https://evil.example.net/collect' };

export function templateState(template: VerificationTemplateState['template']): VerificationTemplateState {
  return { kind: 'verification-template', templateName: 'welcome', templateArn: `arn:aws:ses:${REGION}:${ACCOUNT}:custom-verification-email-template/welcome`, template };
}

/** Like SES-CVE-002 with trustedDomains [example.com]. */
export function templateJudge(cfg: Config) {
  return (s: ResourceState): Finding[] => {
    const state = known(s);
    if (state.kind !== 'verification-template' || state.template === null) return [];
    const t = state.template;
    const hosts = [new URL(t.successRedirectionURL).hostname, new URL(t.failureRedirectionURL).hostname, t.fromEmailAddress.split('@')[1] ?? ''];
    if (hosts.every((h) => h === 'example.com')) return [];
    return [finding('SES-CVE-002', actionFor(cfg, 'SES-CVE-002', 'revert'), state.templateArn, 'Template points outside trusted domains.', { kind: 'revert-template', templateName: state.templateName })];
  };
}

export function sendChange(actor: Actor): CustomVerificationSendChange {
  return { ...base('SendCustomVerificationEmail', actor), family: 'custom-verification', operation: 'send', target: { templateName: 'welcome', emailAddress: 'victim@example.org' } };
}

/** Like SES-CVE-001: whoever sent it, when not an administrator, is to be quarantined. */
export function quarantineFinding(actor: Actor, overrides: Partial<Finding> = {}): Finding {
  return {
    ...finding('SES-CVE-001', 'quarantine', actor.arn ?? 'unknown', `${actor.arn ?? 'someone'} sent a custom verification email.`, { kind: 'quarantine-actor', actor }),
    ...overrides,
  };
}

type GrantFields<C> = C extends IamGrantChange ? Omit<C, keyof ChangeBase | 'family'> : never;

export function iamChange(fields: GrantFields<IamGrantChange>): IamGrantChange {
  return { ...base('IamChange'), eventSource: 'iam.amazonaws.com', family: 'iam-grant', ...fields };
}

export const sesAdminDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }] });
export const sendOnlyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } }] });

export function policyInEffect(source: string, rawDocument: string, extra: Partial<IamPolicyInEffect> = {}): IamPolicyInEffect {
  const parsed = parsePolicy(rawDocument);
  return { source, kind: source.startsWith('inline:') ? 'inline' : 'managed', rawDocument, document: parsed.ok ? parsed.policy : null, ...extra };
}

/** A managed policy version with its document (the rollback judges each before restoring it). */
export function policyVersion(versionId: string, isDefault: boolean, rawDocument: string, createDate?: string): NonNullable<IamGrantState['versions']>[number] {
  const parsed = parsePolicy(rawDocument);
  return { versionId, isDefault, ...(createDate !== undefined && { createDate }), rawDocument, document: parsed.ok ? parsed.policy : null };
}

export function iamState(changedPolicy: IamPolicyInEffect | null, principalArns: string[], versions?: IamGrantState['versions']): IamGrantState {
  return {
    kind: 'iam-grant',
    changedPolicy,
    principals: principalArns.map((arn) => {
      const [, kind = 'user', name = ''] = /:(user|role|group)\/(?:.*\/)?([^/]+)$/.exec(arn) ?? [];
      return { principal: { type: kind as 'user' | 'role' | 'group', name }, arn, policies: changedPolicy ? [changedPolicy] : [] };
    }),
    ...(versions && { versions }),
  };
}

/** Like IAM-SES-001: a principal that is not an administrator gains ses:* (or identity-policy writes). */
export function iamJudge(cfg: Config) {
  return (s: ResourceState): Finding[] => {
    const state = known(s);
    if (state.kind !== 'iam-grant' || !state.changedPolicy?.document) return [];
    const changed = state.changedPolicy;
    const grants = (changed.document?.statements ?? []).filter(
      (s) => s.effect === 'Allow' && (s.action ?? []).some((a) => a === 'ses:*' || a.toLowerCase() === 'ses:putidentitypolicy'),
    );
    // A Deny of the perimeter in any of the principal's policies (the guard's perimeter-deny) takes the gain back.
    const denied = (p: (typeof state.principals)[number]) =>
      p.policies.some((policy) => (policy.document?.statements ?? []).some((st) => st.effect === 'Deny' && (st.action ?? []).some((a) => a === 'ses:*' || a.toLowerCase() === 'ses:putidentitypolicy')));
    return state.principals.flatMap((p) =>
      cfg.adminPrincipals.some((pattern) => pattern === p.arn) || denied(p)
        ? []
        : grants.map((s) =>
            finding('IAM-SES-001', actionFor(cfg, 'IAM-SES-001', 'revert'), changed.source, `${p.arn} gains SES perimeter actions.`, { kind: 'revert-grant', policySource: changed.source, principalArn: p.arn, statementIndex: s.index }, { index: s.index }),
          ),
    );
  };
}

/** Like SES-CVE-001 on a send state: the send is an action, so re-reading it finds the same actor again. */
export function sendJudge(actor: Actor) {
  return (state: ResourceState): Finding[] => (known(state).kind === 'custom-verification-send' ? [quarantineFinding(actor)] : []);
}

/** What a test plans from: everything planRepair takes but the planner, which comes from the state's family. */
export type TestPlanInput = Omit<PlanInput<Change, ResourceState>, 'planner' | 'state'> & { state: KnownState };
