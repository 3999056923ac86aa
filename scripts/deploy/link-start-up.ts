import type { Metafile } from 'esbuild';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { linkChunks } from '../link-chunks.ts';
import { HANDLER_FILE, reachableOutputs } from './bundle-graph.ts';

/**
 * A function's handler started by reading 17-21 files: the SDK's credential providers, the lazy clients and
 * the quarantine senders each cut the code they share with it differently (scripts/link-chunks.ts says why).
 * Every chunk start-up reads is linked into the handler module, so a cold start reads one file: measured,
 * 3.71x -> 3.27x bare node for iam-grant's import. The lazy chunks stay files of their own, and import what
 * they share with the handler from it; they are only imported once it has been evaluated (from the code a
 * handler runs, never at the top level of a module).
 */

/** What the link left in `outdir`. */
export interface LinkedBundle {
  /** The JavaScript files, relative to the bundle's folder: the handler module and the lazy chunks, sorted. */
  files: string[];
  /** The handler module alone: everything a cold start reads. */
  startupBytes: number;
  /** The handler module and every lazy chunk. */
  totalBytes: number;
  /** What each file holds now, in the split build's terms (bundle-graph.ts reads it as it read that one). */
  metafile: Metafile;
}

/**
 * Links the start-up chunks of the split bundle in `outdir` (described by `metafile`) into its handler module
 * and deletes the chunks nothing can load (bundle-graph.ts), which would otherwise be rebuilt for nothing.
 */
export async function linkStartUp(metafile: Metafile, outdir: string): Promise<LinkedBundle> {
  const startUp = reachableOutputs(metafile, 'start-up');
  const loadable = reachableOutputs(metafile, 'loadable');
  const handler = [...startUp].find((file) => basename(file) === HANDLER_FILE);
  if (handler === undefined) throw new Error(`the bundle has no ${HANDLER_FILE}`);
  const dead = Object.keys(metafile.outputs).filter((file) => /\.m?js$/.test(file) && !loadable.has(file));
  await Promise.all(dead.flatMap((file) => [rm(join(outdir, basename(file)), { force: true }), rm(join(outdir, `${basename(file)}.map`), { force: true })]));
  const live: Metafile = { inputs: metafile.inputs, outputs: Object.fromEntries(Object.entries(metafile.outputs).filter(([file]) => !dead.includes(file))) };

  const now = await linkChunks(live, outdir, handler, [...startUp].filter((file) => file !== handler));
  const bytesOf = (files: Iterable<string>) => [...files].reduce((n, file) => n + (now.outputs[file]?.bytes ?? 0), 0);
  const shipped = reachableOutputs(now, 'loadable');
  return { files: [...shipped].map((file) => basename(file)).sort(), startupBytes: bytesOf(reachableOutputs(now, 'start-up')), totalBytes: bytesOf(shipped), metafile: now };
}
