import { guardIntegrityReader } from '../lib/state/aws-state-reader.ts';
import { createGuardHandler } from './runtime/guard-handler.ts';

/** GUARD-001: changes that blind or disarm the guard. Alerts only, so it reads nothing and repairs nothing. */
export const handler = createGuardHandler({
  family: 'guard-integrity',
  wire: () => ({ readers: guardIntegrityReader(), senders: {} }),
});
