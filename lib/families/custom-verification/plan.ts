import * as z from '../../zod.ts';
import { planDocumentRepair, splitByAction } from '../../remediation/document-repair.ts';
import { uniqueRuleIds } from '../../remediation/compliance.ts';
import { draftStep } from '../../remediation/step.ts';
import type { FamilyPlan, FamilyPlanInput } from '../../remediation/types.ts';
import { describeZodIssues } from '../../zod-issues.ts';
import { DELETE_VERIFICATION_TEMPLATE, UPDATE_VERIFICATION_TEMPLATE } from './steps.ts';
import type { CustomVerificationChange, CustomVerificationState, VerificationTemplate, VerificationTemplateState } from './types.ts';

/** The shape a template's baseline is stored in; every member is required by the update call. */
const StoredTemplate = z.strictObject({
  fromEmailAddress: z.string().check(z.minLength(1)),
  templateSubject: z.string().check(z.minLength(1)),
  templateContent: z.string().check(z.minLength(1)),
  successRedirectionURL: z.string().check(z.minLength(1)),
  failureRedirectionURL: z.string().check(z.minLength(1)),
}) satisfies z.ZodMiniType<VerificationTemplate>;

function parseStoredTemplate(text: string): { ok: true; template: VerificationTemplate } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `is not valid JSON: ${(error as Error).message}` };
  }
  const result = StoredTemplate.safeParse(value);
  if (result.success) return { ok: true, template: result.data };
  return { ok: false, error: describeZodIssues(result.error).join('; ') };
}

function planTemplateRepair(state: VerificationTemplateState, input: FamilyPlanInput<CustomVerificationChange, CustomVerificationState>): FamilyPlan {
  const { findings, notRepaired } = splitByAction(input.findings, ['revert', 'strip', 'delete'], 'a verification template');
  const ruleIds = uniqueRuleIds(findings);
  const label = `custom verification template "${state.templateName}"`;
  return planDocumentRepair<CustomVerificationState>(
    {
      label,
      state,
      current: state.template ? JSON.stringify(state.template) : null,
      strippable: false,
      names: { revert: 'revert-template' },
      withDocument(document) {
        const parsed = parseStoredTemplate(document);
        return parsed.ok ? { ...state, template: parsed.template } : { unusable: `it is unreadable (${parsed.error})` };
      },
      write(document, reason) {
        const parsed = parseStoredTemplate(document);
        if (!parsed.ok) throw new Error(`baseline template became unreadable: ${parsed.error}`);
        return draftStep(UPDATE_VERIFICATION_TEMPLATE, { type: 'ses.update-verification-template', templateName: state.templateName, template: parsed.template }, { ruleIds, reason });
      },
      // Nothing in a template can be stripped: its addresses are single values.
      whyRemove: `A verification template that points outside trusted domains must not stay (it would send victims to someone else's site in the account's name), so the ${label} is deleted.`,
      remove: (reason) => draftStep(DELETE_VERIFICATION_TEMPLATE, { type: 'ses.delete-verification-template', templateName: state.templateName }, { ruleIds, reason }),
    },
    { findings, notRepaired, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) },
  );
}

/**
 * SES-CVE-002: the template is restored from the baseline when that is compliant, else deleted. A sent
 * custom verification email (SES-CVE-001) cannot be taken back: only its sender can be quarantined, which
 * the shared quarantine planner does when the rule's action is quarantine.
 */
export function planCustomVerificationRepair(input: FamilyPlanInput<CustomVerificationChange, CustomVerificationState>): FamilyPlan {
  const { state } = input;
  if (state.kind === 'verification-template') return planTemplateRepair(state, input);
  return {
    strategy: 'alert-only',
    steps: [],
    explanation: 'A custom verification email already sent cannot be taken back; only its sender can be quarantined.',
    notRepaired: input.findings.map((f) => ({ ruleId: f.ruleId, reason: `action "${f.action}" cannot undo a sent email; configure quarantine to act on the sender` })),
  };
}
