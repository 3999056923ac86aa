export { judge, RULES, ruleById, configuredAction } from './registry.ts';
export type { Finding, Fix, RawFinding, Rule, RuleContext } from './types.ts';
