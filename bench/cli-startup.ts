/**
 * Start-up time of the built CLI (`npm run bench:cli [-- --runs 15]`): `sesguard --help`, `--version`, a
 * one-file `sesguard check`, a one-file `sesguard replay`, each a fresh `node bin/sesguard.js` process timed
 * from spawn to exit, median of N runs, as a ratio to a bare `node -e ''` measured in the same run
 * (interleaved, so machine noise hits all alike); and `sesguard check` of 500 files in one process, as
 * milliseconds per file (the whole run, start-up included, divided by 500). The CLI is built first
 * (scripts/build-cli.ts), exactly as `npm ci` builds it.
 *
 * Targets (issue 15): a one-file check <= 3x bare node; 500 files in one process <= 1.5 ms/file.
 * --help stays at most 2x bare node (the compiled-CLI issue).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from '../scripts/build-cli.ts';
import { median, recordTargets } from './targets.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(3, Number.parseInt(values.runs, 10) || 15);

export const CHECK_RATIO_GOAL = 3;
export const HELP_RATIO_GOAL = 2;
export const MS_PER_FILE_GOAL = 1.5;
const MANY = 500;

/** Wall time of `node <args>` from spawn to exit; throws when the exit code is not the expected one. */
function timeNode(args: string[], expected: number): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - started;
  if (result.status !== expected) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/** 500 inputs: the examples (every check kind, compliant and not), copied round-robin. */
function manyFiles(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const examples = readdirSync('examples').filter((f) => f.endsWith('.json') && !f.includes('misspelled')).sort();
  for (let i = 0; i < MANY; i++) copyFileSync(join('examples', examples[i % examples.length]!), join(dir, `${String(i).padStart(3, '0')}-${examples[i % examples.length]}`));
}

const CONFIG = ['--config', 'examples/sesguard.config.yml'];
const MANY_DIR = '.build/bench-cli-many';
const CASES = [
  { name: 'sesguard --help', args: ['bin/sesguard.js', '--help'], exit: 0 },
  { name: 'sesguard --version', args: ['bin/sesguard.js', '--version'], exit: 0 },
  { name: 'sesguard check (1 file)', args: ['bin/sesguard.js', 'check', 'examples/identity-policy-open.json', ...CONFIG], exit: 1 },
  { name: 'sesguard replay (1 event)', args: ['bin/sesguard.js', 'replay', 'events/identity-policy/v2-create-policy-public-principal.json'], exit: 0 },
] as const;

const { bytes } = await buildCli();
manyFiles(MANY_DIR);
const bare: number[] = [];
const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
const many: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(timeNode(['-e', ''], 0));
  for (const c of CASES) times.get(c.name)?.push(timeNode([...c.args], c.exit));
  if (i < Math.max(3, Math.ceil(runs / 3))) many.push(timeNode(['bin/sesguard.js', 'check', MANY_DIR, '--quiet', ...CONFIG], 1));
}
rmSync(MANY_DIR, { recursive: true, force: true });

const bareMs = median(bare);
console.log(`node ${process.version}, ${runs} runs, CLI bundle ${(bytes / 1024).toFixed(0)} KB (entry + chunks), bare \`node -e ''\`: ${bareMs.toFixed(1)} ms (median)\n`);
console.log('command                          ms   x bare');
const ratio = (name: string) => median(times.get(name) ?? []) / bareMs;
for (const c of CASES) console.log(`${c.name.padEnd(28)} ${median(times.get(c.name) ?? []).toFixed(1).padStart(7)} ${ratio(c.name).toFixed(2).padStart(8)}`);
const manyMs = median(many);
const perFile = manyMs / MANY;
console.log(`sesguard check (${MANY} files)   ${manyMs.toFixed(1).padStart(7)}   ${perFile.toFixed(2)} ms/file`);

recordTargets('cli', [
  { target: 'sesguard check, one file', figure: `${ratio('sesguard check (1 file)').toFixed(2)}x bare node`, goal: `<= ${CHECK_RATIO_GOAL}x`, met: ratio('sesguard check (1 file)') <= CHECK_RATIO_GOAL },
  { target: `sesguard check, ${MANY} files in one process`, figure: `${perFile.toFixed(2)} ms/file`, goal: `<= ${MS_PER_FILE_GOAL} ms/file`, met: perFile <= MS_PER_FILE_GOAL },
  { target: 'sesguard --help', figure: `${ratio('sesguard --help').toFixed(2)}x bare node`, goal: `<= ${HELP_RATIO_GOAL}x`, met: ratio('sesguard --help') <= HELP_RATIO_GOAL },
]);
