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

/**
 * The regions the guard is deployed in (one stack each). Every stack's functions see only their own
 * region's events, except IAM's: those reach the us-east-1 stack alone, and there they include the
 * calls of every region's guard roles (quarantines made by an eu-west-1 function are IAM calls). So the
 * us-east-1 stack must know the exact roles of every region; the build takes the list
 * (`--guard-regions`, default the global region alone) and names each role as the template does.
 */
export const GLOBAL_REGION = 'us-east-1';
const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export class InvalidGuardRegionsError extends Error {
  override readonly name = 'InvalidGuardRegionsError';
}

export function parseGuardRegions(list: string | undefined): string[] {
  const regions = [...new Set((list ?? GLOBAL_REGION).split(',').map((r) => r.trim()).filter((r) => r.length > 0))];
  const bad = regions.filter((r) => !REGION_NAME.test(r));
  if (bad.length > 0) throw new InvalidGuardRegionsError(`guard regions ${bad.map((r) => `"${r}"`).join(', ')} are not AWS region names`);
  if (!regions.includes(GLOBAL_REGION)) throw new InvalidGuardRegionsError(`guard regions must include ${GLOBAL_REGION}, where IAM's events (and the iam-grant function) are`);
  return regions.sort();
}

/** The role name the template gives a function's role in a region (IAM names are global: the region keeps stacks apart). */
export function guardRoleName(prefix: string, fn: Pick<DeployedFunction, 'name'>, region: string): string {
  return `${prefix}${fn.name}-${region}`;
}

/** Every guard role of every region, by name (`sesguard-<stage>-<function>-<region>`). */
export function guardRoleNames(prefix: string, regions: readonly string[], functions: readonly Pick<DeployedFunction, 'name'>[] = ALL_FUNCTIONS): string[] {
  return regions.flatMap((region) => functions.map((fn) => guardRoleName(prefix, fn, region))).sort();
}
