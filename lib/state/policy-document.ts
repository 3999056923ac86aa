import { parsePolicy } from '../policy/parse.ts';
import type { Policy, PolicyError } from '../policy/types.ts';

/** A policy document as AWS holds it: the text, and what it means (or why it cannot be parsed). */
export interface ReadDocument {
  rawDocument: string;
  document: Policy | null;
  parseErrors?: string[];
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986), and SES can too; a decoded document starts with
 * `{`, an encoded one with `%7B` (or encoded whitespace). Decoding an already decoded document could
 * corrupt it (a literal `%` in a condition value) or throw, so only encoded text is decoded.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
 */
export function decodePolicyDocument(raw: string): string {
  if (raw.trimStart().startsWith('{')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function describePolicyError(error: PolicyError): string {
  const where = error.statement !== undefined ? `Statement[${error.statement}].${error.field}` : error.field;
  return `${where}: ${error.message}`;
}

/** Decodes and parses a document as returned by AWS. */
export function readPolicyDocument(raw: string): ReadDocument {
  const rawDocument = decodePolicyDocument(raw);
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
