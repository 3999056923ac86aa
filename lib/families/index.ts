import type { StepAction } from '../remediation/types.ts';
import type { StepDefinition } from '../remediation/step.ts';
import type { Family } from './family.ts';
import customVerification from './custom-verification/index.ts';
import eventDestination from './event-destination/index.ts';
import guardIntegrity from './guard-integrity/index.ts';
import iamGrant from './iam-grant/index.ts';
import identityPolicy from './identity-policy/index.ts';

/**
 * The registry: every trigger family, keyed by its id. Adding a family is one folder under lib/families
 * and one line here; the EventBridge patterns, the per-function bundles and roles, `sesguard check`'s
 * kinds and `sesguard replay` all iterate this.
 *
 * Lambda code imports a family's own index.ts, never this file (only its types): importing the registry
 * pulls every family's SDK commands into a bundle, and so into the role derived from it.
 */
export const FAMILIES = {
  'identity-policy': identityPolicy,
  'event-destination': eventDestination,
  'custom-verification': customVerification,
  'iam-grant': iamGrant,
  'guard-integrity': guardIntegrity,
} as const;

export type FamilyId = keyof typeof FAMILIES;

/** The change and state of one family, read off its Family object. */
export type ChangeOf<F extends FamilyId> = (typeof FAMILIES)[F] extends Family<infer C, infer _S> ? C : never;
export type StateOf<F extends FamilyId> = (typeof FAMILIES)[F] extends Family<infer _C, infer S> ? S : never;

/** Every change any family parses, and every state any family reads (each family's `states` is a mapped type over its kinds). */
export type KnownChange = { [F in FamilyId]: ChangeOf<F> }[FamilyId];
export type KnownState = { [F in FamilyId]: StateOf<F> }[FamilyId];
export type StateKind = KnownState['kind'];

/** Each entry's id is its key: a mistyped key or id fails here. */
export const REGISTRY_IS_KEYED_BY_ID: { readonly [F in FamilyId]: { id: F } } = FAMILIES;

/** The families in the order their parsers are offered an event: guard-integrity first (see EVENT_PARSERS). */
const ORDERED = Object.values(FAMILIES).sort((a, b) => Number(b.id === 'guard-integrity') - Number(a.id === 'guard-integrity'));
export const FAMILY_LIST: readonly Family[] = ORDERED;

/**
 * Every parser, guard-integrity first: an event two families list (iam PutRolePolicy) is offered to the
 * guard-integrity parser before the grant parser, and each declines what is not its own.
 */
export const EVENT_PARSERS = FAMILY_LIST.flatMap((family) => family.events);

/** The (eventSource, eventName, family) rows the EventBridge patterns are built from: exactly the parsers'. */
export const SUPPORTED_EVENTS: ReadonlyArray<{ eventSource: string; eventName: string; family: FamilyId }> = ORDERED.flatMap((family) =>
  family.events.map(({ eventSource, eventName }) => ({ eventSource, eventName, family: family.id })),
);

/** Every rule of every family: one list, in lib/families/judging.ts (the registry's pure half). */
export { RULES } from './judging.ts';

/** Every repair step of every family, once each. */
export const STEP_DEFINITIONS: readonly StepDefinition<StepAction, never>[] = [...new Map(FAMILY_LIST.flatMap((f) => f.steps).map((s) => [s.type, s])).values()];

export function familyById(id: string): Family | undefined {
  return FAMILY_LIST.find((family) => family.id === id);
}
