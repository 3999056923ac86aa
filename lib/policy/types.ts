/**
 * The policy engine's vocabulary. A parsed policy is normalised: every list-or-string element is a list,
 * Principal is a PrincipalSet, conditions are flattened to clauses. Nothing downstream sees raw JSON.
 */

export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';

/** Principal / NotPrincipal, normalised. `"*"` and `{"AWS":"*"}` both set `wildcard`. */
export interface PrincipalSet {
  wildcard: boolean;
  AWS: string[];
  Service: string[];
  Federated: string[];
  CanonicalUser: string[];
}

/**
 * One operator applied to one key, e.g. `ForAnyValue:StringLikeIfExists` on `ses:Recipients`.
 * `operator` keeps AWS's spelling as written; `key` keeps the author's spelling (AWS compares keys
 * case-insensitively, so compare with `key.toLowerCase()`).
 */
export interface ConditionClause {
  operator: string;
  key: string;
  values: string[];
}

export interface Statement {
  /** Position in the document's Statement array (0-based); a single-object Statement is index 0. */
  index: number;
  sid?: string;
  effect: Effect;
  principal?: PrincipalSet;
  notPrincipal?: PrincipalSet;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: ConditionClause[];
}

export interface Policy {
  version: PolicyVersion;
  id?: string;
  statements: Statement[];
}

/** Why AWS would reject a document. `statement` is the index, absent for document-level errors. */
export interface PolicyError {
  statement?: number;
  field: string;
  message: string;
}

export type ParseResult = { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] };

/** A statement cited by a decision or a finding. `policy` is the caller's label for the document. */
export interface StatementRef {
  policy: string;
  index: number;
  sid?: string;
  effect: Effect;
}

export type ContextValue = string | number | boolean | ReadonlyArray<string | number | boolean>;

export interface EvaluationRequest {
  action: string;
  resource: string;
  principal?: string;
  /** Request context keyed by condition key (any case). Multi-valued keys are arrays. */
  context: Readonly<Record<string, ContextValue>>;
}

export type EvaluationDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  decision: EvaluationDecision;
  /** The statements that decided it: matching Denies for ExplicitDeny, matching Allows for Allow, none for ImplicitDeny. */
  statements: StatementRef[];
}

export interface LabelledPolicy {
  label: string;
  policy: Policy;
}

export interface PolicySet {
  identityPolicies: LabelledPolicy[];
  /** Same-account resource policy: its Allow counts as well as the identity policies'. */
  resourcePolicy?: LabelledPolicy;
}

/** What one statement does, for rules: the analysis questions of DESIGN.md §1. */
export interface StatementGrant {
  ref: StatementRef;
  /** Concrete actions from the catalogue that the statement's Action/NotAction covers, canonical case. */
  actions: string[];
  /** True when the statement covers every action of the service asked about (e.g. `ses:*`, `*`, NotAction). */
  allActions: boolean;
  resources: string[];
  notResources: string[];
  principal?: PrincipalSet;
  notPrincipal?: PrincipalSet;
  conditions: ConditionClause[];
  /** Lower-cased condition keys that constrain the statement. */
  conditionKeys: string[];
}
