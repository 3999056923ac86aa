import { FAMILIES, type FamilyId } from '../../lib/families/index.ts';
import { REVOKE_ROLE_SESSIONS } from '../../lib/remediation/quarantine/steps.ts';
import { VERIFY_MAX_WAIT_MS } from '../../lib/remediation/quarantine/verify-wait.ts';
import { idempotencyKeyPrefix } from '../../functions/runtime/guard-runtime.ts';
import { SES_BUDGET_KEY } from '../../lib/aws/shared-rate-bucket.ts';
import type { DeployedFunction } from './functions.ts';
import type { FunctionScope } from './iam-policy.ts';
import type { BundleCommands } from './sdk-commands.ts';

/**
 * What a function's role may touch beyond "the commands its bundle sends": read from the family (its
 * step definitions) and the runtime (its idempotency prefixes), never written by hand per function.
 */

/** Policy-version writes the revoke-sessions step makes; elsewhere only version rollback makes them. */
const POLICY_VERSION_WRITES = new Set(['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion']);

export function functionScope(fn: DeployedFunction): FunctionScope {
  // The sweep reverts what it finds (baselines), keeps its lease and checkpoints, and decides no event twice
  // by construction (no idempotency records); it never quarantines (scripts/deploy/sweep-resources.ts).
  // Its one attachment is the repair of an IAM grant: perimeter-deny, never a quarantine policy.
  // Its SES calls in its own region take slots of the SES budget the guard functions share.
  if (fn.kind === 'sweep') return { usesBaseline: true, usesSweepTable: true, attachablePolicies: ['perimeterDenyPolicy'], sharedBudgetKeys: [SES_BUDGET_KEY] };
  if (fn.kind !== 'guard') return { usesBaseline: false };
  const family = FAMILIES[fn.name as FamilyId];
  if (!family) throw new Error(`no family ${fn.name}`);
  const ownCommands = new Set(family.steps.filter((step) => step.type !== REVOKE_ROLE_SESSIONS.type).flatMap((step) => step.commands));
  const revokes = family.steps.some((step) => step.type === REVOKE_ROLE_SESSIONS.type);
  return {
    // Baselines exist to revert resources: a family whose every step acts on the actor never reverts one.
    usesBaseline: family.steps.some((step) => !step.actsOnActor),
    idempotencyKeyPatterns: [`${idempotencyKeyPrefix('decision', family.id)}#*`, `${idempotencyKeyPrefix('alert', family.id)}#*`],
    // An SES family paces its SES calls through the budget it shares with the other SES families and the sweep.
    ...(usesSes(family) && { sharedBudgetKeys: [SES_BUDGET_KEY] }),
    guardPolicyOnlyActions: new Set(revokes ? [...POLICY_VERSION_WRITES].filter((a) => !ownCommands.has(a)) : []),
  };
}

/** The family repairs through SES v2 (its reader is SES's too): its calls count against SES's shared budget. */
export function usesSes(family: { steps: readonly { commands: readonly string[] }[] }): boolean {
  return family.steps.some((step) => step.commands.some((command) => command.startsWith('sesv2:')));
}

/** A function that verifies events in CloudTrail before a quarantine waits for the event's indexing. */
export function verifiesEvents(commands: BundleCommands): boolean {
  return commands.commands.some((c) => c.service === 'cloudtrail' && c.operation === 'LookupEvents');
}

/** How long such a function waits (seconds), and its timeout: the wait plus room to act. */
export const VERIFY_WAIT_SECONDS = VERIFY_MAX_WAIT_MS / 1000;
export const VERIFYING_FUNCTION_TIMEOUT_SECONDS = VERIFY_WAIT_SECONDS + 120;
