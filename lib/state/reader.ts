import type { Change, ChangeFamily } from '../cloudtrail/types.ts';
import type { ResourceState } from './types.ts';

/**
 * The port through which the pipeline learns the CURRENT state of what a change touched. Production
 * reads AWS (aws-state-reader.ts); `sesguard replay` builds it from the event (offline-state.ts).
 * A reader throws when it cannot know the state; it never guesses "absent".
 */
export interface StateReader {
  read(change: Change): Promise<ResourceState>;
}

type ChangeOf<F extends ChangeFamily> = Extract<Change, { family: F }>;

/** One reader per family. A Lambda function is wired with its own family's only (see functions/). */
export type FamilyStateReaders = { readonly [F in ChangeFamily]?: (change: ChangeOf<F>) => Promise<ResourceState> };

export class UnsupportedFamilyError extends Error {
  override readonly name = 'UnsupportedFamilyError';
}

export function createStateReader(readers: FamilyStateReaders): StateReader {
  return {
    read(change: Change): Promise<ResourceState> {
      const read = readers[change.family] as ((change: Change) => Promise<ResourceState>) | undefined;
      if (!read) {
        // An event of another family reached this function: its EventBridge pattern is wrong. Fail loudly.
        return Promise.reject(new UnsupportedFamilyError(`this function cannot read ${change.family} state: it was wired for ${Object.keys(readers).join(', ')}`));
      }
      return read(change);
    },
  };
}
