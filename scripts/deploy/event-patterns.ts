/** One parser row of a family (lib/families registry): the parser and the patterns are built from the same table. */
export interface SupportedEvent {
  eventSource: string;
  eventName: string;
  family: string;
}

type ChangeFamily = string;

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
 * Events that two families both list (e.g. iam PutRolePolicy is an iam-grant, but on the guard's own
 * role it is a guard-integrity change) are routed by the name of the target, so exactly one function
 * sees each event: two functions acting on one event would alert twice and might repair twice.
 * The field is where that name is in the CloudTrail record.
 */
export const TARGET_NAME_FIELD: Readonly<Record<string, readonly string[]>> = {
  'iam.amazonaws.com': ['requestParameters', 'roleName'],
};

export class AmbiguousRoutingError extends Error {
  override readonly name = 'AmbiguousRoutingError';
}

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
  /** `sesguard-<stage>-`: names of the guard's own resources start with it. */
  guardResourcePrefix: string;
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
  const familiesByEvent = new Map<string, Set<ChangeFamily>>();
  for (const e of events) {
    const key = `${e.eventSource} ${e.eventName}`;
    const families = familiesByEvent.get(key) ?? new Set<ChangeFamily>();
    families.add(e.family);
    familiesByEvent.set(key, families);
  }

  const result: Record<string, FamilyPatterns> = {};
  const families = [...new Set(events.map((e) => e.family))].sort();
  for (const family of families) {
    const patterns: FamilyPatterns = {};
    for (const scope of ['regional', 'global'] as const) {
      const mine = events.filter((e) => e.family === family && scopeOf(e.eventSource) === scope);
      if (mine.length === 0) continue;
      const branches: EventPattern[] = [];
      for (const eventSource of [...new Set(mine.map((e) => e.eventSource))].sort()) {
        const names = [...new Set(mine.filter((e) => e.eventSource === eventSource).map((e) => e.eventName))].sort();
        const sole = names.filter((n) => familiesByEvent.get(`${eventSource} ${n}`)!.size === 1);
        const shared = names.filter((n) => familiesByEvent.get(`${eventSource} ${n}`)!.size > 1);
        if (sole.length > 0) branches.push({ eventSource: [eventSource], eventName: sole });
        if (shared.length > 0) branches.push(sharedEventBranch(eventSource, shared, family, familiesByEvent, options));
      }
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

function sharedEventBranch(
  eventSource: string,
  names: string[],
  family: ChangeFamily,
  familiesByEvent: Map<string, Set<ChangeFamily>>,
  options: PatternOptions,
): EventPattern {
  const field = TARGET_NAME_FIELD[eventSource];
  for (const name of names) {
    const sharers = [...familiesByEvent.get(`${eventSource} ${name}`)!];
    // Only "the guard's own resource vs. anyone else's" can be told apart by a name prefix.
    if (!field || sharers.length !== 2 || !sharers.includes('guard-integrity')) {
      throw new AmbiguousRoutingError(
        `${eventSource} ${name} is listed for ${sharers.join(' and ')}; no pattern can route it to exactly one function`,
      );
    }
  }
  const match: PatternLeaf =
    family === 'guard-integrity' ? { prefix: options.guardResourcePrefix } : { 'anything-but': { prefix: options.guardResourcePrefix } };
  return { eventSource: [eventSource], eventName: names, ...nest(field!, [match]) };
}

function nest(path: readonly string[], leaf: PatternLeaf[]): EventPattern {
  const [head, ...rest] = path;
  if (head === undefined) throw new Error('empty field path');
  return { [head]: rest.length === 0 ? leaf : nest(rest, leaf) };
}
