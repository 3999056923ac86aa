/**
 * The benchmark targets' one table. Each bench measures its own figures and calls `recordTargets`; the
 * rows land in `.bench/targets.json` (one key per bench, so re-running one bench replaces only its rows)
 * and `bench/summary.ts` prints them together after `npm run bench`. A row states the figure measured in
 * this run, the goal it is held to, and whether it met it: the README's benchmark table is this output.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface TargetRow {
  /** The target as the issue names it, e.g. "cold import, identity-policy". */
  readonly target: string;
  /** What this run measured, with its unit, e.g. "3.1x bare node". */
  readonly figure: string;
  /** The goal, e.g. "<= 3.5x". */
  readonly goal: string;
  readonly met: boolean;
}

const RESULTS_DIR = '.bench';
const RESULTS_FILE = `${RESULTS_DIR}/targets.json`;

interface StoredResults {
  /** `load`: the one-minute load average when the bench finished (wall-clock ratios move with it). */
  readonly [bench: string]: { readonly at: string; readonly load?: number; readonly rows: readonly TargetRow[] };
}

function readResults(): StoredResults {
  try {
    return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as StoredResults;
  } catch {
    return {};
  }
}

/** Prints `rows` under the bench's name and stores them for the summary table. */
export function recordTargets(bench: string, rows: readonly TargetRow[]): void {
  console.log(`\ntargets (${bench}):`);
  for (const row of rows) console.log(`  ${row.met ? 'met    ' : 'NOT MET'}  ${row.target}: ${row.figure} (goal ${row.goal})`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...readResults(), [bench]: { at: new Date().toISOString(), load: loadavg()[0], rows } }, null, 2)}\n`);
}

/** The stored rows as one Markdown table, with the machine they were measured on. */
export function summaryTable(): string {
  const results = readResults();
  const cpu = cpus();
  const loads = Object.entries(results).map(([bench, r]) => `${bench} ${r.load === undefined ? '?' : r.load.toFixed(2)}`);
  const lines = [
    `Measured on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, node ${process.version}; one-minute load average as each bench ended: ${loads.join(', ')}.`,
    '',
    '| bench | target | figure | goal | met |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [bench, { rows }] of Object.entries(results)) {
    for (const row of rows) lines.push(`| ${bench} | ${row.target} | ${row.figure} | ${row.goal} | ${row.met ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

/** Median of a sample; the benches report medians so one slow run does not move the figure. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
