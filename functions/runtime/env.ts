import { z } from 'zod';
import { describeZodIssues } from '../../lib/zod-issues.ts';

/** The settings a guard function reads from its environment (set by serverless.yml), parsed once. */
const commaList = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
  .pipe(z.array(z.string().regex(/^arn:/, 'each entry must be an ARN pattern')).min(1, 'must name at least one ARN pattern'));

export const GuardEnvSchema = z.object({
  SESGUARD_ALERT_TOPIC_ARN: z.string().regex(/^arn:aws[\w-]*:sns:/, 'must be an SNS topic ARN'),
  SESGUARD_BASELINE_TABLE: z.string().min(1),
  SESGUARD_IDEMPOTENCY_TABLE: z.string().min(1),
  /** The guard's own roles: their events are its own repairs and are skipped (no self-fight). */
  SESGUARD_OWN_ROLE_ARNS: commaList,
  /** Name prefix of every guard resource; changes to them are GUARD-001 events. */
  SESGUARD_RESOURCE_PREFIX: z.string().min(1),
  /** Where to read the config when it was not bundled (tests, local runs). */
  SESGUARD_CONFIG_PATH: z.string().optional(),
});
export type GuardEnv = z.infer<typeof GuardEnvSchema>;

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/** A function's environment, parsed at cold start: a bad one stops the function, naming every bad variable. */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issues = describeZodIssues(result.error);
    throw new InvalidEnvironmentError(`invalid ${what} environment:\n  - ${issues.join('\n  - ')}`);
  }
  return result.data;
}

export function parseGuardEnv(env: NodeJS.ProcessEnv): GuardEnv {
  return parseEnvironment(GuardEnvSchema, env, 'function');
}
