import type { ResourceState } from './types.ts';

/** The serialised document or definition of a state, for the alert's before/after. */
export function rawDocumentOf(state: ResourceState): string | null {
  switch (state.kind) {
    case 'identity-policy':
      return state.rawDocument;
    case 'event-destination':
      return state.destination ? JSON.stringify(state.destination, null, 2) : null;
    case 'verification-template':
      return state.template ? JSON.stringify(state.template, null, 2) : null;
    case 'iam-grant':
      return state.changedPolicy?.rawDocument ?? null;
    default:
      return null;
  }
}
