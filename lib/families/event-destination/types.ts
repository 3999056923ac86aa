import type { Change, SesApiVersion } from '../../cloudtrail/types.ts';
import type { EventDestination } from './destination.ts';

export type { EventDestination } from './destination.ts';

export interface EventDestinationChange extends Change {
  family: 'event-destination';
  apiVersion: SesApiVersion;
  operation: 'create' | 'update';
  target: { configurationSet: string; destinationName: string };
  /** The destination as the call sent it (evidence; offline replay judges it when nothing can be read). */
  requestedDestination?: EventDestination;
}

export interface EventDestinationState {
  kind: 'event-destination';
  configurationSet: string;
  configurationSetArn: string;
  /** The destination the change named; null when it no longer exists. */
  destination: EventDestination | null;
}
