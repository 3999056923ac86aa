import type { StepAction } from '../types.ts';

type ActionOf<T extends StepAction['type']> = Extract<StepAction, { type: T }>;

/** Sends the one SDK command a step maps to. */
export type StepSender<T extends StepAction['type'] = StepAction['type']> = (action: ActionOf<T>) => Promise<void>;

/**
 * The steps a function can send, each bound to its client. A function is wired with only its family's
 * senders, so its bundle — and therefore its IAM role, derived from the bundle — holds only the commands
 * that family needs. A planned step with no sender fails loudly in the executor.
 */
export type StepSenders = { readonly [T in StepAction['type']]?: StepSender<T> };
