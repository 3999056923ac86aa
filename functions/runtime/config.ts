import { readFileSync } from 'node:fs';
import type { Config } from '../../lib/config/schema.ts';
import { parseConfig, parseConfigText } from '../../lib/config/load.ts';

/**
 * The esbuild build replaces this identifier with the validated sesguard.config.yml (as JSON), so a
 * deployed function carries the config it was packaged with. It is parsed again at cold start anyway:
 * a config that does not validate must stop the function, loudly, never fall back to defaults.
 */
declare const __SESGUARD_CONFIG__: unknown;

export function loadRuntimeConfig(configPath: string | undefined): Config {
  if (typeof __SESGUARD_CONFIG__ !== 'undefined') return parseConfig(__SESGUARD_CONFIG__, 'bundled sesguard.config.yml');
  const path = configPath ?? 'sesguard.config.yml';
  return parseConfigText(readFileSync(path, 'utf8'), path);
}
