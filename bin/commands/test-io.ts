import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../io.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command in-process with in-memory streams, as the tests of every command do. */
export async function runCommand(command: (args: string[], io: CliIo) => Promise<number>, args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  stdin.end(options.stdin ?? '');
  const code = await command(args, { stdin, stdout, stderr, env: options.env ?? {} });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** A scratch folder for a test file's inputs, made on first use: `file(name, content)` writes one and returns its path. */
export function scratchFiles(prefix: string): { dir: () => string; file: (name: string, content: unknown) => Promise<string> } {
  let dir: string | undefined;
  const ensure = (): string => (dir ??= mkdtempSync(join(tmpdir(), `sesguard-${prefix}-`)));
  return {
    dir: ensure,
    async file(name, content) {
      const path = join(ensure(), name);
      await writeFile(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}
