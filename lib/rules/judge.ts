import type { Config, RuleAction } from '../config/schema.ts';
import { findExemption } from './exemptions.ts';
import type { Finding, RawFinding, ResourceState, Rule, RuleContext } from './types.ts';

/** The action a rule's findings ask for: the per-rule override, else the rule's default as shaped by config. */
export function configuredAction(rule: Pick<Rule, 'id' | 'defaultAction'>, config: Config): RuleAction {
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
 * Runs every enabled rule of `rules` (a family's) that applies to the state and resolves each finding's
 * severity, action and exemption from config. Pure: the same state, config and `now` always give the
 * same findings.
 */
export function judge<S extends ResourceState>(state: S, ctx: RuleContext, rules: readonly Rule<S>[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
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
