import type { BaselineRecord } from '../baseline/types.ts';
import type { Change, IamGrantChange } from '../cloudtrail/types.ts';
import type { Config } from '../config/schema.ts';
import { parsePolicy } from '../policy/parse.ts';
import { matchesAnyArnPattern } from '../policy/wildcard.ts';
import type { Finding } from '../rules/types.ts';
import type { IamGrantState, IamPolicyInEffect, ResourceState } from '../state/types.ts';
import { resourceFindings, describeFindings, uniqueRuleIds } from './compliance.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan } from './draft.ts';
import { describeStatements, stripStatements, UnstrippableDocumentError } from './policy-document.ts';
import { decodePolicyDocumentText } from '../policy/document-text.ts';

export interface IamGrantPlanInput {
  change: Change;
  state: IamGrantState;
  /** Findings to repair: not exempt, not alert-only, not quarantine. */
  findings: Finding[];
  baseline?: BaselineRecord;
  config: Config;
  judge: (state: ResourceState) => Finding[];
}

const SUPPORTED = new Set(['revert', 'strip', 'delete']);
// AWS managed policies live in the `aws` account: a customer can attach and detach them, never edit them.
const AWS_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\//;

type Version = NonNullable<IamGrantState['versions']>[number];

function alertOnly(why: string, findings: Finding[], notRepaired: FamilyPlan['notRepaired']): FamilyPlan {
  return { strategy: 'alert-only', steps: [], explanation: why, notRepaired: [...notRepaired, ...notRepairedAll(findings, why)] };
}

/** Versions newest first: by createDate when every version has one, else in the order IAM listed them (newest first). */
function newestFirst(versions: readonly Version[]): Version[] {
  if (!versions.every((v) => v.createDate !== undefined && !Number.isNaN(Date.parse(v.createDate)))) return [...versions];
  return [...versions].sort((a, b) => Date.parse(b.createDate ?? '') - Date.parse(a.createDate ?? ''));
}

/**
 * IAM-SES-001: undo the grant the change made, exactly — detach the attachment, restore or delete the
 * inline policy, roll the managed policy back to its previous default version, take the user out of the
 * group. Nothing else about the principal is touched. Administrators are never reverted: the rule does
 * not flag them, and the planner checks again because a wrong revert breaks an administrator's access.
 */
export function planIamGrantRepair(input: IamGrantPlanInput): FamilyPlan {
  const { change, state, config } = input;
  const notRepaired: FamilyPlan['notRepaired'] = [];
  const findings: Finding[] = [];
  for (const finding of input.findings) {
    const principalArn = finding.fix.kind === 'revert-grant' ? finding.fix.principalArn : undefined;
    if (!SUPPORTED.has(finding.action)) {
      notRepaired.push({ ruleId: finding.ruleId, reason: `action "${finding.action}" does not apply to an IAM grant; use revert` });
    } else if (matchesAnyArnPattern(config.adminPrincipals, principalArn)) {
      notRepaired.push({ ruleId: finding.ruleId, reason: `${principalArn} is an administrator (adminPrincipals); its grants are never reverted` });
    } else {
      findings.push(finding);
    }
  }
  if (findings.length === 0) {
    return { strategy: 'alert-only', steps: [], explanation: 'No finding on the IAM grant is to be reverted.', notRepaired };
  }
  if (change.family !== 'iam-grant') {
    return alertOnly(`The change (${change.eventName}) is not an IAM grant, so there is no grant to revert.`, findings, notRepaired);
  }
  // A membership is a grant with no changed policy of its own: the group's policies (gainedPolicies) carry it.
  if (state.changedPolicy === null && change.operation !== 'add-to-group') {
    return {
      strategy: 'none',
      steps: [],
      explanation: 'The granting policy is no longer in effect: it is already gone, so there is nothing to repair.',
      notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the granting policy no longer exists')],
    };
  }
  const ruleIds = uniqueRuleIds(findings);
  const step = (action: DraftStep['action'], reason: string, dependsOn?: DraftStep[]): DraftStep => ({ action, ruleIds, reason, ...(dependsOn && { dependsOn }) });
  const plan = (steps: DraftStep[], explanation: string): FamilyPlan => ({ strategy: 'revert-grant', steps, explanation, notRepaired });

  switch (change.operation) {
    case 'attach': {
      const who = `${change.principal.type} ${change.principal.name}`;
      const why = `Detaches ${change.policyArn} from ${who}, undoing the attachment that granted SES perimeter actions.`;
      return plan([step({ type: 'iam.detach-policy', principalType: change.principal.type, principalName: change.principal.name, policyArn: change.policyArn }, why)], why);
    }
    case 'add-to-group': {
      const why = `Removes user ${change.userName} from group ${change.groupName}, undoing the membership that granted SES perimeter actions.`;
      return plan([step({ type: 'iam.remove-user-from-group', groupName: change.groupName, userName: change.userName }, why)], why);
    }
    case 'put-inline':
      if (state.changedPolicy === null) return alertOnly('The inline policy is already gone.', findings, notRepaired);
      return planInlineRepair(input, change, state.changedPolicy, findings, step, plan);
    case 'create-version':
    case 'set-default-version':
      return planVersionRollback(change, state, findings, notRepaired, step, plan);
  }
}

type StepFactory = (action: DraftStep['action'], reason: string, dependsOn?: DraftStep[]) => DraftStep;
type PlanFactory = (steps: DraftStep[], explanation: string) => FamilyPlan;

function planInlineRepair(
  input: IamGrantPlanInput,
  change: Extract<IamGrantChange, { operation: 'put-inline' }>,
  changed: IamPolicyInEffect,
  findings: Finding[],
  step: StepFactory,
  plan: PlanFactory,
): FamilyPlan {
  const { principal, policyName } = change;
  const label = `inline policy "${policyName}" of ${principal.type} ${principal.name}`;
  // The step says what it does; the explanation also says why nothing gentler was possible.
  const remove = (why: string, context: string[] = []): FamilyPlan =>
    plan([step({ type: 'iam.delete-inline-policy', principalType: principal.type, principalName: principal.name, policyName }, why)], [...context, why].join(' '));
  const put = (document: string, why: string): FamilyPlan =>
    plan([step({ type: 'iam.put-inline-policy', principalType: principal.type, principalName: principal.name, policyName, document }, why)], why);

  if (findings.some((f) => f.action === 'delete')) return remove(`Config sets action "delete" for ${uniqueRuleIds(findings).join(', ')}, so the ${label} is deleted.`);

  const notes: string[] = [];
  if (findings.some((f) => f.action === 'revert')) {
    const baseline = input.baseline;
    if (!baseline) {
      notes.push('No last-known-good version of it is recorded (a new inline policy has none).');
    } else {
      const candidate = withInlineDocument(input.state, changed, baseline.document);
      const remaining = candidate ? resourceFindings(input.judge(candidate)) : undefined;
      if (remaining && remaining.length === 0) {
        return put(decodePolicyDocumentText(baseline.document) ?? baseline.document, `Restores the last-known-good ${label} recorded at ${baseline.recordedAt} (event ${baseline.eventId}), which is compliant under today's rules.`);
      }
      notes.push(
        remaining
          ? `The last-known-good version (${baseline.recordedAt}) is not compliant under today's rules (${uniqueRuleIds(remaining).join(', ')}).`
          : `The last-known-good version (${baseline.recordedAt}) does not parse.`,
      );
    }
    return remove(`Deletes the ${label}.`, notes);
  }

  // strip: remove the granting statements, keep the rest when what is left is compliant.
  const indices = new Set(findings.flatMap((f) => (f.fix.kind === 'revert-grant' && f.fix.statementIndex !== undefined ? [f.fix.statementIndex] : f.statement ? [f.statement.index] : [])));
  const listed = describeStatements(indices);
  try {
    const stripped = stripStatements(changed.rawDocument, indices);
    if (stripped.document === null) return remove(`Every statement of the ${label} grants SES perimeter actions, so it is deleted.`);
    const candidate = withInlineDocument(input.state, changed, stripped.document);
    const remaining = candidate ? resourceFindings(input.judge(candidate)) : [];
    if (candidate && remaining.length === 0) return put(stripped.document, `Removes ${listed} from the ${label} and keeps ${stripped.remaining === 1 ? 'the other statement' : `the other ${stripped.remaining} statements`}; the result is compliant.`);
    return remove(`Without ${listed} the ${label} ${candidate ? `still has findings (${describeFindings(remaining)})` : 'does not parse'}, so it is deleted.`);
  } catch (error) {
    if (!(error instanceof UnstrippableDocumentError)) throw error;
    return remove(`Statements cannot be removed from the ${label} because ${error.message}; it is deleted.`);
  }
}

/** The grant state as it would be with the inline policy's document replaced; undefined when it does not parse. */
function withInlineDocument(state: IamGrantState, changed: IamPolicyInEffect, rawDocument: string): IamGrantState | undefined {
  const parsed = parsePolicy(rawDocument);
  if (!parsed.ok) return undefined;
  const replaced: IamPolicyInEffect = { source: changed.source, kind: changed.kind, rawDocument, document: parsed.policy, ...(changed.viaGroup !== undefined && { viaGroup: changed.viaGroup }) };
  return {
    ...state,
    changedPolicy: replaced,
    principals: state.principals.map((p) => ({ ...p, policies: p.policies.map((policy) => (policy.source === changed.source ? replaced : policy)) })),
  };
}

/**
 * A managed policy's bad version. IAM keeps at most five versions and cannot delete the default one, so
 * the default moves back first and the bad version is deleted only once that succeeded.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */
function planVersionRollback(
  change: Extract<IamGrantChange, { operation: 'create-version' | 'set-default-version' }>,
  state: IamGrantState,
  findings: Finding[],
  notRepaired: FamilyPlan['notRepaired'],
  step: StepFactory,
  plan: PlanFactory,
): FamilyPlan {
  const { policyArn } = change;
  if (AWS_MANAGED.test(policyArn)) {
    return alertOnly(`${policyArn} is an AWS managed policy: it can only be detached, never edited, so its versions cannot be rolled back.`, findings, notRepaired);
  }
  const badVersion = change.versionId ?? (change.operation === 'create-version' && change.setAsDefault ? state.changedPolicy?.versionId : undefined);
  if (badVersion === undefined) return alertOnly(`The event does not say which version of ${policyArn} was created, so nothing is rolled back.`, findings, notRepaired);
  if (!state.versions) return alertOnly(`The versions of ${policyArn} could not be read, so the previous default version is unknown and nothing is rolled back.`, findings, notRepaired);
  const versions = newestFirst(state.versions);
  const bad = versions.find((v) => v.versionId === badVersion);
  const others = versions.filter((v) => v.versionId !== badVersion);

  if (change.operation === 'set-default-version') {
    if (bad && !bad.isDefault) {
      return { strategy: 'none', steps: [], explanation: `${badVersion} of ${policyArn} is no longer the default version: it is already rolled back.`, notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the version is no longer the default')] };
    }
    // IAM keeps no record of which version was default before; with one other version there is no doubt.
    if (others.length !== 1 || !others[0]) {
      return alertOnly(
        `IAM does not record which version of ${policyArn} was default before ${badVersion}, and ${others.length} other versions exist (${others.map((v) => v.versionId).join(', ') || 'none'}); choose the right one by hand.`,
        findings,
        notRepaired,
      );
    }
    const previous = others[0].versionId;
    const why = `Sets ${previous} of ${policyArn} back as the default version, replacing ${badVersion}, which grants SES perimeter actions.`;
    return plan([step({ type: 'iam.set-default-policy-version', policyArn, versionId: previous }, why)], why);
  }

  if (!bad) {
    return { strategy: 'none', steps: [], explanation: `${badVersion} of ${policyArn} no longer exists: it is already gone, so there is nothing to repair.`, notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the version no longer exists')] };
  }
  const deleteReason = `Delete ${badVersion} of ${policyArn}, which grants SES perimeter actions.`;
  if (!bad.isDefault) {
    const why = `${badVersion} of ${policyArn} is not the default version, so deleting it is enough.`;
    return plan([step({ type: 'iam.delete-policy-version', policyArn, versionId: badVersion }, deleteReason)], why);
  }
  // The version that was default before is the newest one other than the new version.
  const previous = others[0];
  if (!previous) {
    return alertOnly(`${badVersion} is the only version of ${policyArn}; there is no previous version to roll back to (detach or delete the policy by hand).`, findings, notRepaired);
  }
  const setDefault = step({ type: 'iam.set-default-policy-version', policyArn, versionId: previous.versionId }, `Make ${previous.versionId}, the default before ${badVersion} was created, the default version again.`);
  const remove = step({ type: 'iam.delete-policy-version', policyArn, versionId: badVersion }, deleteReason, [setDefault]);
  return plan([setDefault, remove], `Rolls ${policyArn} back to ${previous.versionId} and deletes ${badVersion}, which grants SES perimeter actions (the default must move before the version can be deleted).`);
}
