import { decodePolicyDocumentText } from '../policy/index.ts';

/**
 * Edits of a policy document as JSON text. Statements are removed from the document AWS holds, never
 * from the normalised `Policy`: re-serialising the normalised form would rewrite every other statement
 * (single values become lists, Principal "*" becomes an object) and the alert's diff would show changes
 * nobody made.
 */

/** The document is not a JSON object with a Statement, so statements cannot be removed from it. */
export class UnstrippableDocumentError extends Error {
  override readonly name = 'UnstrippableDocumentError';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The indentation the author used, so a pretty-printed policy stays pretty-printed. */
function indentOf(text: string): string | number {
  const match = /\n([ \t]+)"/.exec(text);
  return match?.[1] ?? 0;
}

export interface StrippedDocument {
  /** The document without the statements; null when no statement is left (delete the policy instead). */
  document: string | null;
  remaining: number;
}

/**
 * The document minus the statements at `indices` (positions in its Statement array; a single-object
 * Statement is index 0). Every other element keeps its key order and its values as written.
 */
export function stripStatements(raw: string, indices: ReadonlySet<number>): StrippedDocument {
  let parsed: unknown;
  const text = decodePolicyDocumentText(raw) ?? raw;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UnstrippableDocumentError(`the document is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) throw new UnstrippableDocumentError('the document is not a JSON object');
  const statement = parsed['Statement'];
  let kept: unknown[];
  if (Array.isArray(statement)) kept = statement.filter((_, index) => !indices.has(index));
  else if (isPlainObject(statement)) kept = indices.has(0) ? [] : [statement];
  else throw new UnstrippableDocumentError('the document has no Statement object or array');
  if (kept.length === 0) return { document: null, remaining: 0 };

  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // A single-object Statement that survives is written back as it was, not wrapped in a list.
    out[key] = key === 'Statement' ? (Array.isArray(statement) ? kept : statement) : value;
  }
  return { document: JSON.stringify(out, null, indentOf(text)), remaining: kept.length };
}

/** "statement 2" or "statements 0, 3", for explanations. */
export function describeStatements(indices: Iterable<number>): string {
  const sorted = [...indices].sort((a, b) => a - b);
  return `${sorted.length === 1 ? 'statement' : 'statements'} ${sorted.join(', ')}`;
}
