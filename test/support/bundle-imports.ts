import { build, type ImportKind } from 'esbuild';
import { basename, resolve } from 'node:path';

/**
 * What a built JavaScript file imports, read back from the file itself by esbuild (not from the metafile
 * of the build that wrote it): each import's specifier and kind, built-ins included.
 */
export async function importsOfFile(file: string): Promise<{ path: string; kind: ImportKind }[]> {
  const result = await build({
    entryPoints: [resolve(file)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [{ name: 'nothing-followed', setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path, external: true })) }],
  });
  const [input] = Object.entries(result.metafile.inputs).filter(([path]) => basename(path) === basename(file));
  if (!input) throw new Error(`esbuild did not read ${file}`);
  return input[1].imports.map((i) => ({ path: i.path, kind: i.kind }));
}
