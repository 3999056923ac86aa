// The one export lazyIamClient loads (lazy-client.ts says why it is a module of its own).
export { IAMClient } from '@aws-sdk/client-iam';
