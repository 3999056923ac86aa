import { describe, expect, it } from 'vitest';
import { ConcurrentModificationException, IAMServiceException, LimitExceededException, MalformedPolicyDocumentException, NoSuchEntityException, ServiceFailureException } from '@aws-sdk/client-iam';
import { BadRequestException, NotFoundException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { classifyAwsError, isAccessDenied, isNotFound, isThrottling, isTransient, type AwsErrorKind } from './errors.ts';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** An error the way the SDK builds one for a code the service model does not name (IAM `Throttling`). */
function unmodelled(name: string, status: number): Error {
  return new IAMServiceException({ name, $fault: status >= 500 ? 'server' : 'client', message: `${name} happened`, ...meta(status) });
}

function network(code: string): Error {
  return Object.assign(new Error(`socket: ${code}`), { code });
}

const CASES: Array<{ name: string; error: unknown; kind: AwsErrorKind }> = [
  { name: 'SESv2 NotFound', error: new NotFoundException({ message: 'gone', ...meta(404) }), kind: 'not-found' },
  { name: 'IAM NoSuchEntity', error: new NoSuchEntityException({ message: 'gone', ...meta(404) }), kind: 'not-found' },
  { name: 'IAM Throttling (400, not modelled: named after the code)', error: unmodelled('Throttling', 400), kind: 'transient' },
  { name: 'SES TooManyRequests (429)', error: new TooManyRequestsException({ message: 'slow down', ...meta(429) }), kind: 'transient' },
  { name: 'any 429', error: unmodelled('SomethingNew', 429), kind: 'transient' },
  { name: 'IAM ServiceFailure (500)', error: new ServiceFailureException({ message: 'oops', ...meta(500) }), kind: 'transient' },
  { name: 'a 503 the model does not name', error: unmodelled('ServiceUnavailable', 503), kind: 'transient' },
  { name: 'IAM ConcurrentModification (409): another write is in flight', error: new ConcurrentModificationException({ message: 'busy', ...meta(409) }), kind: 'transient' },
  { name: 'an SDK timeout', error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }), kind: 'transient' },
  { name: 'a reset connection', error: network('ECONNRESET'), kind: 'transient' },
  { name: 'DNS failure', error: network('EAI_AGAIN'), kind: 'transient' },
  { name: 'a wrapped network failure', error: new Error('request failed', { cause: network('ETIMEDOUT') }), kind: 'transient' },
  { name: 'AccessDenied', error: unmodelled('AccessDenied', 403), kind: 'refused' },
  { name: 'SES AccessDeniedException', error: Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $fault: 'client', ...meta(403) }), kind: 'refused' },
  { name: 'IAM MalformedPolicyDocument (validation)', error: new MalformedPolicyDocumentException({ message: 'bad', ...meta(400) }), kind: 'refused' },
  { name: 'IAM LimitExceeded is a quota (five versions), not throttling', error: new LimitExceededException({ message: 'A managed policy can have up to 5 versions.', ...meta(409) }), kind: 'refused' },
  { name: 'SES BadRequest', error: new BadRequestException({ message: 'bad', ...meta(400) }), kind: 'refused' },
  { name: 'a bug in the sender', error: new TypeError('cannot read properties of undefined'), kind: 'failed' },
  { name: 'not an Error at all', error: 'boom', kind: 'failed' },
];

describe('classifyAwsError: what a retry can change (transient) and what it cannot (refused)', () => {
  it.each(CASES)('$name -> $kind', ({ error, kind }) => {
    expect(classifyAwsError(error)).toBe(kind);
    expect(isTransient(error)).toBe(kind === 'transient');
    expect(isNotFound(error)).toBe(kind === 'not-found');
  });
});

describe('isThrottling and isAccessDenied: the narrower questions callers ask', () => {
  it('throttling is transient; a 5xx is transient but not throttling', () => {
    expect(isThrottling(unmodelled('Throttling', 400))).toBe(true);
    expect(isThrottling(new TooManyRequestsException({ message: 'slow down', ...meta(429) }))).toBe(true);
    expect(isThrottling(new ServiceFailureException({ message: 'oops', ...meta(500) }))).toBe(false);
  });

  it('AccessDenied is a refusal', () => {
    const denied = unmodelled('AccessDenied', 403);
    expect(isAccessDenied(denied)).toBe(true);
    expect(classifyAwsError(denied)).toBe('refused');
    expect(isAccessDenied(new MalformedPolicyDocumentException({ message: 'bad', ...meta(400) }))).toBe(false);
  });
});
