import type { z } from 'zod';

/**
 * Every untrusted input is parsed with zod, and every rejection must name the field. One wording for all
 * of them: `path.to.field: message`, or `<root>: message` when the value itself is wrong.
 */
export function describeZodIssues(error: z.ZodError, root = '(root)'): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : root}: ${issue.message}`);
}
