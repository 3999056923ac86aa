import { decodePolicyDocumentText, parsePolicy } from '../policy/index.ts';
import type { Policy, PolicyError } from '../policy/types.ts';

/** A policy document as AWS holds it: the text, and what it means (or why it cannot be parsed). */
export interface ReadDocument {
  rawDocument: string;
  document: Policy | null;
  parseErrors?: string[];
}

export function describePolicyError(error: PolicyError): string {
  const where = error.statement !== undefined ? `Statement[${error.statement}].${error.field}` : error.field;
  return `${where}: ${error.message}`;
}

/** Decodes and parses a document as returned by AWS. */
export function readPolicyDocument(raw: string): ReadDocument {
  const rawDocument = decodePolicyDocumentText(raw) ?? raw;
  const parsed = parsePolicy(rawDocument);
  return parsed.ok ? { rawDocument, document: parsed.policy } : { rawDocument, document: null, parseErrors: parsed.errors.map(describePolicyError) };
}

/** A document from an event payload or a fixture: text as sent, or already a JSON object. */
export function readPolicyInput(input: unknown): ReadDocument {
  if (typeof input === 'string') return readPolicyDocument(input);
  const parsed = parsePolicy(input);
  const rawDocument = JSON.stringify(input);
  return parsed.ok ? { rawDocument, document: parsed.policy } : { rawDocument, document: null, parseErrors: parsed.errors.map(describePolicyError) };
}
