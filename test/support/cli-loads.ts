import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Metafile } from 'esbuild';

/**
 * What a run of the compiled CLI loaded, in source terms: the CLI runs with a module hook that logs every
 * module it imports (record-loads.mjs), and esbuild's metafile says which sources each of those chunks
 * holds. `outdir` is where scripts/build-cli.ts built it (inside the repository, so node_modules is found).
 */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The metafile inputs of every chunk the process loaded (`node_modules/yaml/dist/...`, `lib/policy/lint.ts`). */
  sources: Set<string>;
  /** How many of the CLI's own chunks it loaded. */
  chunks: number;
  /** The Node built-ins it loaded (`zlib`, `fs/promises`), from process.moduleLoadList at exit. */
  builtins: Set<string>;
}

/** Writes process.moduleLoadList to $SESGUARD_BUILTINS_LOG when the process exits. */
const RECORD_BUILTINS = `data:text/javascript,${encodeURIComponent("import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.SESGUARD_BUILTINS_LOG,JSON.stringify(process.moduleLoadList)));")}`;

export function runCompiledCli(outdir: string, metafile: Metafile, args: string[], options: { cwd?: string; log: string }): CliRun {
  const log = resolve(options.log);
  const builtinsLog = `${log}.builtins.json`;
  rmSync(log, { force: true });
  rmSync(builtinsLog, { force: true });
  const result = spawnSync(process.execPath, ['--import', resolve('test/support/record-loads.mjs'), '--import', RECORD_BUILTINS, resolve(outdir, 'sesguard.mjs'), ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env['PATH'] ?? '', SESGUARD_LOAD_LOG: log, SESGUARD_BUILTINS_LOG: builtinsLog },
  });
  const dir = resolve(outdir);
  const loaded = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:') && resolve(new URL(url).pathname, '..') === dir)
      .map((url) => basename(new URL(url).pathname)),
  );
  const sources = new Set<string>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (loaded.has(basename(file))) for (const input of Object.keys(output.inputs)) sources.add(input);
  }
  const builtins = new Set((JSON.parse(readFileSync(builtinsLog, 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, sources, chunks: loaded.size, builtins };
}

/** How many files `sesguard.mjs` loads before any command runs: the entry and the chunks it imports statically. */
export function entryFiles(metafile: Metafile): number {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]!.entryPoint === 'bin/main.ts');
  const reached = new Set<string>();
  const queue = entry === undefined ? [] : [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const output = outputs[file];
    if (reached.has(file) || !output) continue;
    reached.add(file);
    for (const imported of output.imports) if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
  }
  return reached.size;
}
