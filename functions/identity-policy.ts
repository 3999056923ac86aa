import { createGuardHandler } from './runtime/guard-handler.ts';

export const handler = createGuardHandler({ family: 'identity-policy' });
