import * as z from '../../lib/zod.ts';
import { evaluate } from '../../lib/policy/evaluate.ts';
import { parsePolicy } from '../../lib/policy/parse.ts';
import type { EvaluationRequest, LabelledPolicy, PolicyError, PolicySet, StatementRef } from '../../lib/policy/types.ts';
import { describeZodIssues } from '../../lib/zod-issues.ts';

/** One line of `sesguard simulate --jsonl`: the case as given and the answer written back. */

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const simulateCaseSchema = z.object({
  id: z.union([z.string(), z.number()]),
  policies: z.array(z.unknown()),
  resourcePolicy: z.optional(z.unknown()),
  request: z.object({
    action: z.string().check(z.minLength(1)),
    resource: z.string().check(z.minLength(1)),
    principal: z.optional(z.string().check(z.minLength(1))),
    context: z._default(z.record(z.string(), z.union([scalar, z.array(scalar)])), {}),
  }),
});

export type SimulateCase = z.infer<typeof simulateCaseSchema>;

export type SimulateOutput =
  | { id: string | number; decision: string; statements: StatementRef[] }
  | { id: string | number | null; error: string };

export class CaseError extends Error {
  override name = 'CaseError';
}

function describePolicyErrors(label: string, errors: PolicyError[]): string {
  return errors
    .map((e) => `${label}${e.statement !== undefined ? ` statement ${e.statement}` : ''} ${e.field}: ${e.message}`)
    .join('; ');
}

/** Parses a document under a label; throws CaseError naming the label, statement and field. */
export function labelled(label: string, document: unknown): LabelledPolicy {
  const r = parsePolicy(document);
  if (!r.ok) throw new CaseError(describePolicyErrors(label, r.errors));
  return { label, policy: r.policy };
}

/** Builds the policy set and request; throws CaseError naming the bad part. */
export function caseToEvaluation(c: SimulateCase): { request: EvaluationRequest; policies: PolicySet } {
  const identityPolicies = c.policies.map((p, i) => labelled(`policies[${i}]`, p));
  const policies: PolicySet = {
    identityPolicies,
    ...(c.resourcePolicy !== undefined ? { resourcePolicy: labelled('resourcePolicy', c.resourcePolicy) } : {}),
  };
  const request: EvaluationRequest = {
    action: c.request.action,
    resource: c.request.resource,
    ...(c.request.principal !== undefined ? { principal: c.request.principal } : {}),
    context: c.request.context,
  };
  return { request, policies };
}

function idOf(value: unknown): string | number | null {
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}

/** Evaluates one JSONL line; never throws. */
export function simulateLine(line: string, lineNumber: number): SimulateOutput {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { id: null, error: `line ${lineNumber}: not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = simulateCaseSchema.safeParse(json);
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error, '(case)').join('; ');
    return { id: idOf(json), error: `line ${lineNumber}: ${issues}` };
  }
  try {
    const { request, policies } = caseToEvaluation(parsed.data);
    const result = evaluate(request, policies);
    return { id: parsed.data.id, decision: result.decision, statements: result.statements };
  } catch (err) {
    return { id: parsed.data.id, error: `line ${lineNumber}: ${err instanceof Error ? err.message : String(err)}` };
  }
}
