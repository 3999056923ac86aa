import type { Metafile } from 'esbuild';
import { linkChunks } from './link-chunks.ts';

/**
 * Which chunks of the split CLI build become one file with a command (scripts/link-chunks.ts does the link):
 * everything the command's module imports statically that was not loaded before it. The module linked into
 * is the entry, or a command loaded by import() after it, and what was loaded before it stays as it was. A
 * file rebuilt to import the entry's linked chunks imports the entry itself, so the entry must not await at
 * its top level (bin/main.ts): an import of a module that is still evaluating waits for it.
 */

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
 * import() elsewhere names that file. Returns the metafile of what each file holds now (link-chunks.ts).
 */
export async function linkCliCommand(metafile: Metafile, outdir: string, loadedBefore: readonly string[], commandSource: string): Promise<Metafile> {
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
  return linkChunks(metafile, outdir, command, linked);
}
