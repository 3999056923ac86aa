import { z } from 'zod';
import type { ChangeBase, ChangeFamily, ParsedEvent, Skip } from './types.ts';
import { describeZodError, type CloudTrailRecord } from './record.ts';

export interface ParseOptions {
  /** ARN patterns (`*`, `?`) of the guard's own IAM roles: their calls are the guard's repairs. */
  ownRoleArns: string[];
  /** `sesguard-<stage>-`: every guard resource (rule, function, topic, role, table) is named with it. */
  guardResourcePrefix: string;
}

/** What a family parser sees: the validated record and the fields every Change shares. */
export interface ParseContext {
  record: CloudTrailRecord;
  base: ChangeBase;
  options: ParseOptions;
}

/**
 * A parser's way of saying "this event is not mine" (e.g. PutRolePolicy on a role that is not the
 * guard's), so the dispatcher can offer it to the next family, or skip it with this reason.
 */
export interface NotMine {
  notMine: string;
}

export type ParserResult = ParsedEvent | NotMine;

/** One (eventSource, eventName) a family handles: the row of SUPPORTED_EVENTS and its parser. */
export interface EventParser {
  eventSource: string;
  eventName: string;
  family: ChangeFamily;
  parse(ctx: ParseContext): ParserResult;
}

export function isNotMine(result: ParserResult): result is NotMine {
  return 'notMine' in result;
}

export function malformed(ctx: ParseContext, detail: string): Skip {
  return { skip: true, reason: 'malformed', detail, eventId: ctx.base.eventId, eventName: ctx.base.eventName };
}

/**
 * Validates requestParameters with a family's schema. A malformed result names the field as
 * `detail.requestParameters.<field>`; absent requestParameters is validated as `{}` so the error names
 * the missing field rather than the container.
 */
export function parseParameters<S extends z.ZodType>(
  schema: S,
  ctx: ParseContext,
): { ok: true; value: z.infer<S> } | { ok: false; skip: Skip } {
  const result = schema.safeParse(ctx.record.requestParameters ?? {});
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, skip: malformed(ctx, describeZodError('detail.requestParameters', result.error)) };
}

/**
 * Renames keys to the canonical spelling when they differ only by case. CloudTrail lower-cases the
 * first letter of each request member, which turns SES v1's `SNSDestination`/`TopicARN` into
 * `sNSDestination`/`topicARN` while SES v2 has `snsDestination`/`topicArn`; comparing
 * case-insensitively accepts both without guessing the exact casing of every member.
 */
export function canonicalKeys(canonical: readonly string[]) {
  const byLower = new Map(canonical.map((k) => [k.toLowerCase(), k]));
  return (input: unknown): unknown => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      const name = byLower.get(key.toLowerCase()) ?? key;
      // An exact-case key wins over a differently cased duplicate.
      if (name in out && key !== name) continue;
      out[name] = value;
    }
    return out;
  };
}

/** A policy document as CloudTrail records it: the JSON string that was sent, or (rarely) an object. */
export const PolicyDocumentParam = z.union([z.string(), z.record(z.string(), z.unknown())], {
  error: (issue) => (issue.input === undefined ? 'is required' : 'must be a JSON policy string or a policy object'),
});

/**
 * Whether a resource name is one of the guard's own. Case-sensitive, like the EventBridge `prefix`
 * filter that routes shared events (lib/deploy patterns), so the parser and the pattern agree on which
 * function owns an event. An empty prefix names nothing: it must never make every role a guard role.
 */
export function hasGuardPrefix(name: string, prefix: string): boolean {
  return prefix.length > 0 && name.startsWith(prefix);
}
