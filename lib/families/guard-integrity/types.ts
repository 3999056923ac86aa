import type { Change } from '../../cloudtrail/types.ts';

/** A change that can blind or disarm the guard (GUARD-001). */
export interface GuardIntegrityChange extends Change {
  family: 'guard-integrity';
  /** The guard resource or trail touched, as named in the event (rule name, function name, topic ARN, ...). */
  resourceType: 'events-rule' | 'lambda-function' | 'sns-topic' | 'iam-role' | 'cloudtrail' | 'dynamodb-table';
  resourceName: string;
  /** Short, human description of what the call does to the guard. */
  effect: string;
}

/** A guard resource deleted or a trail stopped leaves nothing to read: the event itself is the state. */
export interface GuardIntegrityState {
  kind: 'guard-integrity';
  change: GuardIntegrityChange;
}

export function isGuardIntegrityChange(change: Change): change is GuardIntegrityChange {
  return change.family === 'guard-integrity';
}
