import type { ResourceState } from '../state/types.ts';

/**
 * Which baseline record a state belongs to, and what is stored for it. Only states that can be written
 * back have a baseline: identity policies, event destinations, verification templates, inline IAM
 * policies. Sends and guard events have none.
 */
export function baselineKey(state: ResourceState): string | undefined {
  switch (state.kind) {
    case 'identity-policy':
      return `${state.identityArn}#policy/${state.policyName}`;
    case 'event-destination':
      return state.destination ? `${state.configurationSetArn}#destination/${state.destination.name}` : undefined;
    case 'verification-template':
      return state.templateArn;
    case 'iam-grant':
      return state.changedPolicy?.kind === 'inline' ? state.changedPolicy.source : undefined;
    default:
      return undefined;
  }
}

/** The serialised definition to store as last-known-good; undefined when nothing exists to store. */
export function baselineDocument(state: ResourceState): string | undefined {
  switch (state.kind) {
    case 'identity-policy':
      return state.rawDocument ?? undefined;
    case 'event-destination':
      return state.destination ? JSON.stringify(state.destination) : undefined;
    case 'verification-template':
      return state.template ? JSON.stringify(state.template) : undefined;
    case 'iam-grant':
      return state.changedPolicy?.kind === 'inline' ? state.changedPolicy.rawDocument : undefined;
    default:
      return undefined;
  }
}
