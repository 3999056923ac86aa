/**
 * Start-up time of the built CLI (`npm run bench:cli [-- --runs 15]`): `sesguard --help`, a one-file
 * `sesguard check`, and a one-file `sesguard replay`, each a fresh `node bin/sesguard.js` process timed
 * from spawn to exit, median of N runs, as a ratio to a bare `node -e ''` measured in the same run
 * (interleaved, so machine noise hits all alike). Target: --help at most 2x bare node. The CLI is built
 * first (scripts/build-cli.ts), exactly as `npm ci` builds it.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildCli } from '../scripts/build-cli.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(3, Number.parseInt(values.runs, 10) || 15);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wall time of `node <args>` from spawn to exit; throws when the exit code is not the expected one. */
function timeNode(args: string[], expected: number): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  const elapsed = performance.now() - started;
  if (result.status !== expected) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

const CASES = [
  { name: 'sesguard --help', args: ['bin/sesguard.js', '--help'], exit: 0 },
  { name: 'sesguard --version', args: ['bin/sesguard.js', '--version'], exit: 0 },
  { name: 'sesguard check (1 file)', args: ['bin/sesguard.js', 'check', 'examples/identity-policy-open.json', '--config', 'examples/sesguard.config.yml'], exit: 1 },
  { name: 'sesguard replay (1 event)', args: ['bin/sesguard.js', 'replay', 'events/identity-policy/v2-create-policy-public-principal.json'], exit: 0 },
] as const;

const { bytes } = await buildCli();
const bare: number[] = [];
const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
for (let i = 0; i < runs; i++) {
  bare.push(timeNode(['-e', ''], 0));
  for (const c of CASES) times.get(c.name)?.push(timeNode([...c.args], c.exit));
}
const bareMs = median(bare);
console.log(`node ${process.version}, ${runs} runs, CLI bundle ${(bytes / 1024).toFixed(0)} KB (entry + chunks), bare \`node -e ''\`: ${bareMs.toFixed(1)} ms (median)\n`);
console.log('command                          ms   x bare');
for (const c of CASES) {
  const ms = median(times.get(c.name) ?? []);
  console.log(`${c.name.padEnd(28)} ${ms.toFixed(1).padStart(7)} ${(ms / bareMs).toFixed(2).padStart(8)}`);
}
