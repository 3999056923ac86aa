import { judge } from '../../lib/rules/judge.ts';
import type { Finding, RuleContext } from '../../lib/rules/types.ts';
import { stateFacet, type CheckInput, type CheckTarget, type Family } from '../../lib/families/family.ts';
import { FAMILY_LIST } from '../../lib/families/index.ts';

/**
 * What `sesguard check` accepts: the JSON a team is about to deploy, turned by the family that knows it
 * into the state its rules judge at runtime, so the check and the guard share one decision. The kinds come
 * from the registry: a family's `checks` facet.
 */
interface RegisteredInput {
  family: Family;
  input: CheckInput;
}

const INPUTS: readonly RegisteredInput[] = FAMILY_LIST.flatMap((family) => family.checks.map((input) => ({ family, input })));

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
