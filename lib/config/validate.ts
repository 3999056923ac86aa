import { describeZodIssues } from '../zod-issues.ts';
import { ConfigSchema, type Config } from './schema.ts';

/** A config that cannot be used. The message names every bad field; the guard must not start on it. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`invalid config ${source}:\n  - ${issues.join('\n  - ')}`);
  }
}


/** Validates an already-parsed value (e.g. the YAML object bundled into a Lambda). */
export function parseConfig(value: unknown, source = 'config'): Config {
  const result = ConfigSchema.safeParse(value ?? {});
  if (!result.success) throw new InvalidConfigError(source, describeZodIssues(result.error));
  return result.data;
}
