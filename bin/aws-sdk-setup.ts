/**
 * The AWS SDK for JavaScript v3 prints a NodeVersionSupportWarning on every process that builds a client
 * on Node < 22: "versions published after the first week of January 2027 will require node >=22"
 * (@aws-sdk/core, emitWarningIfUnsupportedVersion; aws/aws-sdk-js-v3#7983). It is about future releases,
 * not the ones this CLI runs: package-lock.json pins SDK versions whose package.json declares
 * `"engines": {"node": ">=20.0.0"}`, and `npm ci` installs exactly those, so the warning is noise on every
 * `--live` run. It is silenced with the SDK's own switch, unless the user set it either way; moving the
 * guard to Node 22 (the Lambda runtime already is) is what ends it for good.
 */
export function silenceSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
