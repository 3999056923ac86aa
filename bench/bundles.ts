/**
 * Bundle size and cold import time per function (`npm run bench:bundles [-- --runs 9]`).
 *
 * Cold import = a fresh `node` process, with the NODE_OPTIONS the template gives that function
 * (scripts/deploy/build-deployment.ts nodeOptionsOf), that imports the bundle's handler module, timed from
 * spawn to exit (so a chunk the module starts loading at import counts too), median of N runs, reported as a
 * ratio to a bare `node -e ''` measured in the same run: the ratio is what the bundle adds to a cold start
 * and compares across machines; the milliseconds do not. "start-up KB" is the handler module (the start-up
 * chunks are linked into it: scripts/deploy/link-start-up.ts); "total KB" adds the chunks only a dynamic import() loads.
 *
 * Targets (issue 15): each guard function <= 550 KB at start-up and <= 3.5x bare node on import.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../lib/config/load.ts';
import { nodeOptionsOf } from '../scripts/deploy/build-deployment.ts';
import { bundleFunction } from '../scripts/deploy/bundle.ts';
import { readBundleBudgetKb, readSweepBundleBudgetKb } from '../scripts/deploy/bundle-budget.ts';
import { ALL_FUNCTIONS } from '../scripts/deploy/functions.ts';
import { median, recordTargets, type TargetRow } from './targets.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.max(3, Number.parseInt(values.runs, 10) || 7);

export const START_UP_KB_GOAL = 550;
export const IMPORT_RATIO_GOAL = 3.5;

/** Wall time of `node <args>` from spawn to exit; throws with stderr when the process fails. */
function timeNode(args: string[], nodeOptions?: string): number {
  const env = { PATH: process.env['PATH'] ?? '', ...(nodeOptions !== undefined && { NODE_OPTIONS: nodeOptions }) };
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

const config = parseConfigText(await readFile('sesguard.config.yml', 'utf8'), 'sesguard.config.yml');
const budgetKb = await readBundleBudgetKb();
const sweepBudgetKb = await readSweepBundleBudgetKb();
const bundles = [];
for (const fn of ALL_FUNCTIONS) bundles.push(await bundleFunction(fn, config));

// Interleave bare and bundle runs so machine noise hits both alike.
const bare: number[] = [];
const imports = new Map<string, number[]>(bundles.map((b) => [b.fn.name, []]));
for (let i = 0; i < runs; i++) {
  bare.push(timeNode(['-e', '']));
  for (const b of bundles) {
    const url = pathToFileURL(resolve(b.outfile)).href;
    imports.get(b.fn.name)!.push(timeNode(['--input-type=module', '-e', `await import(${JSON.stringify(url)});`], nodeOptionsOf(b.fn)));
  }
}

const bareMs = median(bare);
console.log(`node ${process.version}, ${runs} runs, bare \`node -e ''\`: ${bareMs.toFixed(1)} ms (median)\n`);
console.log('function             start-up KB  total KB  budget  NODE_OPTIONS            import ms   x bare');
const rows: TargetRow[] = [];
for (const b of bundles) {
  const ms = median(imports.get(b.fn.name)!);
  const kb = b.bytes / 1024;
  const ratio = ms / bareMs;
  const budget = b.fn.kind === 'sweep' ? sweepBudgetKb : budgetKb;
  console.log(
    `${b.fn.name.padEnd(20)} ${kb.toFixed(1).padStart(11)} ${(b.totalBytes / 1024).toFixed(1).padStart(9)} ${`${Math.round((kb / budget) * 100)}%`.padStart(7)}  ${(nodeOptionsOf(b.fn) ?? '-').padEnd(22)} ${ms.toFixed(1).padStart(10)} ${ratio.toFixed(2).padStart(8)}`,
  );
  if (b.fn.kind !== 'guard') continue;
  rows.push({ target: `start-up bundle, ${b.fn.name}`, figure: `${kb.toFixed(0)} KB`, goal: `<= ${START_UP_KB_GOAL} KB`, met: kb <= START_UP_KB_GOAL });
  rows.push({ target: `cold import, ${b.fn.name}`, figure: `${ratio.toFixed(2)}x bare node`, goal: `<= ${IMPORT_RATIO_GOAL}x`, met: ratio <= IMPORT_RATIO_GOAL });
}
recordTargets('bundles', rows);
