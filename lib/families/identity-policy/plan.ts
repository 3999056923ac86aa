import { parsePolicy } from '../../policy/index.ts';
import { planDocumentRepair, splitByAction } from '../../remediation/document-repair.ts';
import { uniqueRuleIds } from '../../remediation/compliance.ts';
import { draftStep } from '../../remediation/step.ts';
import type { FamilyPlan, FamilyPlanInput } from '../../remediation/types.ts';
import { describePolicyError } from '../policy-document.ts';
import { DELETE_IDENTITY_POLICY, PUT_IDENTITY_POLICY } from './steps.ts';
import type { IdentityPolicyChange, IdentityPolicyState } from './types.ts';

/** The state as it would be with `rawDocument` written back. */
function withDocument(state: IdentityPolicyState, rawDocument: string): IdentityPolicyState | { unusable: string } {
  const parsed = parsePolicy(rawDocument);
  if (!parsed.ok) return { unusable: `it does not parse (${parsed.errors.map(describePolicyError).join('; ')})` };
  return { kind: 'identity-policy', identity: state.identity, identityArn: state.identityArn, policyName: state.policyName, rawDocument, document: parsed.policy };
}

/**
 * SES identity (sending-authorization) policies: revert to the last-known-good document when today's rules
 * accept it; otherwise strip the violating statements so the statements that carry production mail keep
 * working; delete the policy only when nothing compliant is left.
 */
export function planIdentityPolicyRepair(input: FamilyPlanInput<IdentityPolicyChange, IdentityPolicyState>): FamilyPlan {
  const { state } = input;
  const { findings, notRepaired } = splitByAction(input.findings, ['revert', 'strip', 'delete'], 'an identity policy');
  const ruleIds = uniqueRuleIds(findings);
  const target = { identity: state.identity, policyName: state.policyName };
  return planDocumentRepair(
    {
      label: `policy "${state.policyName}" on ${state.identity}`,
      state,
      current: state.rawDocument,
      strippable: true,
      withDocument: (document) => withDocument(state, document),
      write: (document, reason) => draftStep(PUT_IDENTITY_POLICY, { type: 'ses.put-identity-policy', ...target, document, op: 'update' }, { ruleIds, reason }),
      remove: (reason) => draftStep(DELETE_IDENTITY_POLICY, { type: 'ses.delete-identity-policy', ...target }, { ruleIds, reason }),
    },
    { findings, notRepaired, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) },
  );
}
