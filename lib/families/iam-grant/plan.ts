import { decodePolicyDocumentText, parsePolicy } from '../../policy/index.ts';
import { planDocumentRepair, splitByAction } from '../../remediation/document-repair.ts';
import { uniqueRuleIds } from '../../remediation/compliance.ts';
import { draftStep } from '../../remediation/step.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan, type FamilyPlanInput } from '../../remediation/types.ts';
import type { Finding } from '../../rules/types.ts';
import { describePolicyError } from '../policy-document.ts';
import {
  DELETE_INLINE_POLICY,
  DELETE_POLICY_VERSION,
  DETACH_POLICY,
  PUT_INLINE_POLICY,
  REMOVE_USER_FROM_GROUP,
  SET_DEFAULT_POLICY_VERSION,
} from './steps.ts';
import type { IamGrantChange, IamGrantState, IamPolicyInEffect } from './types.ts';
import { newestFirst } from './versions.ts';
import { isTrustChange } from './trust-events.ts';
import { planTrustRepair } from './trust-plan.ts';

type Input = FamilyPlanInput<IamGrantChange, IamGrantState>;

// AWS managed policies live in the `aws` account: a customer can attach and detach them, never edit them.
const AWS_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\//;

function alertOnly(why: string, findings: Finding[], notRepaired: FamilyPlan['notRepaired']): FamilyPlan {
  return { strategy: 'alert-only', steps: [], explanation: why, notRepaired: [...notRepaired, ...notRepairedAll(findings, why)] };
}

function gone(why: string, findings: Finding[], notRepaired: FamilyPlan['notRepaired'], reason: string): FamilyPlan {
  return { strategy: 'none', steps: [], explanation: why, notRepaired: [...notRepaired, ...notRepairedAll(findings, reason)] };
}

/**
 * IAM-SES-001: undo the grant the change made, exactly — detach the attachment, revert or strip the inline
 * policy, roll the managed policy back, take the user out of the group. Nothing else about the principal
 * is touched. Who may hold perimeter actions (administrators, the guard) is the rule's decision: a finding
 * here is already about a principal that may not.
 */
export function planIamGrantRepair(input: Input): FamilyPlan {
  const { change, state } = input;
  if (isTrustChange(change)) return planTrustRepair({ ...input, change });
  const { findings, notRepaired } = splitByAction(input.findings, ['revert', 'strip', 'delete'], 'an IAM grant');
  if (findings.length === 0) {
    return { strategy: 'alert-only', steps: [], explanation: 'No finding on the IAM grant is to be reverted.', notRepaired };
  }
  // A membership is a grant with no changed policy of its own: the group's policies (gainedPolicies) carry it.
  if (state.changedPolicy === null && change.operation !== 'add-to-group') {
    return gone('The granting policy is no longer in effect: it is already gone, so there is nothing to repair.', findings, notRepaired, 'the granting policy no longer exists');
  }
  const ruleIds = uniqueRuleIds(findings);
  const plan = (steps: DraftStep[], explanation: string): FamilyPlan => ({ strategy: 'revert-grant', steps, explanation, notRepaired });

  switch (change.operation) {
    case 'attach': {
      const who = `${change.principal.type} ${change.principal.name}`;
      const why = `Detaches ${change.policyArn} from ${who}, undoing the attachment that granted SES perimeter actions.`;
      const action = { type: 'iam.detach-policy', principalType: change.principal.type, principalName: change.principal.name, policyArn: change.policyArn } as const;
      return plan([draftStep(DETACH_POLICY, action, { ruleIds, reason: why })], why);
    }
    case 'add-to-group': {
      const why = `Removes user ${change.userName} from group ${change.groupName}, undoing the membership that granted SES perimeter actions.`;
      return plan([draftStep(REMOVE_USER_FROM_GROUP, { type: 'iam.remove-user-from-group', groupName: change.groupName, userName: change.userName }, { ruleIds, reason: why })], why);
    }
    case 'put-inline':
      if (state.changedPolicy === null) return alertOnly('The inline policy is already gone.', findings, notRepaired);
      return planInlineRepair(input, change, state.changedPolicy, findings, notRepaired);
    case 'create-version':
    case 'set-default-version':
      return planVersionRollback(change, state, findings, notRepaired, ruleIds, plan);
  }
}

/** The grant state as it would be with the inline policy's document replaced. */
function withInlineDocument(state: IamGrantState, changed: IamPolicyInEffect, rawDocument: string): IamGrantState | { unusable: string } {
  const parsed = parsePolicy(rawDocument);
  if (!parsed.ok) return { unusable: `it does not parse (${parsed.errors.map(describePolicyError).join('; ')})` };
  const replaced: IamPolicyInEffect = { source: changed.source, kind: changed.kind, rawDocument, document: parsed.policy, ...(changed.viaGroup !== undefined && { viaGroup: changed.viaGroup }) };
  return {
    ...state,
    changedPolicy: replaced,
    principals: state.principals.map((p) => ({ ...p, policies: p.policies.map((policy) => (policy.source === changed.source ? replaced : policy)) })),
  };
}

/** An inline policy is a document like any other: revert to a compliant baseline, else strip, else delete. */
function planInlineRepair(
  input: Input,
  change: Extract<IamGrantChange, { operation: 'put-inline' }>,
  changed: IamPolicyInEffect,
  findings: Finding[],
  notRepaired: FamilyPlan['notRepaired'],
): FamilyPlan {
  const { principal, policyName } = change;
  const ruleIds = uniqueRuleIds(findings);
  const target = { principalType: principal.type, principalName: principal.name, policyName };
  const repaired = planDocumentRepair(
    {
      label: `inline policy "${policyName}" of ${principal.type} ${principal.name}`,
      state: input.state,
      current: changed.rawDocument,
      strippable: true,
      withDocument: (document) => withInlineDocument(input.state, changed, document),
      // IAM returns documents URL-encoded and the write call takes plain JSON.
      write: (document, reason) =>
        draftStep(PUT_INLINE_POLICY, { type: 'iam.put-inline-policy', ...target, document: decodePolicyDocumentText(document) ?? document }, { ruleIds, reason }),
      remove: (reason) => draftStep(DELETE_INLINE_POLICY, { type: 'iam.delete-inline-policy', ...target }, { ruleIds, reason }),
    },
    { findings, notRepaired, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) },
  );
  return repaired.steps.length > 0 ? { ...repaired, strategy: 'revert-grant' } : repaired;
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
  ruleIds: string[],
  plan: (steps: DraftStep[], explanation: string) => FamilyPlan,
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
  const setDefault = (versionId: string, reason: string) => draftStep(SET_DEFAULT_POLICY_VERSION, { type: 'iam.set-default-policy-version', policyArn, versionId }, { ruleIds, reason });
  const deleteReason = `Delete ${badVersion} of ${policyArn}, which grants SES perimeter actions.`;

  if (change.operation === 'set-default-version') {
    if (bad && !bad.isDefault) {
      return gone(`${badVersion} of ${policyArn} is no longer the default version: it is already rolled back.`, findings, notRepaired, 'the version is no longer the default');
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
    return plan([setDefault(previous, why)], why);
  }

  if (!bad) {
    return gone(`${badVersion} of ${policyArn} no longer exists: it is already gone, so there is nothing to repair.`, findings, notRepaired, 'the version no longer exists');
  }
  const remove = (dependsOn?: DraftStep[]) =>
    draftStep(DELETE_POLICY_VERSION, { type: 'iam.delete-policy-version', policyArn, versionId: badVersion }, { ruleIds, reason: deleteReason, ...(dependsOn && { dependsOn }) });
  if (!bad.isDefault) {
    return plan([remove()], `${badVersion} of ${policyArn} is not the default version, so deleting it is enough.`);
  }
  // The version that was default before is the newest one other than the new version.
  const previous = others[0];
  if (!previous) {
    return alertOnly(`${badVersion} is the only version of ${policyArn}; there is no previous version to roll back to (detach or delete the policy by hand).`, findings, notRepaired);
  }
  const back = setDefault(previous.versionId, `Make ${previous.versionId}, the default before ${badVersion} was created, the default version again.`);
  return plan([back, remove([back])], `Rolls ${policyArn} back to ${previous.versionId} and deletes ${badVersion}, which grants SES perimeter actions (the default must move before the version can be deleted).`);
}
