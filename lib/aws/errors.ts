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
