/**
 * One reading of AWS SDK errors for every caller. SDK v3 errors are Error instances whose `name` is the
 * service's error code, and the query-protocol services (IAM) also carry it as `Code`; service errors carry
 * `$fault` (client/server) and `$metadata.httpStatusCode`; network failures carry Node's `code`.
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

/**
 * How a failed AWS call should be answered.
 * - `not-found`: the resource is not there (a removal's goal is met; a read says "absent").
 * - `transient`: the same call may succeed later — throttling, a server-side fault, a timeout, a dropped
 *   connection, a concurrent modification. Retry with backoff, then fail the invocation so it is retried.
 * - `refused`: AWS answered and said no for a reason a retry does not change — AccessDenied, a validation
 *   error, a quota (IAM's LimitExceeded: five versions per policy), a conflict. Report it at once.
 * - `failed`: not an AWS answer at all (a bug, an unexpected exception): report it at once too.
 */
export type AwsErrorKind = 'not-found' | 'transient' | 'refused' | 'failed';

/**
 * Throttling and busy-resource codes across the services the guard calls. IAM answers `Throttling` (not
 * modelled, so the SDK names the error after the code), SES `TooManyRequestsException`, DynamoDB
 * `ProvisionedThroughputExceededException`; IAM's ConcurrentModification and
 * EntityTemporarilyUnmodifiable mean "another write is in flight: try again".
 * https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
const THROTTLING: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  ...THROTTLING,
  'PriorRequestNotComplete',
  'TransactionInProgressException',
  'ConcurrentModification',
  'ConcurrentModificationException',
  'EntityTemporarilyUnmodifiable',
  'EntityTemporarilyUnmodifiableException',
  'ServiceFailure',
  'ServiceFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServiceErrorException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Node socket errors: the request never got an answer. */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkErrorShape {
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** AWS refused the call for its rate: worth waiting (longer than for other transient failures) and trying again. */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
  return THROTTLING.has(error.name) || THROTTLING.has(codeOf(error) ?? '') || status === 429;
}

const ACCESS_DENIED: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'NotAuthorized']);

/** The caller's role may not make the call: retrying does not help; a person must grant it or accept the gap. */
export function isAccessDenied(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ACCESS_DENIED.has(error.name) || ACCESS_DENIED.has(codeOf(error) ?? '');
}

export function classifyAwsError(error: unknown, depth = 0): AwsErrorKind {
  if (!(error instanceof Error)) return 'failed';
  if (isNotFound(error)) return 'not-found';
  const shape = error as Error & SdkErrorShape;
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const code = codeOf(error) ?? '';
  if (error.name === 'AbortError') return 'failed';
  if (TRANSIENT_CODES.has(code) || TRANSIENT_CODES.has(error.name)) return 'transient';
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) return 'transient';
  if (status === 429 || (status !== undefined && status >= 500) || shape.$fault === 'server') return 'transient';
  // The SDK marks modelled retryable errors with $retryable (smithy's @retryable trait).
  if (shape.$retryable !== undefined && shape.$retryable !== null) return 'transient';
  if (shape.$fault === 'client' || (status !== undefined && status >= 400)) return 'refused';
  // A wrapped error (the SDK wraps some network failures) is what its cause is.
  if (shape.cause !== undefined && depth < 5) {
    const inner = classifyAwsError(shape.cause, depth + 1);
    if (inner !== 'failed') return inner;
  }
  return 'failed';
}

/** Throttled, a server fault, a timeout or a dropped connection: the same call may succeed if tried again. */
export function isTransient(error: unknown): boolean {
  return classifyAwsError(error) === 'transient';
}

const LIMIT_EXCEEDED: ReadonlySet<string> = new Set(['LimitExceeded', 'LimitExceededException']);

/**
 * IAM refused the call for a quota: here, a principal already holds as many managed policies as IAM
 * allows (10 by default), so one more cannot be attached.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export function isLimitExceeded(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return LIMIT_EXCEEDED.has(error.name) || LIMIT_EXCEEDED.has(codeOf(error) ?? '');
}
