import type { ChangeFamily } from '../../lib/cloudtrail/types.ts';

/**
 * The deployable functions. One bundle, one role, one error alarm each; the name is the CloudFormation
 * and Lambda name suffix (`sesguard-<stage>-<name>`), the logical id prefix is its PascalCase form.
 */
export interface GuardFunction {
  kind: 'guard';
  name: ChangeFamily;
  entry: string;
}

export interface NotifierFunction {
  kind: 'notifier';
  name: 'slack-notifier';
  entry: string;
}

export type DeployedFunction = GuardFunction | NotifierFunction;

export const GUARD_FUNCTIONS: readonly GuardFunction[] = [
  { kind: 'guard', name: 'identity-policy', entry: 'functions/identity-policy.ts' },
  { kind: 'guard', name: 'event-destination', entry: 'functions/event-destination.ts' },
  { kind: 'guard', name: 'custom-verification', entry: 'functions/custom-verification.ts' },
  { kind: 'guard', name: 'iam-grant', entry: 'functions/iam-grant.ts' },
  { kind: 'guard', name: 'guard-integrity', entry: 'functions/guard-integrity.ts' },
];

/** Optional: deployed only when the `slackWebhookParameter` param is set (see serverless.yml). */
export const SLACK_NOTIFIER: NotifierFunction = { kind: 'notifier', name: 'slack-notifier', entry: 'functions/slack-notifier.ts' };

export const ALL_FUNCTIONS: readonly DeployedFunction[] = [...GUARD_FUNCTIONS, SLACK_NOTIFIER];

/** `identity-policy` -> `IdentityPolicy`: the CloudFormation logical id stem osls uses for functions too. */
export function logicalIdStem(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Stage names become part of every resource name, and GUARD-001 recognises guard resources by the
 * prefix `sesguard-<stage>-`. A hyphen in a stage would let stage `prod` claim the resources of stage
 * `prod-eu` as its own, so stages are lowercase letters and digits only.
 */
export const STAGE_PATTERN = /^[a-z][a-z0-9]{0,11}$/;

export class InvalidStageError extends Error {
  override readonly name = 'InvalidStageError';
}

export function resourcePrefix(stage: string): string {
  if (!STAGE_PATTERN.test(stage)) {
    throw new InvalidStageError(`stage "${stage}" must match ${STAGE_PATTERN} (lowercase letters and digits, at most 12)`);
  }
  return `sesguard-${stage}-`;
}
