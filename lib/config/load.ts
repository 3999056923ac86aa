import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { Config } from './schema.ts';
import { InvalidConfigError, parseConfig } from './validate.ts';

// YAML lives here, apart from validation: Lambda bundles carry the validated config as JSON and no YAML parser.
export { InvalidConfigError, parseConfig };

export function parseConfigText(text: string, source = 'config'): Config {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message : String(error);
    throw new InvalidConfigError(source, [`not valid YAML: ${message}`]);
  }
  return parseConfig(value, source);
}

export async function loadConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidConfigError(path, [`cannot read file: ${(error as Error).message}`]);
  }
  return parseConfigText(text, path);
}
