import * as z from '../zod.ts';
import type { Change, ChangeBase, Skip } from './types.ts';
import type { CloudTrailRecord } from './record.ts';
import { describeZodIssues } from '../zod-issues.ts';

export interface ParseOptions {
  /**
   * The exact ARNs of the guard's own IAM roles (never patterns: lib/cloudtrail/own-role.ts): their calls
   * are the guard's repairs, and the guard-integrity family knows the guard's roles by them.
   */
  ownRoleArns: readonly string[];
  /** `sesguard-<stage>-`: every guard resource (rule, function, topic, role, table) is named with it. */
  guardResourcePrefix: string;
  /** Names of the guard's own managed policies (quarantine, revoke-sessions): undoing them undoes a repair. */
  guardPolicyNames?: readonly string[];
  /** ARNs of the guard's KMS keys (the alert topic's key): a KMS call names a key by id or ARN only. */
  guardKeyArns?: readonly string[];
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

export type ParserResult<C extends Change = Change> = C | Skip | NotMine;

/**
 * One (eventSource, eventName) a family handles and its parser. The EventBridge patterns are built from
 * the same rows, so a pattern can never match an event no parser handles, nor miss one a parser does.
 */
export interface EventParser<C extends Change = Change> {
  eventSource: string;
  eventName: string;
  family: C['family'];
  parse(ctx: ParseContext): ParserResult<C>;
}

export function isNotMine<C extends Change>(result: ParserResult<C>): result is NotMine {
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
export function parseParameters<S extends z.ZodMiniType>(
  schema: S,
  ctx: ParseContext,
): { ok: true; value: z.infer<S> } | { ok: false; skip: Skip } {
  const result = schema.safeParse(ctx.record.requestParameters ?? {});
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, skip: malformed(ctx, describeZodIssues(result.error, { prefix: 'detail.requestParameters' }).join('; ')) };
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
