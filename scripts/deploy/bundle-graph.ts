import { basename } from 'node:path';
import type { Metafile } from 'esbuild';

/** The file Lambda loads: the handler module of a function bundle (its chunks sit beside it). */
export const HANDLER_FILE = 'index.mjs';

/** How far to follow the handler's imports: what start-up parses, or everything that can ever run. */
export type Reach = 'start-up' | 'loadable';

/**
 * The JavaScript outputs of a bundle reachable from its handler: `start-up` follows static imports (what a
 * cold start loads), `loadable` dynamic import()s too. esbuild makes a chunk of every import() it scans,
 * before tree-shaking drops the code that held it, so a split bundle can hold chunks nothing can load: a
 * step a function never binds leaves its sender's chunk behind. Those are not code the function can run,
 * and neither its role nor its size should count them. A metafile without a handler (one file, no
 * splitting) is all reachable.
 */
export function reachableOutputs(metafile: Metafile, reach: Reach): Set<string> {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => /\.m?js$/.test(file));
  const handlers = outputs.filter(([file]) => basename(file) === HANDLER_FILE).map(([file]) => file);
  if (handlers.length === 0) return new Set(outputs.map(([file]) => file));
  const byFile = new Map(outputs);
  const kinds = reach === 'start-up' ? ['import-statement'] : ['import-statement', 'dynamic-import'];
  const reached = new Set<string>();
  const queue = [...handlers];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (reached.has(file) || !byFile.has(file)) continue;
    reached.add(file);
    for (const imported of byFile.get(file)!.imports) if (kinds.includes(imported.kind) && !imported.external) queue.push(imported.path);
  }
  return reached;
}
