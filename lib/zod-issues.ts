import type * as z from './zod.ts';

/**
 * Every untrusted input is parsed with zod, and every rejection must name the field. One wording for all
 * of them: `path.to.field: message`, or `<root>: message` when the value itself is wrong.
 */
export interface ZodIssueWording {
  /** Written before every path (`detail.requestParameters`). */
  prefix?: string;
  /** Names the value itself when the issue has no path (default `(root)`). */
  root?: string;
  /**
   * The input as the user wrote it: each path segment is then spelled as the input spells it. Schemas that
   * match member names case-insensitively report canonical names, but an error must name the field written.
   */
  spelledAs?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function spelledPath(path: readonly PropertyKey[], original: unknown): string[] {
  const out: string[] = [];
  let node = original;
  for (const segment of path.map(String)) {
    const written = isRecord(node) ? Object.keys(node).find((key) => key.toLowerCase() === segment.toLowerCase()) : undefined;
    out.push(written ?? segment);
    node = isRecord(node) && written !== undefined ? node[written] : Array.isArray(node) ? node[Number(segment)] : undefined;
  }
  return out;
}

export function describeZodIssues(error: z.core.$ZodError, wording: ZodIssueWording | string = {}): string[] {
  const { prefix, root = '(root)', spelledAs } = typeof wording === 'string' ? { root: wording } : wording;
  return error.issues.map((issue) => {
    const segments = spelledAs !== undefined ? spelledPath(issue.path, spelledAs) : issue.path.map(String);
    const path = [prefix, ...segments].filter((p): p is string => p !== undefined && p.length > 0).join('.');
    return `${path || root}: ${issue.message}`;
  });
}
