import { decodePolicyDocumentText, parsePolicy } from '../../policy/index.ts';
import { splitByAction } from '../../remediation/document-repair.ts';
import { uniqueRuleIds } from '../../remediation/compliance.ts';
import { draftStep } from '../../remediation/step.ts';
import { notRepairedAll, type FamilyPlan, type FamilyPlanInput } from '../../remediation/types.ts';
import type { TrustChange } from './trust-events.ts';
import { UPDATE_TRUST_POLICY } from './trust-steps.ts';
import type { IamGrantChange, IamGrantState } from './types.ts';

/**
 * IAM-SES-003: put the role's trust policy back to its last-known-good version, when that version is
 * accepted by today's rules. The guard never writes a trust policy of its own making (no strip): who may
 * assume a role is for a person to decide, and a wrong guess locks out whoever legitimately assumes it.
 */
export function planTrustRepair(input: FamilyPlanInput<IamGrantChange, IamGrantState> & { change: TrustChange }): FamilyPlan {
  const { change, state } = input;
  const { findings, notRepaired } = splitByAction(input.findings, ['revert'], 'a role trust policy');
  if (findings.length === 0) return { strategy: 'alert-only', steps: [], explanation: 'No finding on the trust policy is to be reverted.', notRepaired };
  const alertOnly = (why: string): FamilyPlan => ({ strategy: 'alert-only', steps: [], explanation: why, notRepaired: [...notRepaired, ...notRepairedAll(findings, why)] });
  const trust = state.trust;
  if (!trust || trust.rawDocument === null) return { strategy: 'none', steps: [], explanation: `Role ${change.roleName} no longer exists: nothing to repair.`, notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the role no longer exists')] };
  if (!input.baseline) return alertOnly(`No last-known-good trust policy of ${trust.roleArn} is recorded, so it cannot be reverted; restore who may assume the role by hand.`);
  const document = decodePolicyDocumentText(input.baseline.document) ?? input.baseline.document;
  const parsed = parsePolicy(document);
  if (!parsed.ok) return alertOnly(`The last-known-good trust policy of ${trust.roleArn} does not parse, so it is not restored.`);
  const candidate: IamGrantState = { ...state, trust: { ...trust, rawDocument: document, document: parsed.policy } };
  if (input.judge(candidate).some((f) => f.ruleId === 'IAM-SES-003')) {
    return alertOnly(`The last-known-good trust policy of ${trust.roleArn} is not compliant under today's rules, so it is not restored.`);
  }
  const why = `Restores the last-known-good trust policy of ${trust.roleArn} (recorded ${input.baseline.recordedAt}), so only trusted principals may assume it again.`;
  return {
    strategy: 'revert',
    steps: [draftStep(UPDATE_TRUST_POLICY, { type: 'iam.update-trust-policy', roleName: change.roleName, document }, { ruleIds: uniqueRuleIds(findings), reason: why })],
    explanation: why,
    notRepaired,
  };
}
