import { actionMatches, actionsOfService, expandActionPatterns, knownServices } from './action-catalog.ts';
import type { Policy, Statement, StatementGrant } from './types.ts';

/**
 * What each statement grants or denies, for rules: concrete actions (from the catalogue), resources,
 * principals and the condition keys that constrain it. With `service` (e.g. `ses`), actions are limited
 * to that service and `allActions` says whether the statement covers every one of them.
 */
export function analyzePolicy(policy: Policy, label: string, service?: string): StatementGrant[] {
  return policy.statements.map((s) => analyzeStatement(s, label, service));
}

export function analyzeStatement(statement: Statement, label: string, service?: string): StatementGrant {
  const { actions, allActions } = coveredActions(statement, service);
  return {
    ref: {
      policy: label,
      index: statement.index,
      ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
      effect: statement.effect,
    },
    actions,
    allActions,
    // A statement with no Resource/NotResource (a trust policy) applies to the resource it is attached to.
    resources: statement.resource ?? (statement.notResource ? [] : ['*']),
    notResources: statement.notResource ?? [],
    ...(statement.principal ? { principal: statement.principal } : {}),
    ...(statement.notPrincipal ? { notPrincipal: statement.notPrincipal } : {}),
    conditions: statement.conditions,
    conditionKeys: [...new Set(statement.conditions.map((c) => c.key.toLowerCase()))],
  };
}

function universe(service?: string): string[] {
  if (service !== undefined) return [...actionsOfService(service)];
  const all: string[] = [];
  for (const svc of knownServices()) for (const a of actionsOfService(svc)) all.push(a);
  return all;
}

function coveredActions(statement: Statement, service?: string): { actions: string[]; allActions: boolean } {
  if (statement.notAction) {
    // NotAction grants everything it does not list — across every service unless one is asked about.
    const excluded = statement.notAction;
    const all = universe(service);
    const actions = all.filter((a) => !excluded.some((p) => actionMatches(p, a))).sort();
    return { actions, allActions: actions.length === all.length };
  }
  const patterns = statement.action ?? [];
  const actions = expandActionPatterns(patterns, service);
  const whole = patterns.some((p) => coversWholeService(p, service));
  if (whole) return { actions, allActions: true };
  const all = service !== undefined ? actionsOfService(service) : null;
  return { actions, allActions: all !== null && all.length > 0 && actions.length === all.length };
}

/** `*`, `ses:*`, `s*:*`: every action of the service, including ones the catalogue does not know yet. */
function coversWholeService(pattern: string, service?: string): boolean {
  if (pattern === '*') return true;
  const colon = pattern.indexOf(':');
  if (colon < 0) return false;
  if (pattern.slice(colon + 1) !== '*') return false;
  if (service === undefined) return pattern.slice(0, colon) === '*';
  return actionMatches(pattern.slice(0, colon), service);
}
