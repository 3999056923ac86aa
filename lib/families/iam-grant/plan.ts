import { parsePolicy } from '../../policy/index.ts';
import { splitByAction, stripViolations } from '../../remediation/document-repair.ts';
import { describeFindings, resourceFindings, uniqueRuleIds } from '../../remediation/compliance.ts';
import type { Policy } from '../../policy/types.ts';
import { draftStep } from '../../remediation/step.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan, type FamilyPlanInput } from '../../remediation/types.ts';
import type { Finding } from '../../rules/types.ts';
import { describePolicyError } from '../policy-document.ts';
import { DELETE_INLINE_POLICY, DELETE_POLICY_VERSION, DETACH_POLICY, REMOVE_USER_FROM_GROUP, SET_DEFAULT_POLICY_VERSION } from './steps.ts';
import { key, planPerimeterDeny, who } from './perimeter-plan.ts';
import type { IamGrantChange, IamGrantState, IamPolicyInEffect, IamPrincipalRef, PolicyVersion } from './types.ts';
import { newestFirst } from './versions.ts';
import { isTrustChange, type TrustChange } from './trust-events.ts';
import { planAssumableRoleRepair, planTrustRepair } from './trust-plan.ts';

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
 * IAM-SES-001: undo the grant the change made, exactly — detach the attachment, take the user out of the
 * group, roll the managed policy back to a compliant version; where no existing document can be put back
 * (an inline policy, a managed policy without a compliant version) attach the guard's perimeter-deny policy,
 * which takes back the perimeter and nothing else. The guard never writes a policy document. Who may hold perimeter actions (administrators, the guard) is the rule's decision: a finding
 * here is already about a principal that may not.
 */
export function planIamGrantRepair(input: Input): FamilyPlan {
  const { change } = input;
  if (isTrustChange(change)) return planTrustRepair({ ...input, change });
  const split = splitByAction(input.findings, ['revert', 'strip', 'delete'], 'an IAM grant');
  const { notRepaired } = split;
  // IAM-SES-003 names statements of a trust policy, not of the changed one: the grant's repair reads only
  // the grant's findings. Undoing the grant also takes back what the role's trust policy would hand out.
  const trustFindings = split.findings.filter((f) => f.ruleId === 'IAM-SES-003');
  const findings = split.findings.filter((f) => f.ruleId !== 'IAM-SES-003');
  if (findings.length === 0 && trustFindings.length > 0) return planAssumableRoleRepair(input, trustFindings, notRepaired);
  const planned = planGrantRepair(input, change, findings, notRepaired);
  if (trustFindings.length === 0) return planned;
  // The grant's repair answers IAM-SES-003 too (the role no longer gains what its trust policy hands out);
  // the re-read after it judges both. The trust policy itself is still for a person.
  const trustIds = uniqueRuleIds(trustFindings);
  return {
    ...planned,
    steps: planned.steps.map((step) => ({ ...step, ruleIds: [...new Set([...step.ruleIds, ...trustIds])] })),
    explanation: `${planned.explanation} Its trust policy still lets untrusted principals assume ${[...new Set(trustFindings.map((f) => f.resource))].join(', ')}: revert it by hand.`,
  };
}

/** The grant's own repair (a trust change is planned by trust-plan.ts). */
function planGrantRepair(input: Input, change: Exclude<IamGrantChange, TrustChange>, findings: Finding[], notRepaired: FamilyPlan['notRepaired']): FamilyPlan {
  const { state } = input;
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
      const why = `Detaches ${change.policyArn} from ${who(change.principal)}, undoing the attachment that granted SES perimeter actions.`;
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

/**
 * What stripping the findings' statements from `raw` would leave: `every` when nothing would (every
 * statement violates, so removing the whole policy loses nothing the principal legitimately uses), or the
 * fix a person may apply by hand (never applied by the guard: it writes no policy document).
 */
function strippedOutcome(raw: string, findings: Finding[], withDocument: (document: string) => IamGrantState | { unusable: string }, judge: Input['judge']): { every: true } | { every: false; proposal: string } {
  const stripped = stripViolations(raw, findings, withDocument, judge);
  if (stripped.ok) return { every: false, proposal: `remove ${stripped.listed}, keeping ${stripped.kept === 1 ? 'the other statement' : `the other ${stripped.kept} statements`} (compliant under today's rules)` };
  if (stripped.failure === 'nothing-left') return { every: true };
  return { every: false, proposal: `no statement can simply be removed (${stripped.why}): rewrite it by hand` };
}

/**
 * An inline policy that grants perimeter actions. The guard never writes an inline policy (IAM cannot
 * limit what a Put*Policy document says), so instead it attaches its perimeter-deny policy to the
 * principal that holds the inline policy: the perimeter grant is neutralised and every other statement
 * (the principal's mail) keeps working. If IAM refuses the attachment because the principal holds as many
 * managed policies as it may, the inline policy is deleted instead only when every statement of it
 * violates; otherwise nothing is changed and the alert proposes the fix. Config `delete` deletes it.
 */
function planInlineRepair(
  input: Input,
  change: Extract<IamGrantChange, { operation: 'put-inline' }>,
  changed: IamPolicyInEffect,
  findings: Finding[],
  notRepaired: FamilyPlan['notRepaired'],
): FamilyPlan {
  const { principal, policyName } = change;
  const ruleIds = uniqueRuleIds(findings);
  const label = `inline policy "${policyName}" of ${who(principal)}`;
  const remove = (reason: string) =>
    draftStep(DELETE_INLINE_POLICY, { type: 'iam.delete-inline-policy', principalType: principal.type, principalName: principal.name, policyName }, { ruleIds, reason });
  const forced = findings.filter((f) => f.action === 'delete');
  if (forced.length > 0) {
    const why = `Config sets action "delete" for ${uniqueRuleIds(forced).join(', ')}, so the ${label} is deleted.`;
    return { strategy: 'delete', steps: [remove(why)], explanation: why, notRepaired };
  }
  const outcome = strippedOutcome(changed.rawDocument, findings, (document) => withInlineDocument(input.state, document), input.judge);
  const denied = planPerimeterDeny(
    input,
    [principal],
    findings,
    (point, arn) => `Attach the guard's perimeter-deny policy ${arn} to ${who(point)}: it denies the SES perimeter actions the ${label} grants, and nothing else.`,
    () => (outcome.every ? { kind: 'delete-inline', policyName } : undefined),
  );
  if (denied.left.length > 0) {
    const why = `Attaching the perimeter-deny policy would not answer ${uniqueRuleIds(denied.left).join(', ')} (${describeFindings(denied.left)})`;
    if (outcome.every) {
      const reason = `${why}, and every statement of the ${label} violates the perimeter, so it is deleted.`;
      return { strategy: 'delete', steps: [remove(reason)], explanation: reason, notRepaired };
    }
    return alertOnly(`${why}; nothing is changed. Proposed fix for a person: ${outcome.proposal}.`, findings, notRepaired);
  }
  const quota = outcome.every
    ? ` Should IAM refuse the attachment because ${who(principal)} holds as many managed policies as IAM allows (LimitExceeded), the inline policy is deleted instead: every statement of it grants perimeter actions.`
    : ` Should IAM refuse the attachment because ${who(principal)} holds as many managed policies as IAM allows (LimitExceeded), nothing else is changed; proposed fix for a person: ${outcome.proposal}.`;
  const explanation = `Repairs by attaching the guard's perimeter-deny policy ${denied.policyArn} to ${who(principal)} (perimeter-deny attached; inline policy "${policyName}" left in place): the Deny takes back exactly the SES perimeter actions, and the policy's other statements keep working.${quota}`;
  return { strategy: 'perimeter-deny', steps: denied.steps, explanation, notRepaired };
}

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
 * 2. none is compliant: the guard's perimeter-deny policy is attached where someone gains through the
 *    policy (planManagedPerimeterDeny). The guard never writes a version of a customer policy: the rollback
 *    can only pick a document someone already wrote, and today's rules judge it first.
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
  return planManagedPerimeterDeny(input, policyArn, inEffect, findings, notRepaired, none);
}

/**
 * The principals (or groups) through which someone the findings name gains through `policyArn`: where a
 * repair of the managed policy acts. Administrators' own attachments are left alone.
 */
function gainingPoints(input: Input, policyArn: string, findings: Finding[]): IamPrincipalRef[] {
  const gaining = new Set(findings.flatMap((f) => (f.fix.kind === 'revert-grant' && f.fix.principalArn ? [f.fix.principalArn] : [])));
  const points = new Map<string, IamPrincipalRef>();
  for (const principal of input.state.principals) {
    if (!gaining.has(principal.arn)) continue;
    for (const policy of principal.policies) {
      if (policy.source !== policyArn) continue;
      const point: IamPrincipalRef = policy.viaGroup !== undefined ? { type: 'group', name: policy.viaGroup } : principal.principal;
      points.set(key(point), point);
    }
  }
  return [...points.values()];
}

/**
 * No version of a customer managed policy is compliant. The guard writes no policy version (IAM cannot
 * limit what CreatePolicyVersion's document says), so it attaches its perimeter-deny policy to each
 * principal (or group) through which someone gains: the policy's other statements keep working for them.
 * Should a principal's managed-policy quota be full, the policy is detached from it instead only when
 * every statement of the policy violates.
 */
function planManagedPerimeterDeny(
  input: Input,
  policyArn: string,
  inEffect: PolicyVersion,
  findings: Finding[],
  notRepaired: FamilyPlan['notRepaired'],
  none: string,
): FamilyPlan {
  const points = gainingPoints(input, policyArn, findings);
  if (points.length === 0) return alertOnly(`${none} Nobody who gains through it could be found to repair; fix ${policyArn} by hand.`, findings, notRepaired);
  const raw = inEffect.rawDocument ?? input.state.changedPolicy?.rawDocument;
  const candidate = (document: string): IamGrantState | { unusable: string } => {
    const parsed = parsePolicy(document);
    if (!parsed.ok) return { unusable: parsed.errors.map(describePolicyError).join('; ') };
    return withVersion(input.state, { versionId: 'new', isDefault: true, rawDocument: document, document: parsed.policy });
  };
  const outcome = raw === undefined ? { every: false as const, proposal: `the document of ${inEffect.versionId} was not read` } : strippedOutcome(raw, findings, candidate, input.judge);
  const ruleIds = uniqueRuleIds(findings);
  const denied = planPerimeterDeny(
    input,
    points,
    findings,
    (point, arn) => `Attach the guard's perimeter-deny policy ${arn} to ${who(point)}: it denies the SES perimeter actions ${policyArn} grants, and nothing else.`,
    () => (outcome.every ? { kind: 'detach', policyArn } : undefined),
  );
  const where = points.map(who).join(', ');
  if (denied.left.length > 0) {
    const why = `${none} Attaching the perimeter-deny policy would not answer ${uniqueRuleIds(denied.left).join(', ')} (${describeFindings(denied.left)})`;
    if (outcome.every) {
      const steps = points.map((p) =>
        draftStep(DETACH_POLICY, { type: 'iam.detach-policy', principalType: p.type, principalName: p.name, policyArn }, { ruleIds, reason: `Detaches ${policyArn} from ${who(p)}: every statement of it violates the perimeter.` }),
      );
      return { strategy: 'revert-grant', steps, explanation: `${why}, and every statement of it violates the perimeter, so it is detached from ${where}.`, notRepaired };
    }
    return alertOnly(`${why}; nothing is changed. Proposed fix for a person: ${outcome.proposal}.`, findings, notRepaired);
  }
  const quota = outcome.every
    ? ` Where IAM refuses the attachment because the managed-policy quota is full (LimitExceeded), ${policyArn} is detached instead: every statement of it grants perimeter actions.`
    : ` Where IAM refuses the attachment because the managed-policy quota is full (LimitExceeded), nothing else is changed; proposed fix for a person: ${outcome.proposal}.`;
  return {
    strategy: 'perimeter-deny',
    steps: denied.steps,
    explanation: `${none} So the guard's perimeter-deny policy ${denied.policyArn} is attached to ${where} (perimeter-deny attached; ${policyArn} left in place): the Deny takes back exactly the SES perimeter actions, and the policy's other statements keep working.${quota}`,
    notRepaired,
  };
}
