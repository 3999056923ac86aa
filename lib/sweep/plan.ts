import type { SweepUnit } from './run-record.ts';

/**
 * PURE planning of a sweep: which family is listed in which region, in what order, and what it will cost.
 * The guard's own resources come first (cheap, and a disarmed guard matters most), then IAM (global, one
 * listing), then the SES families from the smallest (templates) to the largest (identities, one
 * GetEmailIdentityPolicies each).
 */
export const FAMILY_ORDER: readonly string[] = ['guard-integrity', 'iam-grant', 'custom-verification', 'event-destination', 'identity-policy'];

export interface PlannableFamily {
  id: string;
  inventory: { scope: 'regional' | 'global' };
}

export interface SweepScope {
  /** Regions whose regional families are swept. */
  regions: readonly string[];
  /** Where the global (IAM) families are swept; absent: not in this sweep (a regional stack outside us-east-1). */
  globalRegion?: string;
  /** Only these families (CLI --family); absent: all. */
  families?: readonly string[];
}

export function planSweepUnits(families: readonly PlannableFamily[], scope: SweepScope): SweepUnit[] {
  const rank = (id: string): number => {
    const i = FAMILY_ORDER.indexOf(id);
    return i < 0 ? FAMILY_ORDER.length : i;
  };
  const chosen = families.filter((f) => scope.families === undefined || scope.families.includes(f.id)).sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  const units: SweepUnit[] = [];
  for (const family of chosen) {
    const regions = family.inventory.scope === 'global' ? (scope.globalRegion === undefined ? [] : [scope.globalRegion]) : scope.regions;
    for (const region of regions) units.push({ family: family.id, region, done: false, listed: 0, seen: 0, judged: 0, restarts: 0 });
  }
  return units;
}

export interface SweepEstimateInput {
  /** Resources per SES family and region: identities, configuration sets, templates. */
  identities: number;
  configurationSets: number;
  templates: number;
  /** IAM principals and managed policies (GetAccountAuthorizationDetails pages). */
  iamEntities: number;
  sesCallsPerSecond: number;
  iamCallsPerSecond: number;
  /** Usable time of one invocation: its timeout minus the reserve kept for the last checkpoint. */
  invocationBudgetMs: number;
}

export interface SweepEstimate {
  sesCalls: number;
  iamCalls: number;
  /** The pacing floor: each bucket's calls at its rate, buckets in sequence. */
  floorMs: number;
  invocations: number;
}

/** What a dry-run sweep of one region costs: list pages plus one read per identity and per configuration set. */
export function estimateSweep(input: SweepEstimateInput): SweepEstimate {
  const pages = (n: number, size: number): number => Math.max(1, Math.ceil(n / size));
  const sesCalls = pages(input.identities, 1000) + input.identities + pages(input.configurationSets, 1000) + input.configurationSets + pages(input.templates, 50) + input.templates;
  const iamCalls = pages(input.iamEntities, 1000);
  const floorMs = (sesCalls / input.sesCallsPerSecond + iamCalls / input.iamCallsPerSecond) * 1000;
  return { sesCalls, iamCalls, floorMs, invocations: Math.max(1, Math.ceil(floorMs / input.invocationBudgetMs)) };
}
