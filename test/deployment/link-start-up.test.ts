import { build, type Metafile } from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachableOutputs } from '../../scripts/deploy/bundle-graph.ts';
import { FUNCTION_OUTPUT } from '../../scripts/deploy/function-output.ts';
import { linkStartUp, type LinkedBundle } from '../../scripts/deploy/link-start-up.ts';
import { importsOfFile } from '../support/bundle-imports.ts';

const DIR = '.build/test-link-start-up';
const SRC = join(DIR, 'src');
const OUT = join(DIR, 'out');

/**
 * Two lazily imported modules that each share a different part of the handler's code: esbuild cuts the
 * shared code into one chunk per set of importers, so the handler starts by reading three files.
 */
const SOURCES: Record<string, string> = {
  'shared.ts': `export const events: string[] = [];
    events.push('shared');
    export class Thing { readonly id = Math.random(); }
    export const instance = new Thing();`,
  'other-shared.ts': `import { events } from './shared.ts';
    events.push('other');
    export const other = () => 'other';`,
  'lazy-a.ts': `import { events, instance } from './shared.ts';
    import { other } from './other-shared.ts';
    export const a = { instance, events, other: other() };`,
  'lazy-b.ts': `import { instance, Thing } from './shared.ts';
    export const b = { instance, isThing: instance instanceof Thing };`,
  'entry.ts': `import { events, instance } from './shared.ts';
    import { other } from './other-shared.ts';
    events.push('entry:' + other());
    export const handler = async () => {
      const [{ a }, { b }] = await Promise.all([import('./lazy-a.ts'), import('./lazy-b.ts')]);
      return { sameInA: a.instance === instance, sameInB: b.instance === instance, isThing: b.isThing, other: a.other, events: [...events] };
    };`,
};

let split: Metafile;
let linked: LinkedBundle;

beforeAll(async () => {
  await rm(DIR, { recursive: true, force: true });
  await mkdir(SRC, { recursive: true });
  for (const [file, source] of Object.entries(SOURCES)) await writeFile(join(SRC, file), source);
  const result = await build({
    entryPoints: [join(SRC, 'entry.ts')],
    outdir: OUT,
    entryNames: 'index',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    ...FUNCTION_OUTPUT,
  });
  split = result.metafile;
  linked = await linkStartUp(split, OUT);
});

afterAll(async () => {
  await rm(DIR, { recursive: true, force: true });
});

describe('linkStartUp', () => {
  it('starts from more than one file before the link (what it is for)', () => {
    expect(reachableOutputs(split, 'start-up').size).toBeGreaterThan(1);
  });

  it('leaves the handler module and the lazy chunks, and a cold start reads the handler module alone', async () => {
    const onDisk = (await readdir(OUT)).filter((f) => f.endsWith('.mjs')).sort();
    expect(linked.files).toEqual(onDisk);
    const lazyBefore = [...reachableOutputs(split, 'loadable')].filter((f) => !reachableOutputs(split, 'start-up').has(f)).length;
    expect(onDisk).toHaveLength(1 + lazyBefore);
    const handlerImports = await importsOfFile(join(OUT, 'index.mjs'));
    expect(handlerImports.filter((i) => i.kind === 'import-statement')).toEqual([]);
    expect(handlerImports.filter((i) => i.kind === 'dynamic-import')).toHaveLength(lazyBefore);
    for (const chunk of onDisk.filter((f) => f !== 'index.mjs')) {
      const statics = (await importsOfFile(join(OUT, chunk))).filter((i) => i.kind === 'import-statement').map((i) => i.path);
      expect(statics.every((path) => path === './index.mjs' || onDisk.includes(path.slice(2))), `${chunk} imports ${statics.join(', ')}`).toBe(true);
    }
    const sizes = await Promise.all(onDisk.map(async (f) => (await readFile(join(OUT, f))).length));
    expect(linked.startupBytes).toBe(sizes[onDisk.indexOf('index.mjs')]);
    expect(linked.totalBytes).toBe(sizes.reduce((n, s) => n + s, 0));
  });

  it('runs as the split bundle did: one instance of each shared module, evaluated once and in order', async () => {
    const { handler } = (await import(pathToFileURL(resolve(OUT, 'index.mjs')).href)) as { handler: () => Promise<Record<string, unknown>> };
    expect(await handler()).toEqual({ sameInA: true, sameInB: true, isThing: true, other: 'other', events: ['shared', 'other', 'entry:other'] });
  });

  it('maps the linked code back to the original sources, not to the chunks it was linked from', async () => {
    for (const file of linked.files) {
      const map = JSON.parse(await readFile(join(OUT, `${file}.map`), 'utf8')) as { sources: string[] };
      // A lazy chunk's imports of the handler's re-exports are virtual modules (`root-reexport:`) with no code of their own.
      const files = map.sources.filter((s) => !s.startsWith('root-reexport:'));
      expect(files.some((s) => /chunk-|index\.mjs/.test(s)), `${file}: ${map.sources.join(', ')}`).toBe(false);
    }
    const handlerMap = JSON.parse(await readFile(join(OUT, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(handlerMap.sources.map((s) => s.split('/').pop()).sort()).toEqual(expect.arrayContaining(['entry.ts', 'other-shared.ts', 'shared.ts']));
  });
});
