import type { Change } from '../../cloudtrail/types.ts';

/** The guard's quarantine policy taken off a principal: undoing a quarantine undoes a repair. */
export interface QuarantineUndone {
  principalType: 'user' | 'role';
  principalName: string;
  policyArn: string;
}

/** A change that can blind, mute or disarm the guard (GUARD-001). */
export interface GuardIntegrityChange extends Change {
  family: 'guard-integrity';
  /** The guard resource or trail touched, as named in the event (rule name, function name, topic ARN, ...). */
  resourceType:
    | 'events-rule'
    | 'scheduler-schedule'
    | 'state-machine'
    | 'lambda-function'
    | 'sns-topic'
    | 'kms-key'
    | 'cloudwatch-alarm'
    | 'sqs-queue'
    | 'iam-role'
    | 'iam-policy'
    | 'cloudtrail'
    | 'dynamodb-table';
  resourceName: string;
  /** Short, human description of what the call does to the guard. */
  effect: string;
  /** Set when the call detached one of the guard's policies from a principal. */
  quarantineUndone?: QuarantineUndone;
}

/** A guard resource deleted or a trail stopped leaves nothing to read: the event itself is the state. */
export interface GuardIntegrityState {
  kind: 'guard-integrity';
  change: GuardIntegrityChange;
}

export function isGuardIntegrityChange(change: Change): change is GuardIntegrityChange {
  return change.family === 'guard-integrity';
}
