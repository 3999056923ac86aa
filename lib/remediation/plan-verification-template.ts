import { z } from 'zod';
import type { BaselineRecord } from '../baseline/types.ts';
import type { Finding } from '../rules/types.ts';
import type { ResourceState, VerificationTemplateState } from '../state/types.ts';
import { resourceFindings, uniqueRuleIds } from './compliance.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan } from './draft.ts';
import { describeZodIssues } from '../zod-issues.ts';

export interface VerificationTemplatePlanInput {
  state: VerificationTemplateState;
  /** Findings to repair: not exempt, not alert-only, not quarantine. */
  findings: Finding[];
  baseline?: BaselineRecord;
  judge: (state: ResourceState) => Finding[];
}

const SUPPORTED = new Set(['revert', 'strip', 'delete']);

/** The shape `baselineDocument` stores for a template; every member is required by the update call. */
const StoredTemplate = z.object({
  fromEmailAddress: z.string().min(1),
  templateSubject: z.string().min(1),
  templateContent: z.string().min(1),
  successRedirectionURL: z.string().min(1),
  failureRedirectionURL: z.string().min(1),
});
type Template = z.infer<typeof StoredTemplate>;

function parseStoredTemplate(text: string): { ok: true; template: Template } | { ok: false; error: string } {
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

/**
 * SES-CVE-002: a custom verification template that sends as, or redirects victims to, a domain outside
 * the perimeter is a phishing kit carrying the account's reputation. It is restored from the baseline
 * when that is compliant; otherwise it must not stay, so it is deleted (nothing in it can be "stripped":
 * the From address and redirect URLs are single values).
 */
export function planVerificationTemplateRepair(input: VerificationTemplatePlanInput): FamilyPlan {
  const { state } = input;
  const unsupported = input.findings.filter((f) => !SUPPORTED.has(f.action));
  const findings = input.findings.filter((f) => SUPPORTED.has(f.action));
  const notRepaired = unsupported.map((f) => ({ ruleId: f.ruleId, reason: `action "${f.action}" does not apply to a verification template; use revert or delete` }));
  const label = `custom verification template "${state.templateName}"`;
  if (findings.length === 0) {
    return { strategy: 'alert-only', steps: [], explanation: `No finding on the ${label} has an action that applies to it.`, notRepaired };
  }
  if (state.template === null) {
    return {
      strategy: 'none',
      steps: [],
      explanation: `The ${label} no longer exists: it is already gone, so there is nothing to repair.`,
      notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the template no longer exists')],
    };
  }
  const ruleIds = uniqueRuleIds(findings);
  const remove = (reason: string): DraftStep => ({ action: { type: 'ses.delete-verification-template', templateName: state.templateName }, ruleIds, reason });

  if (findings.some((f) => f.action === 'delete')) {
    const why = `Config sets action "delete" for ${ruleIds.join(', ')}, so the ${label} is deleted.`;
    return { strategy: 'delete', steps: [remove(why)], explanation: why, notRepaired };
  }
  const restore = tryBaseline(state, input.baseline, input.judge);
  if (restore.template) {
    const why = `Restores the ${label} recorded at ${input.baseline?.recordedAt} (event ${input.baseline?.eventId}), which is compliant under today's rules.`;
    const step: DraftStep = { action: { type: 'ses.update-verification-template', templateName: state.templateName, template: restore.template }, ruleIds, reason: why };
    return { strategy: 'revert-template', steps: [step], explanation: why, notRepaired };
  }
  const why = `A verification template that points outside trusted domains must not stay (it would send victims to someone else's site in the account's name), so the ${label} is deleted.`;
  return { strategy: 'delete', steps: [remove(why)], explanation: `${restore.why} ${why}`, notRepaired };
}

function tryBaseline(
  state: VerificationTemplateState,
  baseline: BaselineRecord | undefined,
  judge: (state: ResourceState) => Finding[],
): { template: Template; why?: undefined } | { template?: undefined; why: string } {
  if (!baseline) return { why: 'No last-known-good template is recorded.' };
  const parsed = parseStoredTemplate(baseline.document);
  if (!parsed.ok) return { why: `The last-known-good template (${baseline.recordedAt}) is unreadable: ${parsed.error}.` };
  const remaining = resourceFindings(judge({ ...state, template: parsed.template }));
  if (remaining.length > 0) {
    return { why: `The last-known-good template (${baseline.recordedAt}) is not compliant under today's rules (${uniqueRuleIds(remaining).join(', ')}).` };
  }
  return { template: parsed.template };
}
