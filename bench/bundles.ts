/**
 * Bundle size and cold import time per function (`npm run bench:bundles [-- --runs 9]`).
 *
 * Cold import = a fresh `node` process that imports the bundle's handler module, timed from spawn to exit,
 * median of N runs, reported as a ratio to a bare `node -e ''` measured in the same run: the ratio is what
 * the bundle adds to a cold start and compares across machines; the milliseconds do not.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../lib/config/load.ts';
import { bundleFunction } from '../scripts/deploy/bundle.ts';
import { readBundleBudgetKb } from '../scripts/deploy/bundle-budget.ts';
import { ALL_FUNCTIONS } from '../scripts/deploy/functions.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.max(3, Number.parseInt(values.runs, 10) || 7);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of `node <args>` from spawn to exit; throws with stderr when the process fails. */
function timeNode(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

const config = parseConfigText(await readFile('sesguard.config.yml', 'utf8'), 'sesguard.config.yml');
const budgetKb = await readBundleBudgetKb();
const bundles = [];
for (const fn of ALL_FUNCTIONS) bundles.push(await bundleFunction(fn, config));

// Interleave bare and bundle runs so machine noise hits both alike.
const bare: number[] = [];
const imports = new Map<string, number[]>(bundles.map((b) => [b.fn.name, []]));
for (let i = 0; i < runs; i++) {
  bare.push(timeNode(['-e', '']));
  for (const b of bundles) {
    const url = pathToFileURL(resolve(b.outfile)).href;
    imports.get(b.fn.name)!.push(timeNode(['--input-type=module', '-e', `await import(${JSON.stringify(url)});`]));
  }
}

const bareMs = median(bare);
console.log(`node ${process.version}, ${runs} runs, bare \`node -e ''\`: ${bareMs.toFixed(1)} ms (median)\n`);
console.log('function              bytes      KB   budget   import ms   x bare');
for (const b of bundles) {
  const ms = median(imports.get(b.fn.name)!);
  console.log(
    `${b.fn.name.padEnd(20)} ${String(b.bytes).padStart(8)} ${(b.bytes / 1024).toFixed(1).padStart(7)} ${`${Math.round((b.bytes / 1024 / budgetKb) * 100)}%`.padStart(8)} ${ms.toFixed(1).padStart(11)} ${(ms / bareMs).toFixed(2).padStart(8)}`,
  );
}
