import type { Config } from '../../lib/config/schema.ts';
import { parseConfig } from '../../lib/config/validate.ts';

/**
 * The esbuild build replaces this identifier with sesguard.config.yml, validated at build time and
 * inlined as JSON, so a deployed function carries the config it was packaged with (and no YAML parser).
 * It is parsed again at cold start anyway: a config that does not validate must stop the function,
 * loudly, never fall back to defaults.
 */
declare const __SESGUARD_CONFIG__: unknown;

export class ConfigNotBundledError extends Error {
  override readonly name = 'ConfigNotBundledError';
}

export function loadBundledConfig(): Config {
  if (typeof __SESGUARD_CONFIG__ === 'undefined') {
    throw new ConfigNotBundledError('no config was bundled into this function: build it with `npm run build` (or pass a config in tests)');
  }
  return parseConfig(__SESGUARD_CONFIG__, 'bundled sesguard.config.yml');
}
