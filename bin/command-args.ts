import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.ts';

/** What node:util parseArgs returns for a given options config. */
export type ParsedCommandArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * Parses one command's arguments the same way for every command: an unknown option or a missing value is
 * a usage error (message + help on stderr, exit 2); `--help` prints the help (exit 0). Returns the parsed
 * arguments, or the exit code when the command should stop.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(command: string, help: string, io: CliIo, config: T): ParsedCommandArgs<T> | number {
  let parsed: ParsedCommandArgs<T>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    io.stderr.write(`sesguard ${command}: ${error instanceof Error ? error.message : String(error)}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    io.stdout.write(help);
    return 0;
  }
  return parsed;
}

/** Writes a usage error and returns its exit code (2). */
export function usageError(command: string, io: CliIo, message: string): number {
  io.stderr.write(`sesguard ${command}: ${message}\n`);
  return 2;
}
