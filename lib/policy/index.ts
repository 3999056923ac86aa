export type * from './types.ts';
export { parsePolicy } from './parse.ts';
export { analyzePolicy, analyzeStatement } from './analyze.ts';
export {
  ActionCatalogUnavailableError,
  actionMatches,
  actionsOfService,
  configureActionCatalog,
  expandActionPatterns,
  isKnownService,
  knownServices,
} from './action-catalog.ts';
export { matchArn, matchGlob } from './wildcard.ts';
export { parseOperator } from './operators.ts';
export type { ParsedOperator, BaseOperator, OperatorFamily, SetOperator } from './operators.ts';
export { evaluate, compilePolicy, contextLookup } from './evaluate.ts';
export { compileCondition, UnknownConditionOperatorError } from './conditions.ts';
export type { ConditionPredicate } from './conditions.ts';
export type { ContextLookup } from './variables.ts';
export { matchesPrincipalSet } from './principal.ts';
export { accountOfPrincipal } from './arn.ts';
export { explainStatements } from './explain.ts';
export type { StatementExplanation } from './explain.ts';
export { accountOfArn, isAccountId } from './arn.ts';
export { matchesArnPattern, matchesAnyArnPattern } from './wildcard.ts';
export { clausePins, clauseRestricts, conditionsPinToTrusted, type Trust, type PinScope, type PinVerdict, type ClauseVerdict } from './pinning.ts';
export { decodePolicyDocumentText } from './document-text.ts';
export { findReachableGrant, PERIMETER_RESOURCE_TYPES } from './reach.ts';
export type { ReachInput, ReachResult, ReachableGrant } from './reach.ts';
export { lintPolicy, SIZE_LIMITS } from './lint.ts';
export type { LintCode, LintFinding, LintOptions, PolicyKind, IamContainer } from './lint.ts';
export { neverTrue } from './satisfiability.ts';
export type { NeverTrue } from './satisfiability.ts';
export { actionCarriesKey, actionDetails, conditionKeyInfo } from './action-catalog.ts';
export type { ActionDetails } from './action-catalog.ts';
export { classifyAction, isLiveAction } from './action-pattern.ts';
export type { ActionPattern } from './action-pattern.ts';
export { expandShortArn } from './wildcard.ts';
