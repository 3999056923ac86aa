#!/usr/bin/env node
// The CLI runs as built JavaScript (dist/bin/sesguard.mjs, one esbuild bundle made by `npm ci` through the
// `prepare` script, or by `npm run build:cli`): no TypeScript compiler at run time.
try {
  await import('../dist/bin/sesguard.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bin/sesguard.mjs')) throw error;
  process.stderr.write('sesguard: the CLI is not built: run `npm run build:cli` (npm ci does it through prepare)\n');
  process.exitCode = 3;
}
