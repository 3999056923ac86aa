import type { Change } from '../cloudtrail/types.ts';
import type { ResourceState } from './types.ts';

/**
 * The port through which the pipeline learns the CURRENT state of what a change touched. Production
 * reads AWS (aws-state-reader.ts); `sesguard replay` builds it from the event (offline-state.ts).
 * A reader throws when it cannot know the state; it never guesses "absent".
 */
export interface StateReader {
  read(change: Change): Promise<ResourceState>;
}
