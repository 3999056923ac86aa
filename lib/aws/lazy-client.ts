import type { IAMClient } from '@aws-sdk/client-iam';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { MakeClient } from './client-factory.ts';

/**
 * A client made on first use. An SDK client class brings its service's whole error and schema tables
 * with it (CloudTrail's are 40 KB minified), and a guard function that reaches for a client only to
 * quarantine an actor would otherwise compile those tables at every cold start, for calls most
 * invocations never make (issue 15: start-up JavaScript and cold import).
 *
 * The client's module is loaded with `import()` of a module beside this one that re-exports the one
 * class: esbuild keeps every export of a dynamically imported module, so importing the SDK package
 * itself would bundle every command of the service, and the function's role, which follows the command
 * modules in its bundle (scripts/deploy/sdk-commands.ts), would grow with them.
 */
export type LazyClient<C> = () => Promise<C>;

/** One load and one client however many callers ask at once; a failed load stays failed, loudly. */
export function onFirstUse<C>(make: () => Promise<C>): LazyClient<C> {
  let made: Promise<C> | undefined;
  return () => (made ??= make());
}

/** A client already made (a function that uses it on every invocation, or a test's stub), as a lazy one. */
export function madeClient<C>(client: C): LazyClient<C> {
  const made = Promise.resolve(client);
  return () => made;
}

export function lazyIamClient(make: MakeClient): LazyClient<IAMClient> {
  return onFirstUse(async () => make((await import('./lazy/iam.ts')).IAMClient, 'IAM'));
}

export function lazyCloudTrailClient(make: MakeClient): LazyClient<CloudTrailClient> {
  return onFirstUse(async () => make((await import('./lazy/cloudtrail.ts')).CloudTrailClient, 'CLOUDTRAIL'));
}

export function lazySnsClient(make: MakeClient): LazyClient<SNSClient> {
  return onFirstUse(async () => make((await import('./lazy/sns.ts')).SNSClient, 'SNS'));
}
