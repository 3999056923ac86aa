import { FAMILIES, type FamilyId } from '../../lib/families/index.ts';
import type { Family } from '../../lib/families/family.ts';
import { GLOBAL_EVENT_SOURCES } from './event-patterns.ts';

/**
 * The deployable functions. One bundle, one role, one error alarm each; the name is the CloudFormation
 * and Lambda name suffix (`sesguard-<stage>-<name>`), the logical id prefix is its PascalCase form.
 * A guard function per registered family: its entry is generated (functions/runtime/family-entry.ts).
 */
export interface GuardFunction {
  kind: 'guard';
  name: FamilyId | (string & {});
  /** Deployed only in the global stack (us-east-1): every event the family handles is a global service's. */
  globalOnly: boolean;
}

export interface NotifierFunction {
  kind: 'notifier';
  name: 'slack-notifier';
  entry: string;
}

/** The sweep (functions/sweep.ts): every family's inventory, started by its state machine (sweep-resources.ts). */
export interface SweepFunction {
  kind: 'sweep';
  name: 'sweep';
  entry: string;
}

export type DeployedFunction = GuardFunction | NotifierFunction | SweepFunction;

/** A family's function: regional unless every event it handles is a global service's (IAM). */
export function guardFunctionOf<F extends string>(family: Pick<Family, 'events'> & { id: F }): GuardFunction & { name: F } {
  return { kind: 'guard', name: family.id, globalOnly: family.events.every((event) => GLOBAL_EVENT_SOURCES.has(event.eventSource)) };
}

export const GUARD_FUNCTIONS: readonly GuardFunction[] = Object.values(FAMILIES).map(guardFunctionOf);

/** Optional: deployed only when the `slackWebhookParameter` param is set (see serverless.yml). */
export const SLACK_NOTIFIER: NotifierFunction = { kind: 'notifier', name: 'slack-notifier', entry: 'functions/slack-notifier.ts' };

export const SWEEP_FUNCTION: SweepFunction = { kind: 'sweep', name: 'sweep', entry: 'functions/sweep.ts' };

export const ALL_FUNCTIONS: readonly DeployedFunction[] = [...GUARD_FUNCTIONS, SWEEP_FUNCTION, SLACK_NOTIFIER];

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
