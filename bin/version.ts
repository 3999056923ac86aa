import { readFileSync } from 'node:fs';

/** Replaced by the CLI build (scripts/build-cli.ts) with package.json's version; absent when run from source. */
declare const __SESGUARD_VERSION__: string | undefined;

let cached: string | undefined;

/** sesguard's version: baked into the built CLI, read from package.json when run from source (tests). */
export function toolVersion(): string {
  if (typeof __SESGUARD_VERSION__ === 'string') return __SESGUARD_VERSION__;
  if (cached !== undefined) return cached;
  try {
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version;
    cached = typeof version === 'string' ? version : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
