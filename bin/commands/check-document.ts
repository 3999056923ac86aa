import type { Config } from '../../lib/config/schema.ts';
import { InvalidInputError, type CheckTarget } from '../../lib/families/family.ts';
import { checkDocument, RULE_ORDER } from './check-inputs.ts';
import { SEVERITY_RANK, type LocatedFinding, type ResourceReport } from './check-format.ts';
import { lintFindings, type LintTarget } from './check-lint.ts';

/** How one `sesguard check` input is judged: the command line's choices. */
export interface CheckOptions {
  givenKind: string | undefined;
  config: Config;
  account: string | undefined;
  /** --region when given; IaC inputs otherwise use the region they name. */
  region: string | undefined;
  resource: string | undefined;
  principals: readonly string[];
  parameters: Record<string, string>;
  now: Date;
}

/** Where a resource is when neither the command line nor the input names a region. */
export const DEFAULT_REGION = 'us-east-1';

const bySeverityThenRule = (a: LocatedFinding, b: LocatedFinding): number =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  (RULE_ORDER.get(a.ruleId) ?? RULE_ORDER.size) - (RULE_ORDER.get(b.ruleId) ?? RULE_ORDER.size) ||
  (a.statement?.index ?? -1) - (b.statement?.index ?? -1) ||
  a.line - b.line;

/** Where a lint finding's field is: `Condition.Bool.ses:RequireTLS` -> Statement[i].Condition.Bool["ses:RequireTLS"]. */
function lintPointer(statement: number | undefined, field: string | undefined): Array<string | number> {
  if (statement === undefined) return [];
  const [element, operator, ...key] = (field ?? '').split('.');
  return ['Statement', statement, ...[element, operator, key.length > 0 ? key.join('.') : undefined].filter((p): p is string => p !== undefined && p !== '')];
}

const POLICY_KINDS: ReadonlySet<string> = new Set(['identity-policy', 'iam-policy']);

/** Judges one document of a given kind (and lints it when it is a policy), locating each finding with `line`. */
export function judgeDocument(
  name: string,
  kind: string,
  document: Record<string, unknown>,
  target: CheckTarget,
  options: CheckOptions,
  line: (pointer: ReadonlyArray<string | number>) => number,
  lint: Omit<LintTarget, 'kind' | 'resource'> | undefined,
): Pick<ResourceReport, 'resource' | 'findings' | 'errors'> {
  try {
    const checked = checkDocument(name, kind, document, target, { config: options.config, now: options.now });
    const located = checked.findings.map((finding): LocatedFinding => ({ ...finding, line: line(checked.pointer(finding)) }));
    if (lint && POLICY_KINDS.has(kind)) {
      const linted = lintFindings(document, { ...lint, kind: kind as LintTarget['kind'], resource: checked.resource }, options.config);
      located.push(...linted.map((finding): LocatedFinding => ({ ...finding, line: line(lintPointer(finding.statement?.index, finding.field)) })));
    }
    const findings = located.sort(bySeverityThenRule);
    return { resource: checked.resource, findings, errors: [] };
  } catch (error) {
    if (error instanceof InvalidInputError) return { findings: [], errors: error.problems };
    throw error;
  }
}
