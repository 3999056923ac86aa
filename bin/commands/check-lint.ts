import type { Config, Severity } from '../../lib/config/schema.ts';
import { LINT_DEFAULT_SEVERITY } from '../../lib/config/lint-settings.ts';
import { lintPolicy, parsePolicy, type IamContainer, type LintCode } from '../../lib/policy/index.ts';
import type { ReportFinding } from './check-format.ts';

export type LintReportFinding = ReportFinding & { field?: string };

/**
 * Policy lint in `sesguard check`: what AWS would reject, or what cannot work as written (lib/policy/lint.ts,
 * in the spirit of IAM Access Analyzer's policy validation), reported as findings of the LINT-* codes next
 * to the perimeter rules, with the configured severity. A lint finding asks for no repair: it is fixed in
 * the document.
 */

export const LINT_TITLES: Record<LintCode, string> = {
  'LINT-UNKNOWN-SERVICE': 'Action names a service that does not exist',
  'LINT-UNKNOWN-ACTION': 'Action that the service does not have',
  'LINT-ACTION-MATCHES-NOTHING': 'Action wildcard that matches no action',
  'LINT-INERT-ACTION': 'Action IAM accepts but that matches nothing',
  'LINT-UNKNOWN-CONDITION-KEY': 'Condition key that does not exist',
  'LINT-UNSUPPORTED-CONDITION-KEY': "Condition key the statement's actions never carry",
  'LINT-MISSING-RESOURCE': 'Statement without Resource',
  'LINT-MISSING-PRINCIPAL': 'Sending authorization statement without Principal',
  'LINT-PRINCIPAL-IN-IAM-POLICY': 'Principal in an IAM identity policy',
  'LINT-RESOURCE-SERVICE-MISMATCH': "Resource of another service than the statement's actions",
  'LINT-RESOURCE-TYPE-MISMATCH': "Resource of a type the statement's actions do not act on",
  'LINT-RESOURCE-VARIABLE-IGNORED': 'Policy variable where IAM does not substitute it',
  'LINT-VARIABLE-IN-OLD-VERSION': 'Policy variable in a policy without Version 2012-10-17',
  'LINT-POLICY-TOO-LARGE': "Document over AWS's size limit for its kind",
  'LINT-CONDITION-NEVER-TRUE': 'Condition that can never be true',
};

export function lintSeverity(code: LintCode, config: Config): Severity | undefined {
  const setting = config.lint.codes[code];
  if (!config.lint.enabled || setting?.enabled === false) return undefined;
  return setting?.severity ?? LINT_DEFAULT_SEVERITY[code];
}

export interface LintTarget {
  kind: 'identity-policy' | 'iam-policy';
  /** Which IAM size limit applies (default: managed). */
  container?: IamContainer;
  /** The document as sent to AWS: its size is what the limit counts. */
  text: string;
  resource: string;
}

/** Lint findings of a policy document, as report findings (no fix: the document is corrected by hand). */
export function lintFindings(document: unknown, target: LintTarget, config: Config): LintReportFinding[] {
  const parsed = parsePolicy(document);
  if (!parsed.ok) return [];
  const statements = parsed.policy.statements;
  return lintPolicy(parsed.policy, { kind: target.kind, ...(target.container && { container: target.container }), text: target.text }).flatMap((lint): LintReportFinding[] => {
    const severity = lintSeverity(lint.code, config);
    if (severity === undefined) return [];
    const sid = lint.statement !== undefined ? statements[lint.statement]?.sid : undefined;
    return [
      {
        ruleId: lint.code,
        severity,
        action: 'alert',
        resource: target.resource,
        ...(lint.statement !== undefined && { statement: { index: lint.statement, ...(sid !== undefined && { sid }) } }),
        reason: `${lint.field ? `${lint.field}: ` : ''}${lint.message}`,
        ...(lint.field !== undefined && { field: lint.field }),
        fix: { kind: 'none', note: 'correct the document' },
      },
    ];
  });
}
