/**
 * The CLI's process entry: the only place that touches `process`. Built into dist/bin/sesguard.mjs by
 * scripts/build-cli.ts (run by `npm ci` through package.json's `prepare`); bin/sesguard.js loads that.
 */
import { main } from './cli.ts';
import { configureManagedPolicySnapshot, SNAPSHOT_FILE } from '../lib/managed-policies/snapshot.ts';

/** Where data/ is relative to the built bundle (scripts/build-cli.ts); undefined when run from source. */
declare const __SESGUARD_DATA_DIR__: string | undefined;
if (typeof __SESGUARD_DATA_DIR__ === 'string') configureManagedPolicySnapshot({ path: new URL(`${__SESGUARD_DATA_DIR__}/${SNAPSHOT_FILE}`, import.meta.url) });

/**
 * A reader that goes away (`sesguard replay ... | head`) closes stdout: the next write fails with EPIPE.
 * That is the reader's choice, not an error: stop at once and quietly, as Unix tools do.
 */
function exitQuietlyWhenTheReaderGoesAway(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

exitQuietlyWhenTheReaderGoesAway(process.stdout);
exitQuietlyWhenTheReaderGoesAway(process.stderr);
// Not a top-level await: the entry's chunks are linked into this module (scripts/link-cli-command.ts), so the
// command's chunks import it, and importing a module still awaiting at its top level waits for it: here, for the
// command itself.
void main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
  process.exitCode = code;
});
