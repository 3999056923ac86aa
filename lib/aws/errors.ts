/**
 * One reading of AWS SDK errors for every caller. SDK v3 errors are Error instances whose `name` is the
 * service's error code, and the query-protocol services (IAM) also carry it as `Code`.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/handling-exceptions.html
 */

/** "NotFoundException: ..." — the error name and message, as alerts and logs show it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { Code?: unknown }).Code;
  return typeof code === 'string' ? code : error.name;
}

// SESv2 answers NotFoundException; IAM's query protocol error code is NoSuchEntity, surfaced by the SDK as
// NoSuchEntityException.
const NOT_FOUND: ReadonlySet<string> = new Set(['NotFoundException', 'NoSuchEntityException', 'NoSuchEntity']);

/** The resource named in the call does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return NOT_FOUND.has(error.name) || NOT_FOUND.has(codeOf(error) ?? '');
}

// Throttling codes across the SDK's protocols: SES v2 answers TooManyRequestsException, IAM (query protocol)
// Throttling, others ThrottlingException / RequestLimitExceeded.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
const THROTTLING: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);

/** AWS refused the call for its rate: worth waiting and trying again. */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return THROTTLING.has(error.name) || THROTTLING.has(codeOf(error) ?? '') || status === 429;
}

const ACCESS_DENIED: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'NotAuthorized']);

/** The caller's role may not make the call: retrying does not help; a person must grant it or accept the gap. */
export function isAccessDenied(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ACCESS_DENIED.has(error.name) || ACCESS_DENIED.has(codeOf(error) ?? '');
}

const TRANSIENT_NETWORK: ReadonlySet<string> = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED']);

/** A failure that says nothing about the request: throttling, a 5xx, a timeout or a dropped connection. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isThrottling(error)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  const code = (error as { code?: unknown }).code;
  return TRANSIENT_NETWORK.has(error.name) || (typeof code === 'string' && TRANSIENT_NETWORK.has(code));
}
