import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig } from '../lib/config/validate.ts';
import type { Config } from '../lib/config/schema.ts';

/** A config file's YAML parser is loaded only when there is a file to read: it is a large share of start-up. */
async function loadConfigFile(path: string): Promise<Config> {
  return (await import('../lib/config/load.ts')).loadConfigFile(path);
}

/**
 * The config every command judges with, and how it says which it used: `--config FILE`, else
 * `./sesguard.config.yml` when present, else the built-in defaults. Throws InvalidConfigError naming the
 * field; a config that does not validate is never replaced by defaults.
 */
export async function loadCliConfig(path: string | undefined): Promise<{ config: Config; source: string }> {
  if (path !== undefined) return { config: await loadConfigFile(path), source: path };
  const defaultPath = resolve('sesguard.config.yml');
  if (existsSync(defaultPath)) return { config: await loadConfigFile(defaultPath), source: 'sesguard.config.yml' };
  return { config: parseConfig({}, 'built-in defaults'), source: 'built-in defaults (no ./sesguard.config.yml)' };
}
