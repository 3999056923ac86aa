import { decodePolicyDocumentText, parsePolicy } from '../../policy/index.ts';
import { planDocumentRepair, splitByAction, stripViolations } from '../../remediation/document-repair.ts';
import { resourceFindings, uniqueRuleIds } from '../../remediation/compliance.ts';
import type { Policy } from '../../policy/types.ts';
import { draftStep } from '../../remediation/step.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan, type FamilyPlanInput } from '../../remediation/types.ts';
import type { Finding } from '../../rules/types.ts';
import { describePolicyError } from '../policy-document.ts';
import {
  CREATE_POLICY_VERSION,
  DELETE_INLINE_POLICY,
  DELETE_POLICY_VERSION,
  DETACH_POLICY,
  PUT_INLINE_POLICY,
  REMOVE_USER_FROM_GROUP,
  SET_DEFAULT_POLICY_VERSION,
} from './steps.ts';
import type { IamGrantChange, IamGrantState, IamPolicyInEffect, IamPrincipalRef, PolicyVersion } from './types.ts';
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
      return planVersionRollback(input, change, findings, notRepaired, ruleIds, plan);
  }
}

/** The grant state as it would be with the inline policy's document replaced. */
function withInlineDocument(state: IamGrantState, rawDocument: string): IamGrantState | { unusable: string } {
  const parsed = parsePolicy(rawDocument);
  if (!parsed.ok) return { unusable: `it does not parse (${parsed.errors.map(describePolicyError).join('; ')})` };
  return withDocument(state, { rawDocument, document: parsed.policy });
}

/**
 * The grant state as it would be with the changed policy's document replaced, for every principal that
 * holds it (directly or through a group): what the planner judges before it writes a candidate back.
 */
function withDocument(state: IamGrantState, replacement: { rawDocument: string; document: Policy; versionId?: string }): IamGrantState {
  const source = state.changedPolicy?.source;
  const swap = (policy: IamPolicyInEffect): IamPolicyInEffect => {
    if (policy.source !== source) return policy;
    const { parseErrors: _stale, ...rest } = policy;
    return { ...rest, ...replacement };
  };
  return {
    ...state,
    changedPolicy: state.changedPolicy ? swap(state.changedPolicy) : null,
    principals: state.principals.map((p) => ({ ...p, policies: p.policies.map(swap) })),
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
      withDocument: (document) => withInlineDocument(input.state, document),
      // IAM returns documents URL-encoded and the write call takes plain JSON.
      write: (document, reason) =>
        draftStep(PUT_INLINE_POLICY, { type: 'iam.put-inline-policy', ...target, document: decodePolicyDocumentText(document) ?? document }, { ruleIds, reason }),
      remove: (reason) => draftStep(DELETE_INLINE_POLICY, { type: 'iam.delete-inline-policy', ...target }, { ruleIds, reason }),
    },
    { findings, notRepaired, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) },
  );
  return repaired.steps.length > 0 ? { ...repaired, strategy: 'revert-grant' } : repaired;
}

/** IAM keeps at most five versions of a managed policy; CreatePolicyVersion fails with LimitExceeded beyond. */
export const MAX_POLICY_VERSIONS = 5;

/** The grant state as it would be with the managed policy's default document replaced by `version`'s. */
function withVersion(state: IamGrantState, version: PolicyVersion & { rawDocument: string; document: Policy }): IamGrantState {
  return withDocument(state, { rawDocument: version.rawDocument, document: version.document, versionId: version.versionId });
}

/** "v2 is not compliant under today's rules (IAM-SES-001)", "v3: its document was not read". */
function judgeVersion(input: Input, version: PolicyVersion): { ok: true } | { ok: false; why: string } {
  if (version.rawDocument === undefined || version.document === undefined) return { ok: false, why: `${version.versionId}: its document was not read, so it is not restored unjudged` };
  if (version.document === null) return { ok: false, why: `${version.versionId} does not parse (${(version.parseErrors ?? []).join('; ') || 'unreadable'})` };
  const remaining = resourceFindings(input.judge(withVersion(input.state, { ...version, rawDocument: version.rawDocument, document: version.document })));
  return remaining.length === 0 ? { ok: true } : { ok: false, why: `${version.versionId} is not compliant under today's rules (${uniqueRuleIds(remaining).join(', ')})` };
}

/**
 * A managed policy whose default version grants the perimeter (DESIGN §4). Every candidate is judged under
 * today's rules before it is made the default: the guard's own SetDefaultPolicyVersion is skipped as its own
 * repair, so a version restored unjudged would never be judged at all. In order:
 * 1. the newest compliant version becomes the default; a bad version the change created is then deleted
 *    (IAM cannot delete the default version, so the delete waits for the default to move);
 * 2. none is compliant: the violating statements are stripped into a new default version, deleting the
 *    oldest (noncompliant, not in effect) version first when IAM's five are taken;
 * 3. nothing compliant is left: the policy is detached from the principals who gain through it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */
function planVersionRollback(
  input: Input,
  change: Extract<IamGrantChange, { operation: 'create-version' | 'set-default-version' }>,
  findings: Finding[],
  notRepaired: FamilyPlan['notRepaired'],
  ruleIds: string[],
  plan: (steps: DraftStep[], explanation: string) => FamilyPlan,
): FamilyPlan {
  const { state } = input;
  const { policyArn } = change;
  if (AWS_MANAGED.test(policyArn)) {
    return alertOnly(`${policyArn} is an AWS managed policy: it can only be detached, never edited, so its versions cannot be rolled back.`, findings, notRepaired);
  }
  if (!state.versions || state.versions.length === 0) {
    return alertOnly(`The versions of ${policyArn} could not be read, so no version can be judged and nothing is rolled back.`, findings, notRepaired);
  }
  const versions = newestFirst(state.versions);
  const inEffect = versions.find((v) => v.isDefault) ?? versions.find((v) => v.versionId === state.changedPolicy?.versionId);
  if (!inEffect) return alertOnly(`IAM lists no default version of ${policyArn}, so nothing is rolled back.`, findings, notRepaired);
  const bad = inEffect.versionId;
  // Delete only what the change made: a version it created. A version it merely made the default existed
  // before and is left, no longer in effect.
  const created = change.operation === 'create-version' && change.versionId === bad;
  const remove = (versionId: string, reason: string, dependsOn: DraftStep[]) =>
    draftStep(DELETE_POLICY_VERSION, { type: 'iam.delete-policy-version', policyArn, versionId }, { ruleIds, reason, dependsOn });

  const rejected: string[] = [];
  for (const candidate of versions.filter((v) => v.versionId !== bad)) {
    const verdict = judgeVersion(input, candidate);
    if (!verdict.ok) {
      rejected.push(verdict.why);
      continue;
    }
    const why = `Makes ${candidate.versionId} of ${policyArn}, the newest version compliant under today's rules, the default instead of ${bad}, which grants SES perimeter actions.`;
    const back = draftStep(SET_DEFAULT_POLICY_VERSION, { type: 'iam.set-default-policy-version', policyArn, versionId: candidate.versionId }, { ruleIds, reason: why });
    const steps = [back, ...(created ? [remove(bad, `Delete ${bad} of ${policyArn}, which this change created and which grants SES perimeter actions.`, [back])] : [])];
    const deleted = created ? ` ${bad}, which this change created, is then deleted (the default must move before it can be).` : ` ${bad} is left as a version that is not in effect.`;
    return plan(steps, [why + deleted, ...(rejected.length > 0 ? [`Not restored: ${rejected.join('; ')}.`] : [])].join(' '));
  }

  const none = `No version of ${policyArn} is compliant under today's rules (${[`${bad} is the one in effect`, ...rejected].join('; ')}).`;
  const stripped = stripIntoNewVersion(input, inEffect, findings);
  if ('document' in stripped) {
    const room = versions.length >= MAX_POLICY_VERSIONS ? versions.filter((v) => v.versionId !== bad).at(-1) : undefined;
    const makeRoom = room
      ? [remove(room.versionId, `Delete ${room.versionId} of ${policyArn} to make room for the stripped version: IAM keeps at most five versions.`, [])]
      : [];
    const why = `Removes ${stripped.listed} from ${bad} of ${policyArn} and makes the result, which is compliant under today's rules, a new default version.`;
    const createStep = draftStep(CREATE_POLICY_VERSION, { type: 'iam.create-policy-version', policyArn, document: stripped.document }, { ruleIds, reason: why, dependsOn: makeRoom });
    const cleanup = created ? [remove(bad, `Delete ${bad} of ${policyArn}, which this change created and which grants SES perimeter actions.`, [createStep])] : [];
    const roomNote = room ? ` IAM keeps at most five versions: ${room.versionId}, the oldest, not in effect and not compliant, is deleted to make room.` : '';
    return plan([...makeRoom, createStep, ...cleanup], `${none} ${why}${roomNote}${created ? ` ${bad}, which this change created, is then deleted.` : ''}`);
  }
  return planDetach(input, policyArn, findings, ruleIds, plan, `${none} ${stripped.why}`, notRepaired);
}

/** The in-effect document without the statements the findings name, if that leaves a compliant document. */
function stripIntoNewVersion(input: Input, inEffect: PolicyVersion, findings: Finding[]): { document: string; listed: string } | { why: string } {
  const raw = inEffect.rawDocument ?? input.state.changedPolicy?.rawDocument;
  if (raw === undefined) return { why: `The document of ${inEffect.versionId} was not read, so its statements cannot be removed.` };
  const candidate = (document: string): IamGrantState | { unusable: string } => {
    const parsed = parsePolicy(document);
    if (!parsed.ok) return { unusable: parsed.errors.map(describePolicyError).join('; ') };
    return withVersion(input.state, { versionId: 'new', isDefault: true, rawDocument: document, document: parsed.policy });
  };
  const stripped = stripViolations(raw, findings, candidate, input.judge);
  if (stripped.ok) return { document: decodePolicyDocumentText(stripped.document) ?? stripped.document, listed: stripped.listed };
  switch (stripped.failure) {
    case 'whole-document':
      return { why: `${stripped.why}, so removing statements cannot repair it.` };
    case 'unstrippable':
      return { why: `Statements cannot be removed because ${stripped.why}.` };
    case 'nothing-left':
      // IAM rejects a policy without statements: a version needs at least one.
      return { why: `Every statement of ${inEffect.versionId} violates the perimeter (${stripped.listed}), so no compliant version can be made from it.` };
    case 'still-noncompliant':
      return { why: `Without ${stripped.listed} it ${stripped.why}.` };
  }
}

/**
 * Detach the policy where it is attached to someone who gains through it: the user or role itself, or the
 * group through which a member gains. Administrators' own attachments are left alone.
 */
function planDetach(
  input: Input,
  policyArn: string,
  findings: Finding[],
  ruleIds: string[],
  plan: (steps: DraftStep[], explanation: string) => FamilyPlan,
  why: string,
  notRepaired: FamilyPlan['notRepaired'],
): FamilyPlan {
  const gaining = new Set(findings.flatMap((f) => (f.fix.kind === 'revert-grant' && f.fix.principalArn ? [f.fix.principalArn] : [])));
  const points = new Map<string, IamPrincipalRef>();
  for (const principal of input.state.principals) {
    if (!gaining.has(principal.arn)) continue;
    for (const policy of principal.policies) {
      if (policy.source !== policyArn) continue;
      const point: IamPrincipalRef = policy.viaGroup !== undefined ? { type: 'group', name: policy.viaGroup } : principal.principal;
      points.set(`${point.type}/${point.name}`, point);
    }
  }
  if (points.size === 0) return alertOnly(`${why} Nobody who gains through it could be found to detach it from; fix ${policyArn} by hand.`, findings, notRepaired);
  const where = [...points.values()].map((p) => `${p.type} ${p.name}`).join(', ');
  const explanation = `${why} So ${policyArn} is detached from ${where}; the policy itself is left for a person to fix.`;
  return plan(
    [...points.values()].map((p) =>
      draftStep(DETACH_POLICY, { type: 'iam.detach-policy', principalType: p.type, principalName: p.name, policyArn }, { ruleIds, reason: `Detaches ${policyArn} from ${p.type} ${p.name}: no version of it is compliant.` }),
    ),
    explanation,
  );
}
