import { compilePolicy, contextLookup, principalApplies } from './evaluate.ts';
import type { ConditionClause, EvaluationRequest, PolicySet, StatementRef } from './types.ts';

/**
 * Why each statement did or did not apply to a request: for people reading `sesguard simulate` and
 * alerts. Uses the same compiled checks as `evaluate`, so the explanation cannot drift from the decision.
 */
export interface StatementExplanation {
  ref: StatementRef;
  applies: boolean;
  action: boolean;
  resource: boolean;
  /** Only for resource-policy statements. */
  principal?: boolean;
  conditions: Array<{ clause: ConditionClause; matches: boolean }>;
}

export function explainStatements(request: EvaluationRequest, policies: PolicySet): StatementExplanation[] {
  const lookup = contextLookup(request.context);
  const lowerAction = request.action.toLowerCase();
  const out: StatementExplanation[] = [];
  const all = [
    ...policies.identityPolicies.map((p) => ({ p, resourcePolicy: false })),
    ...(policies.resourcePolicy ? [{ p: policies.resourcePolicy, resourcePolicy: true }] : []),
  ];
  for (const { p, resourcePolicy } of all) {
    for (const s of compilePolicy(p.policy).statements) {
      const action = s.action(lowerAction);
      const resource = s.resource(request.resource, lookup);
      const principal = resourcePolicy ? principalApplies(s.statement, request.principal) : undefined;
      const conditions = s.statement.conditions.map((clause, i) => ({ clause, matches: s.conditions[i]!(lookup) }));
      out.push({
        ref: { policy: p.label, ...s.ref },
        applies: action && resource && principal !== false && conditions.every((c) => c.matches),
        action,
        resource,
        ...(principal !== undefined ? { principal } : {}),
        conditions,
      });
    }
  }
  return out;
}
