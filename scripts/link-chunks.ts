import { build, type Metafile, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FUNCTION_OUTPUT } from './deploy/function-output.ts';

/**
 * esbuild's code splitting gives every set of importers of shared code a chunk of its own, and it counts each
 * dynamic import() as an entry point even when whatever imports it has already loaded that code. A module
 * that starts a process (a Lambda handler, a CLI command) therefore starts by reading many small files, and
 * each is a resolve, a read, a compile and a link in Node's ESM loader: about twenty for a guard function's
 * handler and for `sesguard check`, several milliseconds each time.
 *
 * This second esbuild pass over a split build's output links chosen chunks into one module (the root), which
 * re-exports their bindings under chunk-qualified names; every other file that imported one of them is
 * rebuilt to import it from the root instead. Each module still has one instance per process (an ESM module
 * is evaluated once per URL), and source maps chain through both passes to the original sources. A file
 * rebuilt to import the root must only be loaded once the root has finished evaluating, which holds when the
 * root is what starts the process and nothing it imports awaits at its top level.
 *
 * scripts/deploy/link-start-up.ts links a function's start-up chunks into its handler module;
 * scripts/link-cli-command.ts links the CLI entry's and `check`'s.
 */

/** The name under which the root re-exports `name` of the `index`th linked chunk (short: rebuilt files spell it in every import). */
function linkedName(index: number, name: string): string {
  return `$${index.toString(36)}_${name}`;
}

// Both builds write over the first pass's files.
const LINK_OUTPUT = { ...FUNCTION_OUTPUT, allowOverwrite: true } as const;

/**
 * Links the outputs `linked` of the split build in `outdir` (described by `metafile`) into its output `root`
 * (paths as the metafile spells them), rebuilds every other output that imports one of them, and deletes
 * their files. Returns the metafile of what each file holds and weighs now, in the first pass's terms: the
 * linked chunks' inputs and imports belong to the root, and imports of them are imports of the root.
 */
export async function linkChunks(metafile: Metafile, outdir: string, root: string, linked: readonly string[]): Promise<Metafile> {
  const outputs = metafile.outputs;
  const linkedSet = new Set(linked);
  if (linkedSet.has(root)) throw new Error(`${root} cannot be linked into itself`);
  if (linked.length === 0) return metafile;
  const byName = new Map(Object.keys(outputs).map((file) => [basename(file), file]));
  const chunkIndex = new Map(linked.map((file, i) => [file, i]));
  const rootFile = basename(root);

  const reexports = [
    `export { ${outputs[root]!.exports.join(', ')} } from './${rootFile}';`,
    ...linked
      .filter((file) => outputs[file]!.exports.length > 0)
      .map((file) => `export { ${outputs[file]!.exports.map((name) => `${name} as ${linkedName(chunkIndex.get(file)!, name)}`).join(', ')} } from './${basename(file)}';`),
  ].join('\n');
  // Only the root and the linked chunks are bundled into the root; every other file stays one of its own.
  const othersStayExternal: Plugin = {
    name: 'unlinked-files-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) => {
        const file = byName.get(args.path.slice(2));
        return file !== undefined && (linkedSet.has(file) || file === root) ? undefined : { path: args.path, external: true };
      });
    },
  };
  const linkedBuild = await build({
    ...LINK_OUTPUT,
    stdin: { contents: reexports, resolveDir: outdir, sourcefile: `linked-${rootFile}`, loader: 'js' },
    outfile: join(outdir, rootFile),
    plugins: [othersStayExternal],
  });

  // In any other file, `import { a as b } from "./chunk-L.mjs"` of a linked chunk L becomes an import of the
  // root's re-export of L's `a` (a virtual module, `root-reexport:`, with no code of its own).
  const rebuilt = Object.keys(outputs).filter((file) => /\.m?js$/.test(file) && file !== root && !linkedSet.has(file) && outputs[file]!.imports.some((i) => linkedSet.has(i.path)));
  const fromRoot: Plugin = {
    name: 'linked-chunks-from-root',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) => {
        const file = byName.get(args.path.slice(2));
        if (args.namespace === 'root-reexport' || file === undefined || !linkedSet.has(file)) return { path: args.path, external: true };
        return { path: file, namespace: 'root-reexport' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'root-reexport' }, (args) => {
        const names = outputs[args.path]!.exports.map((name) => `${linkedName(chunkIndex.get(args.path)!, name)} as ${name}`);
        return { contents: `export { ${names.join(', ')} } from './${rootFile}';`, loader: 'js', resolveDir: outdir };
      });
    },
  };
  const rebuiltBuild =
    rebuilt.length === 0
      ? undefined
      : await build({ ...LINK_OUTPUT, entryPoints: rebuilt.map((file) => join(outdir, basename(file))), outdir, entryNames: '[name]', outExtension: { '.js': '.mjs' }, plugins: [fromRoot] });

  for (const file of linked) for (const path of [join(outdir, basename(file)), join(outdir, `${basename(file)}.map`)]) rmSync(path, { force: true });

  const bytesOf = (result: { metafile: Metafile } | undefined, file: string) => Object.entries(result?.metafile.outputs ?? {}).find(([out]) => basename(out) === basename(file))?.[1].bytes;
  const now: Metafile['outputs'] = {};
  for (const [file, output] of Object.entries(outputs)) {
    if (linkedSet.has(file)) continue;
    if (file === root) {
      const inputs = Object.assign({}, ...[root, ...linked].map((f) => outputs[f]!.inputs)) as Metafile['outputs'][string]['inputs'];
      const imports = [root, ...linked].flatMap((f) => outputs[f]!.imports).filter((i) => !linkedSet.has(i.path) && i.path !== root);
      now[file] = { ...output, inputs, imports, bytes: bytesOf(linkedBuild, file) ?? output.bytes };
    } else if (rebuilt.includes(file)) {
      const imports = output.imports.map((i) => (linkedSet.has(i.path) ? { ...i, path: root } : i));
      now[file] = { ...output, imports, bytes: bytesOf(rebuiltBuild, file) ?? output.bytes };
    } else {
      now[file] = output;
    }
  }
  return { inputs: metafile.inputs, outputs: now };
}
