import { parsePolicy } from '../policy/parse.ts';
import type { BaselineRecord } from '../baseline/types.ts';
import type { Finding } from '../rules/types.ts';
import type { IdentityPolicyState, ResourceState } from '../state/types.ts';
import { resourceFindings, describeFindings, uniqueRuleIds } from './compliance.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan } from './draft.ts';
import { describeStatements, stripStatements, UnstrippableDocumentError } from './policy-document.ts';

export interface IdentityPolicyPlanInput {
  state: IdentityPolicyState;
  /** Findings to repair: not exempt, not alert-only, not quarantine. */
  findings: Finding[];
  baseline?: BaselineRecord;
  judge: (state: ResourceState) => Finding[];
}

const SUPPORTED = new Set(['revert', 'strip', 'delete']);

/** The state as it would be with `rawDocument` written back; undefined when that document does not parse. */
function withDocument(state: IdentityPolicyState, rawDocument: string): IdentityPolicyState | undefined {
  const parsed = parsePolicy(rawDocument);
  if (!parsed.ok) return undefined;
  return { kind: 'identity-policy', identity: state.identity, identityArn: state.identityArn, policyName: state.policyName, rawDocument, document: parsed.policy };
}

function statementIndexOf(finding: Finding): number | undefined {
  if (finding.fix.kind === 'drop-statement') return finding.fix.statementIndex;
  return finding.statement?.index;
}

/**
 * SES identity (sending-authorization) policies. revert restores the last-known-good document when
 * today's rules still accept it; otherwise the violating statements are stripped so the statements that
 * carry production mail keep working, and the policy is deleted only when nothing compliant is left.
 */
export function planIdentityPolicyRepair(input: IdentityPolicyPlanInput): FamilyPlan {
  const { state, judge } = input;
  const label = `policy "${state.policyName}" on ${state.identity}`;
  const unsupported = input.findings.filter((f) => !SUPPORTED.has(f.action));
  const findings = input.findings.filter((f) => SUPPORTED.has(f.action));
  const notRepaired = unsupported.map((f) => ({ ruleId: f.ruleId, reason: `action "${f.action}" does not apply to an identity policy; use revert, strip or delete` }));
  if (findings.length === 0) {
    return { strategy: 'alert-only', steps: [], explanation: `No finding on ${label} has an action that applies to identity policies.`, notRepaired };
  }
  if (state.rawDocument === null) {
    return {
      strategy: 'none',
      steps: [],
      explanation: `The ${label} no longer exists: it is already gone, so there is nothing to repair.`,
      notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the policy no longer exists')],
    };
  }
  const ruleIds = uniqueRuleIds(findings);
  const deleteStep = (reason: string): DraftStep => ({
    action: { type: 'ses.delete-identity-policy', identity: state.identity, policyName: state.policyName },
    ruleIds,
    reason,
  });
  const putStep = (document: string, reason: string): DraftStep => ({
    action: { type: 'ses.put-identity-policy', identity: state.identity, policyName: state.policyName, document, op: 'update' },
    ruleIds,
    reason,
  });

  const forcedDelete = findings.filter((f) => f.action === 'delete');
  if (forcedDelete.length > 0) {
    const why = `Config sets action "delete" for ${uniqueRuleIds(forcedDelete).join(', ')}, so the whole ${label} is deleted.`;
    return { strategy: 'delete', steps: [deleteStep(why)], explanation: why, notRepaired };
  }

  const notes: string[] = [];
  // Steps say what they do; the plan's explanation also says why a gentler repair was not possible.
  const explain = (sentence: string): string => [...notes, sentence].join(' ');
  if (findings.some((f) => f.action === 'revert')) {
    const revert = tryBaseline(state, input.baseline, judge);
    if (revert.document !== undefined) {
      const why = `Restores the last-known-good ${label} recorded at ${input.baseline?.recordedAt} (event ${input.baseline?.eventId}), which is compliant under today's rules.`;
      return { strategy: 'revert', steps: [putStep(revert.document, why)], explanation: why, notRepaired };
    }
    notes.push(revert.why);
  }

  const indices = new Set<number>();
  const perDocument: Finding[] = [];
  for (const finding of findings) {
    const index = statementIndexOf(finding);
    if (index === undefined) perDocument.push(finding);
    else indices.add(index);
  }
  const listed = describeStatements(indices);
  if (perDocument.length > 0) {
    const why = `${uniqueRuleIds(perDocument).join(', ')} judge the whole document, not a statement, so removing statements cannot repair it; the ${label} is deleted.`;
    return { strategy: 'delete', steps: [deleteStep(why)], explanation: explain(why), notRepaired };
  }
  let stripped;
  try {
    stripped = stripStatements(state.rawDocument, indices);
  } catch (error) {
    if (!(error instanceof UnstrippableDocumentError)) throw error;
    const why = `Statements cannot be removed because ${error.message}; the ${label} is deleted.`;
    return { strategy: 'delete', steps: [deleteStep(why)], explanation: explain(why), notRepaired };
  }
  if (stripped.document === null) {
    const why = `Every statement of the ${label} violates the perimeter (${listed}), so the policy is deleted.`;
    return { strategy: 'delete', steps: [deleteStep(why)], explanation: explain(why), notRepaired };
  }
  const candidate = withDocument(state, stripped.document);
  const remaining = candidate ? resourceFindings(judge(candidate)) : [];
  if (!candidate || remaining.length > 0) {
    const still = candidate ? `still has findings (${describeFindings(remaining)})` : 'does not parse';
    const why = `Without ${listed} the ${label} ${still}, so the policy is deleted.`;
    return { strategy: 'delete', steps: [deleteStep(why)], explanation: explain(why), notRepaired };
  }
  const why = `Removes ${listed} from the ${label} and keeps ${stripped.remaining === 1 ? 'the other statement' : `the other ${stripped.remaining} statements`}; the result is compliant under today's rules.`;
  return { strategy: 'strip', steps: [putStep(stripped.document, why)], explanation: explain(why), notRepaired };
}

function tryBaseline(
  state: IdentityPolicyState,
  baseline: BaselineRecord | undefined,
  judge: (state: ResourceState) => Finding[],
): { document: string; why?: undefined } | { document?: undefined; why: string } {
  if (!baseline) return { why: 'No last-known-good document is recorded for this policy, so it cannot be reverted.' };
  if (baseline.document === state.rawDocument) {
    return { why: `The last-known-good document (recorded ${baseline.recordedAt}) is the current one, which today's rules no longer accept.` };
  }
  const candidate = withDocument(state, baseline.document);
  if (!candidate) return { why: `The last-known-good document recorded ${baseline.recordedAt} does not parse, so it cannot be restored.` };
  const remaining = resourceFindings(judge(candidate));
  if (remaining.length > 0) {
    return { why: `The last-known-good document recorded ${baseline.recordedAt} is not compliant under today's rules (${uniqueRuleIds(remaining).join(', ')}), so it is not restored.` };
  }
  return { document: baseline.document };
}
