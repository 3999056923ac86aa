import type { DraftStep, StepAction } from './types.ts';

/**
 * One definition per repair step: what it is called, the SDK operations it sends (the executor's tests
 * check nothing else is sent, and the deployment test checks each function's role against them), whether
 * it removes something (so "not found" means its goal is already met), whether it acts on the principal
 * who made the change rather than on the resource, how an alert describes it, and how it is sent.
 * `K` is the clients the sender needs, bound once per function (bindSteps).
 */
export interface StepDefinition<A extends StepAction = StepAction, K = never> {
  type: A['type'];
  /** Every SDK operation the sender can send, as `<client>:<Operation>` (client = the SDK package minus `client-`). */
  commands: readonly string[];
  /** Deletes, detaches or removes: when AWS answers that it is not there, the step's goal is met. */
  removes: boolean;
  /**
   * Acts on the principal who made the change (quarantine), not on the changed resource: the resource
   * having become compliant since does not undo what the actor did, so the race check does not cancel it.
   */
  actsOnActor: boolean;
  /** What the step touches, in words, for the plan and the alert; never the document itself. */
  describe(action: A): string;
  /** Resolves with a sentence when how the goal was met is worth saying (a fallback taken); it becomes the result's detail. */
  send(clients: K, action: A): Promise<void | string>;
}

export function defineStep<A extends StepAction, K>(definition: StepDefinition<A, K>): StepDefinition<A, K> {
  return definition;
}

/** A planned step of this definition: the planner says why, the definition says what. */
export function draftStep<A extends StepAction, K>(
  definition: StepDefinition<A, K>,
  action: A,
  why: { ruleIds: readonly string[]; reason: string; dependsOn?: DraftStep[] },
): DraftStep {
  return {
    action,
    target: definition.describe(action),
    ruleIds: [...why.ruleIds],
    reason: why.reason,
    ...(why.dependsOn && why.dependsOn.length > 0 && { dependsOn: why.dependsOn }),
  };
}

/** A step bound to the clients of one function: what the executor runs. */
export interface BoundStep {
  definition: StepDefinition<StepAction, unknown>;
  send(action: StepAction): Promise<void | string>;
}

/**
 * The steps a function can send, by type. A function is wired with only its family's steps, so its bundle
 * (and the IAM role derived from it) holds only the commands that family needs; a planned step with no
 * sender fails loudly in the executor.
 */
export type StepSenders = ReadonlyMap<string, BoundStep>;

export function bindSteps<K>(definitions: readonly StepDefinition<StepAction, NoInfer<K>>[], clients: K): StepSenders {
  const bound = new Map<string, BoundStep>();
  for (const definition of definitions) {
    if (bound.has(definition.type)) throw new Error(`step ${definition.type} is defined twice`);
    bound.set(definition.type, { definition, send: (action) => definition.send(clients, action) });
  }
  return bound;
}

/** Senders of several families (the CLI replays every family). */
export function mergeSenders(...senders: StepSenders[]): StepSenders {
  const merged = new Map<string, BoundStep>();
  for (const map of senders) for (const [type, step] of map) merged.set(type, step);
  return merged;
}
