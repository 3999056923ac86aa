import { judge } from '../../lib/rules/judge.ts';
import type { Finding, RuleContext } from '../../lib/rules/types.ts';
import { stateFacet, type CheckInput, type CheckTarget, type FamilyJudging } from '../../lib/families/family.ts';
import { JUDGING_LIST } from '../../lib/families/judging.ts';
import { isRecord } from '../../lib/families/check-helpers.ts';
import { HISTORY_FORMAT_NAMES, recogniseHistory } from '../../lib/cloudtrail/sources.ts';
import { RULE_IDS } from '../../lib/config/schema.ts';

/**
 * What `sesguard check` accepts: the JSON a team is about to deploy, turned by the family that knows it
 * into the state its rules judge at runtime, so the check and the guard share one decision. The kinds come
 * from the registry: a family's `checks` facet.
 */
interface RegisteredInput {
  family: FamilyJudging;
  input: CheckInput;
}

const INPUTS: readonly RegisteredInput[] = JUDGING_LIST.flatMap((family) => family.checks.map((input) => ({ family, input })));

export const CHECK_KINDS: readonly string[] = INPUTS.map(({ input }) => input.kind);

export interface KindInference {
  kind: string;
  /** Why the kind was chosen, shown to the user. */
  because: string;
  inferred: boolean;
}

function registered(kind: string): RegisteredInput {
  const found = INPUTS.find(({ input }) => input.kind === kind);
  if (!found) throw new Error(`no check input of kind ${kind}`);
  return found;
}

export function inferKind(document: unknown): Omit<KindInference, 'inferred'> | undefined {
  for (const { input } of INPUTS) {
    const because = input.recognise(document);
    if (because !== undefined) return { kind: input.kind, because };
  }
  return undefined;
}

const CONFIG_FIELDS = new Set(['mode', 'trustedAccounts', 'trustedOrgIds', 'trustedDomains', 'adminPrincipals', 'exemptions', 'rules', 'quarantinePolicyName', 'eventDestinationRemoval', 'alerts', 'lint']);

/**
 * What an input that is none of the check kinds is, with what to do instead; undefined when it is not
 * recognisably anything else. An input of another kind must never be judged as the kind asked for.
 */
export function describeForeignInput(document: unknown): string | undefined {
  const history = recogniseHistory(document);
  if (history) return `this is ${HISTORY_FORMAT_NAMES[history]}, not a policy or definition: use \`sesguard replay\` to see what the guard would do with it`;
  if (isRecord(document)) {
    const keys = Object.keys(document);
    if (keys.length > 0 && keys.every((k) => CONFIG_FIELDS.has(k))) return 'this is a sesguard config: use `sesguard config validate FILE`, or pass it with --config';
    if (keys.length > 0 && keys.every((k) => ['policies', 'principals', 'versions'].includes(k))) return 'this is a replay state sidecar (<event>.state.json): `sesguard replay` reads it beside its event';
    if (typeof document['format_version'] === 'string' && 'values' in document && !('resource_changes' in document)) {
      return 'this is Terraform state, not a plan: check the plan (`terraform show -json plan.out`)';
    }
    if (Array.isArray(document['findings']) || (Array.isArray(document['runs']) && document['version'] === '2.1.0')) return 'this is a report (sesguard or SARIF output), not an input';
  }
  return undefined;
}

/** One checked document: its state judged by its family's rules. */
export interface CheckedDocument {
  resource: string;
  findings: Finding[];
  pointer(finding: Finding): ReadonlyArray<string | number>;
}

export function checkDocument(
  file: string,
  kind: string,
  document: Record<string, unknown>,
  target: CheckTarget,
  context: Pick<RuleContext, 'config' | 'now'>,
): CheckedDocument {
  const { family, input } = registered(kind);
  const built = input.build(file, document, target);
  const findings = judge(built.state, { ...context, accountId: built.account, region: built.region }, family.rules);
  return {
    resource: stateFacet(family.states, built.state).resource(built.state),
    findings,
    pointer: (finding) => input.pointer(finding, document),
  };
}

export function describeKinds(): string {
  return INPUTS.map(({ input }) => `  ${input.kind.padEnd(22)} ${input.description}`).join('\n');
}

/** Rule ids in the order they are listed, for sorting within a severity. */
export const RULE_ORDER: ReadonlyMap<string, number> = new Map(RULE_IDS.map((id, i) => [id, i]));
