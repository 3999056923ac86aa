import * as z from '../../lib/zod.ts';
import { describeZodIssues } from '../../lib/zod-issues.ts';
import { ownRoleArnProblem } from '../../lib/cloudtrail/own-role.ts';

/** The settings a guard function reads from its environment (set by serverless.yml), parsed once. */
/**
 * The guard's own roles: exact role ARNs, comma-separated, as the template writes them (an entry may be
 * empty where a role exists only in another stack). A pattern is refused, loudly: a wildcard here is how
 * a role merely named like the guard's used to be skipped as the guard's own.
 */
const ownRoleArns = z.pipe(
  z.pipe(z.string(), z.transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))),
  z.array(
    z.string().check(
      z.superRefine((arn, ctx) => {
        const problem = ownRoleArnProblem(arn);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  ).check(z.minLength(1, "must name at least one of the guard's role ARNs")),
);

export const GuardEnvSchema = z.object({
  SESGUARD_ALERT_TOPIC_ARN: z.string().check(z.regex(/^arn:aws[\w-]*:sns:/, 'must be an SNS topic ARN')),
  /** Only functions that revert resources keep baselines; the others are not given the table at all. */
  SESGUARD_BASELINE_TABLE: z.optional(z.string().check(z.minLength(1))),
  SESGUARD_IDEMPOTENCY_TABLE: z.string().check(z.minLength(1)),
  /** The guard's own roles (exact ARNs): their events are its own repairs and are skipped (no self-fight). */
  SESGUARD_OWN_ROLE_ARNS: ownRoleArns,
  /** The alert topic's KMS key: disabling or deleting it silences every alert (GUARD-001). */
  SESGUARD_ALERT_KEY_ARN: z.string().check(z.regex(/^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, 'must be a KMS key ARN')),
  /** Name prefix of every guard resource; changes to them are GUARD-001 events. */
  SESGUARD_RESOURCE_PREFIX: z.string().check(z.minLength(1)),
  /**
   * How long a quarantine waits for CloudTrail's event history to show the event it acts on
   * (lib/remediation/quarantine/verify-event.ts); the template keeps the function timeout above it.
   */
  SESGUARD_VERIFY_WAIT_SECONDS: z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d+$/, 'must be a whole number of seconds')), z.transform(Number)),
      z.number().check(z.lte(780, 'must leave the function time to act within Lambda\'s 900 s limit')),
    ),
  ),
  /**
   * SES control-plane calls per second this function takes from the budget every guard function and the
   * sweep share (lib/aws/shared-rate-bucket.ts, an item of the idempotency table). Unset: SES calls are not
   * paced (tests, local runs); the template sets it for the SES families.
   */
  SESGUARD_SES_CALLS_PER_SECOND: z.optional(
    z.pipe(z.pipe(z.string().check(z.regex(/^\d+(\.\d+)?$/, 'must be a number of calls per second')), z.transform(Number)), z.number().check(z.positive('must be above 0'))),
  ),
  /** Where to read the config when it was not bundled (tests, local runs). */
  SESGUARD_CONFIG_PATH: z.optional(z.string()),
});
export type GuardEnv = z.infer<typeof GuardEnvSchema>;

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/** A function's environment, parsed at cold start: a bad one stops the function, naming every bad variable. */
export function parseEnvironment<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.infer<S> {
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
