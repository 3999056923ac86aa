import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig } from '../lib/config/validate.ts';
import type { Config } from '../lib/config/schema.ts';
import { readSimpleYaml } from './simple-yaml.ts';

/**
 * A config file as lib/config/load.ts reads it. Loading the `yaml` library was a large share of start-up,
 * so a config in the plain subset simple-yaml.ts is sure of is read there, to the same value; any other
 * text, and a file that cannot be read, goes to load.ts, which then says what yaml says.
 */
async function loadConfigFile(path: string): Promise<Config> {
  let text: string | undefined;
  try {
    // Read synchronously, as the inputs are (input-files.ts): the promise API's open/stat/read/close round trips cost more than one small file.
    text = readFileSync(path, 'utf8');
  } catch {
    // load.ts reads it again and reports why it cannot, in its words.
  }
  const plain = text === undefined ? undefined : readSimpleYaml(text);
  if (plain !== undefined) return parseConfig(plain, path);
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
