import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../lib/config/load.ts';
import { familyEntrySource } from '../functions/runtime/family-entry.ts';
import { BUNDLE_PLUGINS, withoutInventory } from './deploy/bundle.ts';
const config = parseConfigText(await readFile('sesguard.config.yml', 'utf8'), 'sesguard.config.yml');
const name = process.argv[2]!;
const count = { name: 'count', setup(b: any) { b.onLoad({ filter: /zod[\\/]v4[\\/]core[\\/]core\.js$/ }, async (a: any) => ({ contents: (await readFile(a.path, 'utf8')).replace('function init(inst, def) {', 'function init(inst, def) { (globalThis.__zs ||= []).push(new Error().stack);'), loader: 'js' })); } };
await build({ stdin: { contents: familyEntrySource(name), resolveDir: process.cwd(), sourcefile: `functions/${name}.entry.ts`, loader: 'ts' },
  outfile: `/tmp/zc/${name}/index.mjs`, bundle: true, platform: 'node', target: 'node20', format: 'esm', mainFields: ['module', 'main'], sourcemap: true, logLevel: 'silent',
  plugins: [...BUNDLE_PLUGINS, withoutInventory, count], define: { __SESGUARD_CONFIG__: JSON.stringify(config) },
  banner: { js: "import{createRequire as __sesguardCreateRequire}from'node:module';const require=__sesguardCreateRequire(import.meta.url);" } });
