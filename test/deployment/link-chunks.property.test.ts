import { build } from 'esbuild';
import fc from 'fast-check';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reachableOutputs } from '../../scripts/deploy/bundle-graph.ts';
import { FUNCTION_OUTPUT } from '../../scripts/deploy/function-output.ts';
import { linkStartUp } from '../../scripts/deploy/link-start-up.ts';
import { importsOfFile } from '../support/bundle-imports.ts';

const DIR = '.build/test-link-chunks-property';

/**
 * A module graph: module 0 is the handler, and module i imports modules after it, each statically or by
 * import(). Every module records its evaluation in a shared log and registers its one value, so a module
 * evaluated twice (two copies) or out of order shows in the log.
 */
const graphs = fc
  .integer({ min: 2, max: 8 })
  .chain((size) =>
    fc.array(fc.array(fc.constantFrom('none', 'static', 'dynamic'), { minLength: size, maxLength: size }), { minLength: size, maxLength: size }).map((edges) =>
      edges.map((row, i) => row.map((kind, j) => (j > i ? kind : 'none'))),
    ),
  );

function sources(edges: string[][]): Record<string, string> {
  const files: Record<string, string> = {
    'log.ts': 'export const log: string[] = [];\nexport const registry = new Map<string, object>();',
  };
  edges.forEach((row, i) => {
    const statics = row.flatMap((kind, j) => (kind === 'static' ? [j] : []));
    const dynamics = row.flatMap((kind, j) => (kind === 'dynamic' ? [j] : []));
    files[`m${i}.ts`] = [
      "import { log, registry } from './log.ts';",
      ...statics.map((j) => `import { value${j}, run${j} } from './m${j}.ts';`),
      `export const value${i} = { id: 'm${i}' };`,
      `log.push('m${i}'${statics.map((j) => ` + ':' + value${j}.id`).join('')});`,
      `if (registry.has('m${i}')) log.push('m${i} evaluated twice');`,
      `registry.set('m${i}', value${i});`,
      `export async function run${i}(): Promise<void> {`,
      ...statics.map((j) => `  await run${j}();`),
      ...dynamics.map((j) => `  { const m = await import('./m${j}.ts'); log.push('m${i} -> m${j} ' + (m.value${j} === registry.get('m${j}') ? 'same' : 'another copy')); await m.run${j}(); }`),
      '}',
      ...(i === 0 ? ['export const handler = async () => { await run0(); return [...log]; };'] : []),
    ].join('\n');
  });
  return files;
}

afterAll(async () => {
  await rm(DIR, { recursive: true, force: true });
});

describe('linkStartUp on any module graph', () => {
  it('runs exactly as the split bundle did, from a handler module that imports no chunk', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(graphs, async (edges) => {
        const dir = join(DIR, String(run++));
        await mkdir(join(dir, 'src'), { recursive: true });
        for (const [file, source] of Object.entries(sources(edges))) await writeFile(join(dir, 'src', file), source);
        const split = await build({
          ...FUNCTION_OUTPUT,
          entryPoints: [join(dir, 'src', 'm0.ts')],
          outdir: join(dir, 'split'),
          entryNames: 'index',
          chunkNames: 'chunk-[hash]',
          outExtension: { '.js': '.mjs' },
          splitting: true,
        });
        await cp(join(dir, 'split'), join(dir, 'linked'), { recursive: true });
        const linked = await linkStartUp(split.metafile, join(dir, 'linked'));

        type Handler = { handler: () => Promise<string[]> };
        const expected = await ((await import(pathToFileURL(resolve(dir, 'split', 'index.mjs')).href)) as Handler).handler();
        const actual = await ((await import(pathToFileURL(resolve(dir, 'linked', 'index.mjs')).href)) as Handler).handler();
        expect(actual).toEqual(expected);
        expect(actual.filter((line) => / evaluated twice|another copy/.test(line))).toEqual([]);
        const statics = (await importsOfFile(join(dir, 'linked', 'index.mjs'))).filter((i) => i.kind === 'import-statement');
        expect(statics).toEqual([]);
        expect(linked.files.length).toBeLessThanOrEqual(reachableOutputs(split.metafile, 'loadable').size);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
