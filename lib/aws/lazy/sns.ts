// The one export lazySnsClient loads (lazy-client.ts says why it is a module of its own).
export { SNSClient } from '@aws-sdk/client-sns';
