// The one export lazyCloudTrailClient loads (lazy-client.ts says why it is a module of its own).
export { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
