export { parseCloudTrailEvent, type ParseOptions } from './parse.ts';
export { actorFromUserIdentity, describeActor, UserIdentitySchema, type UserIdentity } from './actor.ts';
export { isOwnRole } from './own-role.ts';
export { SUPPORTED_EVENTS, type SupportedEvent } from './supported-events.ts';
export { CLOUDTRAIL_API_CALL, eventBridgeSourceOf } from './record.ts';
export type * from './types.ts';
