import { build, type Metafile, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * esbuild's code splitting cuts the code a command shares with the other commands and with the lazy
 * imports into a chunk per set of importers, so a one-file `sesguard check` read about twenty chunk files
 * after the entry, and each file is a resolve, a read, a compile and a link in Node's ESM loader: several
 * milliseconds of a run that is ~50 ms over bare node. This second esbuild pass over the split output links
 * every chunk the command's module loads statically (beyond what was loaded before it) into that
 * module, which re-exports their bindings under chunk-qualified names; every other chunk that imported one of
 * them (another command, a lazy import) is rebuilt to import it from the command's module instead. So each
 * module still has one instance per process, and source maps chain through both passes to the sources.
 *
 * The same idea as scripts/deploy/link-start-up.ts does for a Lambda handler; here the module linked into is
 * the entry, or a command loaded by import() after it, and what was loaded before it stays as it was. A
 * chunk rebuilt to import the entry's linked chunks imports the entry itself, so the entry must not await at
 * its top level (bin/main.ts): an import of a module that is still evaluating waits for it.
 */

/** What the link did to the first pass's outputs (paths as the metafile spells them). */
export interface LinkedCommand {
  /** The command's module: it now holds the linked chunks. */
  command: string;
  /** The chunk files merged into it (deleted). */
  linked: string[];
  /** The chunks rebuilt to import the linked chunks from the command's module. */
  rebuilt: string[];
  /** The first pass's metafile with the linked chunks' inputs moved into the command's module, as loaded now. */
  metafile: Metafile;
}

/** The name under which the command's module re-exports `name` of the `index`th linked chunk (short: rebuilt chunks spell it in every import). */
function linkedName(index: number, name: string): string {
  return `$${index.toString(36)}_${name}`;
}

const SHARED_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  treeShaking: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  allowOverwrite: true,
} as const;

/** The outputs reached from `from` through static imports, `from` included. */
function staticClosure(outputs: Metafile['outputs'], from: string): Set<string> {
  const reached = new Set<string>();
  const queue = [from];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const output = outputs[file];
    if (reached.has(file) || !output) continue;
    reached.add(file);
    for (const imported of output.imports) if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
  }
  return reached;
}

/**
 * Links into the output of `commandSource` (an entry of the split build in `outdir`, described by `metafile`)
 * every chunk it imports statically that the outputs of `loadedBefore` (sources it is only ever imported
 * after) do not already load. Another entry it imports stays a file of its own, with what it imports: an
 * import() elsewhere names that file.
 */
export async function linkCliCommand(metafile: Metafile, outdir: string, loadedBefore: readonly string[], commandSource: string): Promise<LinkedCommand> {
  const outputs = metafile.outputs;
  const outputOf = (source: string): string => {
    const found = Object.keys(outputs).find((file) => outputs[file]!.entryPoint === source);
    if (found === undefined) throw new Error(`the CLI build has no output for ${source}`);
    return found;
  };
  const command = outputOf(commandSource);
  const reached = staticClosure(outputs, command);
  const kept = new Set([...loadedBefore.map(outputOf), ...[...reached].filter((file) => file !== command && outputs[file]!.entryPoint !== undefined)].flatMap((file) => [...staticClosure(outputs, file)]));
  const linked = [...reached].filter((file) => file !== command && !kept.has(file));
  const linkedSet = new Set(linked);
  const byName = new Map(Object.keys(outputs).map((file) => [basename(file), file]));
  const chunkIndex = new Map(linked.map((file, i) => [file, i]));
  const commandFile = basename(command);

  const reexports = [
    `export { ${outputs[command]!.exports.join(', ')} } from './${commandFile}';`,
    ...linked
      .filter((file) => outputs[file]!.exports.length > 0)
      .map((file) => `export { ${outputs[file]!.exports.map((name) => `${name} as ${linkedName(chunkIndex.get(file)!, name)}`).join(', ')} } from './${basename(file)}';`),
  ].join('\n');
  const othersStayExternal: Plugin = {
    name: 'unlinked-chunks-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) => {
        const file = byName.get(args.path.slice(2));
        return file !== undefined && (linkedSet.has(file) || file === command) ? undefined : { path: args.path, external: true };
      });
    },
  };
  const linkedBuild = await build({
    ...SHARED_OPTIONS,
    stdin: { contents: reexports, resolveDir: outdir, sourcefile: `linked-${commandFile}`, loader: 'js' },
    outfile: join(outdir, commandFile),
    plugins: [othersStayExternal],
  });

  // In any other chunk, `import { a as b } from "./chunk-L.mjs"` of a linked chunk L becomes an import of the
  // command module's re-export of L's `a`.
  const rebuilt = Object.keys(outputs).filter((file) => file.endsWith('.mjs') && file !== command && !linkedSet.has(file) && outputs[file]!.imports.some((i) => linkedSet.has(i.path)));
  const fromCommand: Plugin = {
    name: 'linked-chunks-from-command',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) => {
        const file = byName.get(args.path.slice(2));
        if (args.namespace === 'command-reexport' || file === undefined || !linkedSet.has(file)) return { path: args.path, external: true };
        return { path: file, namespace: 'command-reexport' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'command-reexport' }, (args) => {
        const names = outputs[args.path]!.exports.map((name) => `${linkedName(chunkIndex.get(args.path)!, name)} as ${name}`);
        return { contents: `export { ${names.join(', ')} } from './${commandFile}';`, loader: 'js', resolveDir: outdir };
      });
    },
  };
  const rebuiltBuild =
    rebuilt.length === 0
      ? undefined
      : await build({ ...SHARED_OPTIONS, entryPoints: rebuilt.map((file) => join(outdir, basename(file))), outdir, entryNames: '[name]', outExtension: { '.js': '.mjs' }, plugins: [fromCommand] });

  for (const file of linked) for (const path of [join(outdir, basename(file)), join(outdir, `${basename(file)}.map`)]) rmSync(path, { force: true });

  // What each file holds and weighs now, in the first pass's terms (sources, not chunks).
  const now: Metafile['outputs'] = {};
  const bytesOf = (result: { metafile: Metafile } | undefined, file: string) => Object.entries(result?.metafile.outputs ?? {}).find(([out]) => basename(out) === basename(file))?.[1].bytes;
  for (const [file, output] of Object.entries(outputs)) {
    if (linkedSet.has(file)) continue;
    if (file === command) {
      const inputs = Object.assign({}, ...[command, ...linked].map((f) => outputs[f]!.inputs)) as Metafile['outputs'][string]['inputs'];
      const imports = [command, ...linked].flatMap((f) => outputs[f]!.imports).filter((i) => !linkedSet.has(i.path) && i.path !== command);
      now[file] = { ...output, inputs, imports, bytes: bytesOf(linkedBuild, file) ?? output.bytes };
    } else if (rebuilt.includes(file)) {
      const imports = output.imports.map((i) => (linkedSet.has(i.path) ? { ...i, path: command } : i));
      now[file] = { ...output, imports, bytes: bytesOf(rebuiltBuild, file) ?? output.bytes };
    } else {
      now[file] = output;
    }
  }
  return { command, linked, rebuilt, metafile: { inputs: metafile.inputs, outputs: now } };
}
