import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { decodeSourceBytes, UnreadableTextError, type SourceText } from '../lib/source/text.ts';
import type { CliIo } from './io.ts';

/**
 * The inputs a command reads: files named on the command line (always read, whatever their name), every
 * file under a named directory that matches the command's globs (recursive, sorted), and `-` for stdin.
 */
export interface InputRef {
  /** As shown in reports: the path as given or found, or `-`. */
  name: string;
  /** Undefined for stdin. */
  path?: string;
  /** Found in a directory (rather than named): sidecars are looked for only beside named or found files alike. */
  fromDirectory: boolean;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * `**` any number of directories, `*` any characters but `/`, `?` one character, `{a,b}` either. A pattern
 * without `/` matches the file name at any depth (as .gitignore does), so `*.json` means every JSON file.
 */
export function globToRegExp(glob: string): RegExp {
  const anywhere = !glob.includes('/');
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map((part) => part.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('|')})`;
        i = end;
      }
    } else out += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${out}$`);
}

export interface CollectOptions {
  /** Globs a file found in a directory must match (at least one). */
  include: readonly string[];
  /** Names never read from a directory (replay's `.state.json` sidecars). */
  exclude?: (name: string) => boolean;
}

/** One file named by an option (simulate --policy): read as any input is, with the same errors. */
export function namedFile(path: string): InputRef {
  return { name: path, path, fromDirectory: false };
}

export async function collectInputs(paths: readonly string[], options: CollectOptions): Promise<InputRef[]> {
  const patterns = options.include.map(globToRegExp);
  const inputs: InputRef[] = [];
  let stdin = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdin) throw new InputError('- (stdin) can be named only once');
      stdin = true;
      inputs.push({ name: '-', fromDirectory: false });
      continue;
    }
    let info;
    try {
      info = statSync(path);
    } catch {
      throw new InputError(`no such file or directory: ${path}`);
    }
    if (!info.isDirectory()) {
      inputs.push({ name: path, path, fromDirectory: false });
      continue;
    }
    const entries = readdirSync(path, { recursive: true, withFileTypes: true });
    const found = entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .filter((file) => {
        const rel = relative(path, file).split(sep).join('/');
        const name = rel.split('/').pop() ?? rel;
        return !options.exclude?.(name) && patterns.some((p) => p.test(rel));
      })
      .sort();
    if (found.length === 0) throw new InputError(`${path}: no file in it matches ${options.include.join(', ')} (--include to choose others)`);
    inputs.push(...found.map((file) => ({ name: file, path: file, fromDirectory: true })));
  }
  return inputs;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * The input's text (gunzipped, byte-order mark dropped); InputError saying why it cannot be read. Files are
 * read synchronously: the commands read one input after another anyway, and the promise API's round trips
 * through the thread pool were a fifth of `sesguard check` over 500 files.
 */
export async function readInput(input: InputRef, io: Pick<CliIo, 'stdin'>): Promise<SourceText> {
  let bytes: Uint8Array;
  try {
    bytes = input.path === undefined ? await readStream(io.stdin) : readFileSync(input.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why: Record<string, string> = { ENOENT: 'no such file or directory', EISDIR: 'is a directory', EACCES: 'cannot be read: permission denied' };
    throw new InputError(why[code ?? ''] ?? `cannot be read: ${(error as Error).message}`);
  }
  try {
    return decodeSourceBytes(bytes);
  } catch (error) {
    if (error instanceof UnreadableTextError) throw new InputError(error.message);
    throw error;
  }
}
