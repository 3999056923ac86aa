/**
 * How long a quarantine waits for CloudTrail to index the event it acts on (verify-event.ts says why it
 * waits). Apart from the lookup itself so that a function can set its wait at cold start without loading
 * the CloudTrail client, which it loads only when it verifies (lib/aws/lazy-client.ts).
 */

/** Total time the guard waits for CloudTrail to index the event before calling it unrecorded. */
export const VERIFY_MAX_WAIT_MS = 8 * 60_000;

/** Waits between lookups: 5 s, doubling, at most a minute (two lookups per second is CloudTrail's limit). */
export function verifyDelays(maxWaitMs = VERIFY_MAX_WAIT_MS): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let next = 5_000; total + next <= maxWaitMs; next = Math.min(next * 2, 60_000)) {
    delays.push(next);
    total += next;
  }
  return delays;
}

/**
 * The wait a function allows, set once at cold start from its environment (SESGUARD_VERIFY_WAIT_SECONDS,
 * functions/runtime): the step is bound inside each family's connect(), which takes only a client
 * factory. Kept to this one number; tests of the step pass VerifyOptions instead.
 */
let configuredMaxWaitMs = VERIFY_MAX_WAIT_MS;
export function setVerifyMaxWait(ms: number): void {
  configuredMaxWaitMs = ms;
}

/** The waits between lookups under the wait this function was given. */
export function configuredVerifyDelays(): number[] {
  return verifyDelays(configuredMaxWaitMs);
}
