/** One parser row of a family (lib/families registry): the parser and the patterns are built from the same table. */
export interface SupportedEvent {
  eventSource: string;
  eventName: string;
  family: string;
}

/** An EventBridge event pattern (JSON). */
export type EventPattern = { [key: string]: EventPatternValue };
export type EventPatternValue = EventPattern | EventPattern[] | PatternLeaf[];
export type PatternLeaf = string | number | boolean | null | { [operator: string]: unknown };

/**
 * Where a rule must live. Global services (IAM) publish their CloudTrail events to EventBridge in
 * us-east-1 only, so their rules belong to the one "global" stack; everything else is regional and must be
 * caught in every region the team uses.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html (global services)
 */
export type RuleScope = 'regional' | 'global';

export const GLOBAL_EVENT_SOURCES: ReadonlySet<string> = new Set(['iam.amazonaws.com']);

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * An event two families list (iam PutRolePolicy is an iam-grant, and GUARD-001 when the role is the
 * guard's or named like it) reaches both functions, and each parser decides what is its own. Routing by
 * a name prefix in the pattern was a bypass: a role named `sesguard-<stage>-backdoor` reached only the
 * guard-integrity function and its grants were never judged. Each function decides an event once
 * (idempotency is per family), so two functions never share one decision.
 */

/** `ses.amazonaws.com` -> `aws.ses`: the EventBridge `source` of a service's CloudTrail events. */
export function eventBridgeSource(eventSource: string): string {
  const service = eventSource.split('.')[0];
  if (!service || !eventSource.endsWith('.amazonaws.com')) throw new Error(`not an AWS service event source: ${eventSource}`);
  return `aws.${service}`;
}

export function scopeOf(eventSource: string): RuleScope {
  return GLOBAL_EVENT_SOURCES.has(eventSource) ? 'global' : 'regional';
}

export type FamilyPatterns = Partial<Record<RuleScope, EventPattern>>;

export interface PatternOptions {
  /**
   * Drop failed calls (detail.errorCode set) in EventBridge: they changed nothing, the parser would skip
   * them anyway, and dropping them early spares an invocation and a DynamoDB idempotency write each.
   */
  dropFailedCalls: boolean;
}

/**
 * One pattern per (family, scope): `source` + detail-type, then for each event source exactly the event
 * names the parser handles, so a pattern can never be wider than the parser (wasted invocations) nor
 * narrower (a change the guard never sees).
 */
export function buildEventPatterns(events: readonly SupportedEvent[], options: PatternOptions): Record<string, FamilyPatterns> {
  const result: Record<string, FamilyPatterns> = {};
  const families = [...new Set(events.map((e) => e.family))].sort();
  for (const family of families) {
    const patterns: FamilyPatterns = {};
    for (const scope of ['regional', 'global'] as const) {
      const mine = events.filter((e) => e.family === family && scopeOf(e.eventSource) === scope);
      if (mine.length === 0) continue;
      const branches: EventPattern[] = [...new Set(mine.map((e) => e.eventSource))].sort().map((eventSource) => ({
        eventSource: [eventSource],
        eventName: [...new Set(mine.filter((e) => e.eventSource === eventSource).map((e) => e.eventName))].sort(),
      }));
      const detail: EventPattern = branches.length === 1 ? { ...branches[0]! } : { $or: branches };
      if (options.dropFailedCalls) detail['errorCode'] = [{ exists: false }];
      patterns[scope] = {
        source: [...new Set(mine.map((e) => eventBridgeSource(e.eventSource)))].sort(),
        'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
        detail,
      };
    }
    result[family] = patterns;
  }
  return result;
}
