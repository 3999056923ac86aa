import { build, type Metafile, type Plugin } from 'esbuild';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HANDLER_FILE, reachableOutputs } from './bundle-graph.ts';
import { FUNCTION_OUTPUT } from './function-output.ts';

/**
 * esbuild's code splitting gives every set of entry points that share a module a chunk of its own, and it
 * counts each dynamic import() as an entry point even when whatever imports it has already loaded the
 * shared code. A function's handler therefore started by reading about twenty chunk files (the SDK's
 * credential providers, the lazy clients and the quarantine senders each cut the shared code differently),
 * and each file is a resolve, a read, a compile and a link: merged into one file, the same code imported in
 * 0.86-0.89x the time (3.71x -> 3.27x bare node for iam-grant).
 *
 * This second esbuild pass over a split bundle's output links every chunk the handler loads at start-up
 * into the handler module, which re-exports their bindings under chunk-qualified names; each chunk only a
 * dynamic import() reaches is rebuilt with its imports of those chunks pointed at the handler module.
 * The lazy chunks still share the handler's one instance of every module (an ESM module is evaluated once
 * per URL), and they are only ever imported after the handler module has finished evaluating. Source maps
 * chain through both passes to the original sources.
 */

/** What the link left in `outdir`: the handler module and the lazy chunks, with their sizes. */
export interface LinkedBundle {
  /** The JavaScript files, relative to the bundle's folder: the handler module and the lazy chunks, sorted. */
  files: string[];
  /** The handler module alone: everything a cold start reads. */
  startupBytes: number;
  /** The handler module and every lazy chunk. */
  totalBytes: number;
}

/** The name under which the handler module re-exports `name` of the `index`th start-up chunk (short: lazy chunks spell it in every import). */
function linkedName(index: number, name: string): string {
  return `$${index.toString(36)}_${name}`;
}

// Both builds write over the first pass's files.
const LINK_OUTPUT = { ...FUNCTION_OUTPUT, allowOverwrite: true } as const;

/**
 * Links the start-up chunks of the split bundle in `outdir` (described by `metafile`, the first pass's) into
 * its handler module, rewrites the lazy chunks to import them from it, and deletes the merged chunk files.
 * Chunks nothing can load are deleted too (see bundle-graph.ts).
 */
export async function linkStartUp(metafile: Metafile, outdir: string): Promise<LinkedBundle> {
  const outputs = metafile.outputs;
  const startUp = reachableOutputs(metafile, 'start-up');
  const loadable = reachableOutputs(metafile, 'loadable');
  const handler = [...startUp].find((file) => basename(file) === HANDLER_FILE);
  if (handler === undefined) throw new Error(`the bundle has no ${HANDLER_FILE}`);
  const startUpChunks = [...startUp].filter((file) => file !== handler);
  const lazy = [...loadable].filter((file) => !startUp.has(file));
  const byName = new Map(Object.keys(outputs).map((file) => [basename(file), file]));
  const isStartUpChunk = (name: string) => startUp.has(byName.get(name) ?? '') && name !== HANDLER_FILE;
  const chunkIndex = new Map(startUpChunks.map((file, i) => [file, i]));

  const reexports = [
    `export { ${outputs[handler]!.exports.join(', ')} } from './${HANDLER_FILE}';`,
    ...startUpChunks
      .filter((file) => outputs[file]!.exports.length > 0)
      .map((file) => `export { ${outputs[file]!.exports.map((name) => `${name} as ${linkedName(chunkIndex.get(file)!, name)}`).join(', ')} } from './${basename(file)}';`),
  ].join('\n');
  // Only the start-up chunks are bundled into the handler; a lazy chunk stays a file of its own.
  const lazyStaysExternal: Plugin = {
    name: 'lazy-chunks-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) => (isStartUpChunk(args.path.slice(2)) || args.path === `./${HANDLER_FILE}` ? undefined : { path: args.path, external: true }));
    },
  };
  const linked = await build({
    ...LINK_OUTPUT,
    stdin: { contents: reexports, resolveDir: outdir, sourcefile: 'linked-handler.mjs', loader: 'js' },
    outfile: join(outdir, HANDLER_FILE),
    plugins: [lazyStaysExternal],
  });

  // In a lazy chunk, `import { a as b } from "./chunk-S.mjs"` of a start-up chunk S becomes an import of the
  // handler module's re-export of S's `a`.
  const fromHandler: Plugin = {
    name: 'start-up-chunks-from-handler',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) => {
        const name = args.path.slice(2);
        if (args.namespace === 'handler-reexport' || !isStartUpChunk(name)) return { path: args.path, external: true };
        return { path: name, namespace: 'handler-reexport' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'handler-reexport' }, (args) => {
        const file = byName.get(args.path)!;
        const names = outputs[file]!.exports.map((name) => `${linkedName(chunkIndex.get(file)!, name)} as ${name}`);
        return { contents: `export { ${names.join(', ')} } from './${HANDLER_FILE}';`, loader: 'js', resolveDir: outdir };
      });
    },
  };
  const rebuilt = lazy.length === 0 ? undefined : await build({
    ...LINK_OUTPUT,
    entryPoints: lazy.map((file) => join(outdir, basename(file))),
    outdir,
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    plugins: [fromHandler],
  });

  const keep = new Set([HANDLER_FILE, ...lazy.map((file) => basename(file))]);
  const gone = Object.keys(outputs).filter((file) => /\.m?js$/.test(file) && !keep.has(basename(file)));
  await Promise.all(gone.flatMap((file) => [rm(join(outdir, basename(file)), { force: true }), rm(join(outdir, `${basename(file)}.map`), { force: true })]));

  const bytesOf = (result: { metafile: Metafile } | undefined) =>
    Object.entries(result?.metafile.outputs ?? {}).reduce((n, [file, o]) => (/\.m?js$/.test(file) ? n + o.bytes : n), 0);
  const startupBytes = bytesOf(linked);
  return { files: [HANDLER_FILE, ...lazy.map((file) => basename(file))].sort(), startupBytes, totalBytes: startupBytes + bytesOf(rebuilt) };
}
