import type { RuleAction } from '../config/schema.ts';
import type { BaselineRecord } from '../baseline/types.ts';
import type { Finding, ResourceState } from '../rules/types.ts';
import { describeFindings, resourceFindings, uniqueRuleIds } from './compliance.ts';
import { describeStatements, stripStatements, UnstrippableDocumentError } from './policy-document.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan, type Strategy } from './types.ts';

/**
 * The one repair strategy for anything held as a document — identity policies, inline IAM policies,
 * verification templates, event destinations: revert to the last-known-good document if today's rules
 * accept it; otherwise strip the violating statements (policies only), so the statements that carry
 * production mail keep working; delete only when nothing compliant is left. A family supplies how to
 * read a candidate document and how to write or remove it; the order and the explanations are here.
 */
export interface RepairableDocument<S extends ResourceState> {
  /** `policy "x" on example.com`, for explanations. */
  label: string;
  state: S;
  /** The document AWS holds now; null when the resource no longer exists. */
  current: string | null;
  /** The state as it would be with `document` written back, or why it cannot be (it does not parse). */
  withDocument(document: string): S | { unusable: string };
  /** Policies have statements that can be removed one by one; templates and destinations do not. */
  strippable: boolean;
  write(document: string, reason: string): DraftStep;
  remove(reason: string): DraftStep;
  /**
   * A gentler end than deleting, when config asks for it (disable an event destination). Given the notes
   * so far (why nothing gentler worked); may add one saying why it cannot soften either.
   */
  soften?: (notes: string[]) => FamilyPlan | undefined;
  /** Why a document that cannot be stripped is removed, in the alert's words. */
  whyRemove?: string;
  /** What the plan calls each outcome (a destination's revert is a restore). */
  names?: Partial<Record<'revert' | 'strip' | 'delete', Strategy>>;
}

export interface DocumentRepairInput<S extends ResourceState> {
  /** Findings to repair, already limited to the actions this family supports. */
  findings: Finding[];
  baseline?: BaselineRecord;
  judge(state: S): Finding[];
  /** Findings not repaired for reasons the family found (unsupported actions), carried into the plan. */
  notRepaired?: FamilyPlan['notRepaired'];
}

function statementIndexOf(finding: Finding): number | undefined {
  if (finding.fix.kind === 'drop-statement') return finding.fix.statementIndex;
  if (finding.fix.kind === 'revert-grant' && finding.fix.statementIndex !== undefined) return finding.fix.statementIndex;
  return finding.statement?.index;
}

export function planDocumentRepair<S extends ResourceState>(doc: RepairableDocument<S>, input: DocumentRepairInput<S>): FamilyPlan {
  const notRepaired = [...(input.notRepaired ?? [])];
  const { findings } = input;
  const name = (outcome: 'revert' | 'strip' | 'delete'): Strategy => doc.names?.[outcome] ?? outcome;
  if (findings.length === 0) {
    return { strategy: 'alert-only', steps: [], explanation: `No finding on the ${doc.label} has an action that applies to it.`, notRepaired };
  }
  if (doc.current === null) {
    return {
      strategy: 'none',
      steps: [],
      explanation: `The ${doc.label} no longer exists: it is already gone, so there is nothing to repair.`,
      notRepaired: [...notRepaired, ...notRepairedAll(findings, 'it no longer exists')],
    };
  }
  const current = doc.current;
  const plan = (strategy: Strategy, step: DraftStep, explanation: string): FamilyPlan => ({ strategy, steps: [step], explanation, notRepaired });
  const notes: string[] = [];
  // Each step says what it does; the plan's explanation also says why nothing gentler was possible.
  const explain = (sentence: string): string => [...notes, sentence].join(' ');
  const deleting = (why: string): FamilyPlan => {
    const softened = doc.soften?.(notes);
    if (softened) return { ...softened, notRepaired: [...notRepaired, ...softened.notRepaired] };
    return plan(name('delete'), doc.remove(why), explain(why));
  };

  const forced = findings.filter((f) => f.action === 'delete');
  if (forced.length > 0) {
    const why = `Config sets action "delete" for ${uniqueRuleIds(forced).join(', ')}, so the ${doc.label} is deleted.`;
    return plan(name('delete'), doc.remove(why), why);
  }

  if (findings.some((f) => f.action === 'revert') || !doc.strippable) {
    const revert = tryBaseline(doc, current, input);
    if (revert.document !== undefined) {
      const why = `Restores the last-known-good ${doc.label} recorded at ${input.baseline?.recordedAt} (event ${input.baseline?.eventId}), which is compliant under today's rules.`;
      return plan(name('revert'), doc.write(revert.document, why), why);
    }
    notes.push(revert.why);
  }

  if (!doc.strippable) {
    return deleting(doc.whyRemove ?? `It cannot be kept as it is, so the ${doc.label} is deleted.`);
  }
  const stripped = stripViolations(current, findings, (document) => doc.withDocument(document), input.judge);
  if (!stripped.ok) {
    switch (stripped.failure) {
      case 'whole-document':
        return deleting(`${stripped.why}, so removing statements cannot repair it; the ${doc.label} is deleted.`);
      case 'unstrippable':
        return deleting(`Statements cannot be removed because ${stripped.why}; the ${doc.label} is deleted.`);
      case 'nothing-left':
        return deleting(`Every statement of the ${doc.label} violates the perimeter (${stripped.listed}), so it is deleted.`);
      case 'still-noncompliant':
        return deleting(`Without ${stripped.listed} the ${doc.label} ${stripped.why}, so it is deleted.`);
    }
  }
  const kept = stripped.kept === 1 ? 'the other statement' : `the other ${stripped.kept} statements`;
  const why = `Removes ${stripped.listed} from the ${doc.label} and keeps ${kept}; the result is compliant under today's rules.`;
  return plan(name('strip'), doc.write(stripped.document, why), explain(why));
}

export type StripOutcome =
  | { ok: true; document: string; listed: string; kept: number }
  | { ok: false; failure: 'whole-document' | 'unstrippable' | 'nothing-left' | 'still-noncompliant'; why: string; listed: string };

/**
 * The one statement-stripping decision, shared by every document repair (and the managed-policy version
 * rollback): `current` without the statements the findings name, and whether the result is usable and
 * compliant under today's rules. `why` is a fragment the caller puts into its own explanation.
 */
export function stripViolations<S>(current: string, findings: readonly Finding[], withDocument: (document: string) => S | { unusable: string }, judge: (state: S) => Finding[]): StripOutcome {
  const indices = new Set<number>();
  const perDocument: Finding[] = [];
  for (const finding of findings) {
    const index = statementIndexOf(finding);
    if (index === undefined) perDocument.push(finding);
    else indices.add(index);
  }
  const listed = describeStatements(indices);
  if (perDocument.length > 0) return { ok: false, failure: 'whole-document', why: `${uniqueRuleIds(perDocument).join(', ')} judge the whole document, not a statement`, listed };
  let stripped;
  try {
    stripped = stripStatements(current, indices);
  } catch (error) {
    if (!(error instanceof UnstrippableDocumentError)) throw error;
    return { ok: false, failure: 'unstrippable', why: error.message, listed };
  }
  if (stripped.document === null) return { ok: false, failure: 'nothing-left', why: `every statement violates the perimeter (${listed})`, listed };
  const candidate = withDocument(stripped.document);
  const remaining = isUnusable(candidate) ? [] : resourceFindings(judge(candidate));
  if (isUnusable(candidate) || remaining.length > 0) {
    const still = isUnusable(candidate) ? `does not parse (${candidate.unusable})` : `still has findings (${describeFindings(remaining)})`;
    return { ok: false, failure: 'still-noncompliant', why: still, listed };
  }
  return { ok: true, document: stripped.document, listed, kept: stripped.remaining };
}

function isUnusable<S>(candidate: S | { unusable: string }): candidate is { unusable: string } {
  return typeof candidate === 'object' && candidate !== null && 'unusable' in candidate;
}

function tryBaseline<S extends ResourceState>(
  doc: RepairableDocument<S>,
  current: string,
  input: DocumentRepairInput<S>,
): { document: string; why?: undefined } | { document?: undefined; why: string } {
  const baseline = input.baseline;
  if (!baseline) return { why: `No last-known-good version of the ${doc.label} is recorded, so it cannot be reverted.` };
  if (baseline.document === current) {
    return { why: `The last-known-good version (recorded ${baseline.recordedAt}) is the current one, which today's rules no longer accept.` };
  }
  const candidate = doc.withDocument(baseline.document);
  if (isUnusable(candidate)) return { why: `The last-known-good version recorded ${baseline.recordedAt} cannot be restored: ${candidate.unusable}.` };
  const remaining = resourceFindings(input.judge(candidate));
  if (remaining.length > 0) {
    return { why: `The last-known-good version recorded ${baseline.recordedAt} is not compliant under today's rules (${uniqueRuleIds(remaining).join(', ')}), so it is not restored.` };
  }
  return { document: baseline.document };
}

/** Findings whose action this family can take, and the others as not repaired (saying which actions apply). */
export function splitByAction(findings: readonly Finding[], supported: readonly RuleAction[], what: string): { findings: Finding[]; notRepaired: FamilyPlan['notRepaired'] } {
  const ok = findings.filter((f) => supported.includes(f.action));
  const notRepaired = findings
    .filter((f) => !supported.includes(f.action))
    .map((f) => ({ ruleId: f.ruleId, reason: `action "${f.action}" does not apply to ${what}; use ${listOf(supported)}` }));
  return { findings: ok, notRepaired };
}

/** "a, b or c". */
function listOf(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
