import type { Config, RuleAction } from '../config/schema.ts';
import type { ResourceState } from '../state/types.ts';
import { CUSTOM_VERIFICATION_RULES } from './custom-verification-rules.ts';
import { EVENT_DESTINATION_RULES } from './event-destination-rules.ts';
import { findExemption } from './exemptions.ts';
import { IAM_RULES } from './iam-rules.ts';
import { IDENTITY_POLICY_RULES } from './identity-policy-rules.ts';
import { GUARD_INTEGRITY_RULES } from './guard-integrity-rules.ts';
import type { Finding, RawFinding, Rule, RuleContext } from './types.ts';

/**
 * The rule catalogue of DESIGN.md §3. GUARD-001 judges the event itself (carried in the guard-integrity
 * state), since a deleted rule or a stopped trail has no state left to read.
 */
export const RULES: readonly Rule[] = [
  ...IDENTITY_POLICY_RULES,
  ...EVENT_DESTINATION_RULES,
  ...CUSTOM_VERIFICATION_RULES,
  ...IAM_RULES,
  ...GUARD_INTEGRITY_RULES,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}

/** The action a rule's findings ask for: the per-rule override, else the rule's default as shaped by config. */
export function configuredAction(rule: Rule, config: Config): RuleAction {
  const override = config.rules[rule.id]?.action;
  if (override) return override;
  if (rule.defaultAction === 'remove-destination' && config.eventDestinationRemoval === 'disable') return 'disable-destination';
  return rule.defaultAction;
}

/** Every ARN a finding is about, for exemption matching. */
function subjectsOf(raw: RawFinding): string[] {
  const subjects = [raw.resource];
  if (raw.fix.kind === 'quarantine-actor') {
    if (raw.fix.actor.arn) subjects.push(raw.fix.actor.arn);
    if (raw.fix.actor.sessionIssuerArn) subjects.push(raw.fix.actor.sessionIssuerArn);
  }
  if (raw.fix.kind === 'revert-grant' && raw.fix.principalArn) subjects.push(raw.fix.principalArn);
  return subjects;
}

/**
 * Runs every enabled rule that applies to the state and resolves each finding's severity, action and
 * exemption from config. Pure: the same state, config and `now` always give the same findings.
 */
export function judge(state: ResourceState, ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (!rule.appliesTo.includes(state.kind)) continue;
    const override = ctx.config.rules[rule.id];
    if (override?.enabled === false) continue;
    const severity = override?.severity ?? rule.defaultSeverity;
    const action = configuredAction(rule, ctx.config);
    for (const raw of rule.evaluate(state, ctx)) {
      const match = findExemption(ctx.config.exemptions, rule.id, subjectsOf(raw), ctx.now);
      const finding: Finding = {
        ...raw,
        ruleId: rule.id,
        severity,
        // A finding with nothing to repair can only be reported.
        action: raw.fix.kind === 'none' ? 'alert' : action,
      };
      if (match?.status === 'active') {
        finding.exemption = { reason: match.exemption.reason, expires: match.exemption.expires };
      } else if (match?.status === 'expired') {
        finding.reason = `${raw.reason} An exemption for this (${match.exemption.reason}) expired on ${match.exemption.expires} and no longer applies.`;
      }
      findings.push(finding);
    }
  }
  return findings;
}
