/** Errors a caller branches on when the current state cannot be known. */

/** Offline replay has no source for the document the change touched; reading it from AWS is needed. */
export class StateUnavailableOfflineError extends Error {
  override readonly name = 'StateUnavailableOfflineError';
  /** `what`: the missing piece ("the document of <arn>"); `where`: where it was looked for. */
  constructor(what: string, where = 'the event payload') {
    super(`offline replay cannot know ${what}: it is not in ${where}; replay with --live to read it from AWS`);
  }
}

/** The sidecar fixture given to offline replay is not in the documented shape. */
export class InvalidStateSidecarError extends Error {
  override readonly name = 'InvalidStateSidecarError';
}

/**
 * The change happened in another region than the SES client reads. Reading anyway would find nothing
 * and judge the resource deleted, which is a silent miss, not a state.
 */
export class StateRegionMismatchError extends Error {
  override readonly name = 'StateRegionMismatchError';
}
