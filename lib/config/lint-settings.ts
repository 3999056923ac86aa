import type { LintCode } from '../policy/lint.ts';
import type { Severity } from './schema.ts';

/**
 * The policy lint codes `sesguard check` reports (lib/policy/lint.ts), each with the severity it has
 * unless config says otherwise. Listed here, not imported, because the config is validated in every
 * Lambda function and none of them carries the lint engine; the `satisfies` below and the test beside
 * this file keep the list equal to the engine's codes.
 *
 * Defaults: high when AWS rejects the document (it cannot be deployed as written), medium when it is
 * accepted but a part of it cannot do what it says (a misspelt action or condition key, a resource of
 * the wrong service, a condition that is never true), low for what is merely inert.
 */
export const LINT_DEFAULT_SEVERITY = {
  'LINT-UNKNOWN-SERVICE': 'medium',
  'LINT-UNKNOWN-ACTION': 'medium',
  'LINT-ACTION-MATCHES-NOTHING': 'medium',
  'LINT-INERT-ACTION': 'low',
  'LINT-UNKNOWN-CONDITION-KEY': 'medium',
  'LINT-UNSUPPORTED-CONDITION-KEY': 'medium',
  'LINT-MISSING-RESOURCE': 'high',
  'LINT-MISSING-PRINCIPAL': 'high',
  'LINT-PRINCIPAL-IN-IAM-POLICY': 'high',
  'LINT-RESOURCE-SERVICE-MISMATCH': 'medium',
  'LINT-RESOURCE-TYPE-MISMATCH': 'medium',
  'LINT-RESOURCE-VARIABLE-IGNORED': 'medium',
  'LINT-VARIABLE-IN-OLD-VERSION': 'medium',
  'LINT-POLICY-TOO-LARGE': 'high',
  'LINT-CONDITION-NEVER-TRUE': 'medium',
} as const satisfies Record<LintCode, Severity>;

export const LINT_CODES = Object.keys(LINT_DEFAULT_SEVERITY) as [LintCode, ...LintCode[]];
