export { judge, RULES, ruleById, configuredAction } from './registry.ts';
export { SENDING_ACTIONS } from './identity-policy-rules.ts';
export { PERIMETER_ACTIONS } from './iam-rules.ts';
export type { Finding, Fix, RawFinding, Rule, RuleContext } from './types.ts';
