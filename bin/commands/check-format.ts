import type { Severity } from '../../lib/config/schema.ts';
import { RULES } from '../../lib/families/index.ts';
import type { Finding, Fix } from '../../lib/rules/types.ts';
import type { KindInference } from './check-inputs.ts';

/** The three renderings of one `sesguard check` run. */

export interface LocatedFinding extends Finding {
  /** 1-based line in the input file the finding points at. */
  line: number;
}

export interface FileReport {
  /** The path as given on the command line. */
  file: string;
  /** The path as a SARIF artifact URI (relative to the working directory, forward slashes). */
  uri: string;
  inference?: KindInference;
  resource?: string;
  findings: LocatedFinding[];
  /** Why the file could not be judged (exit 2). */
  errors: string[];
}

export interface CheckReport {
  configSource: string;
  failOn: Severity;
  files: FileReport[];
  exitCode: number;
}

export function describeFix(fix: Fix): string {
  switch (fix.kind) {
    case 'drop-statement':
      return `remove statement ${fix.statementIndex}${fix.sid ? ` (Sid "${fix.sid}")` : ''} from the policy`;
    case 'remove-destination':
      return `remove event destination "${fix.destinationName}" from configuration set "${fix.configurationSet}"`;
    case 'revert-template':
      return `restore verification template "${fix.templateName}" to its last compliant version`;
    case 'quarantine-actor':
      return `quarantine ${fix.actor.sessionIssuerArn ?? fix.actor.arn ?? 'the acting principal'}`;
    case 'revert-grant':
      return `revert the grant of ${fix.policySource}${fix.statementIndex !== undefined ? ` (statement ${fix.statementIndex})` : ''}${fix.principalArn ? ` to ${fix.principalArn}` : ''}`;
    case 'repair':
      return fix.what;
    case 'none':
      return `nothing to repair: ${fix.note}`;
  }
}

function statementText(finding: Finding): string {
  if (!finding.statement) return '';
  return `statement ${finding.statement.index}${finding.statement.sid ? ` (Sid "${finding.statement.sid}")` : ''}`;
}

function summaryLine(report: CheckReport): string {
  const findings = report.files.flatMap((f) => f.findings);
  const invalid = report.files.filter((f) => f.errors.length > 0).length;
  const bySeverity = (['critical', 'high', 'medium', 'low'] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s && !f.exemption).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const exempt = findings.filter((f) => f.exemption).length;
  const parts = [`${findings.length} finding${findings.length === 1 ? '' : 's'}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}`];
  if (exempt > 0) parts.push(`${exempt} exempt`);
  if (invalid > 0) parts.push(`${invalid} invalid input${invalid === 1 ? '' : 's'}`);
  return `${parts.join(', ')} in ${report.files.length} file${report.files.length === 1 ? '' : 's'}; fail-on ${report.failOn}; exit ${report.exitCode}`;
}

export function formatText(report: CheckReport): string {
  const out: string[] = [`config: ${report.configSource}`, ''];
  for (const file of report.files) {
    out.push(file.file);
    if (file.inference) out.push(`  kind: ${file.inference.kind} (${file.inference.inferred ? 'inferred' : 'given'}: ${file.inference.because})`);
    if (file.resource) out.push(`  resource: ${file.resource}`);
    for (const error of file.errors) out.push(`  invalid: ${error}`);
    if (file.errors.length === 0 && file.findings.length === 0) out.push('  compliant: no findings');
    for (const finding of file.findings) {
      const where = [statementText(finding), `line ${finding.line}`].filter(Boolean).join(', ');
      out.push(`  ${finding.ruleId} ${finding.severity.toUpperCase()} ${where}`);
      out.push(`    ${finding.reason}`);
      out.push(`    fix: ${describeFix(finding.fix)} [action: ${finding.action}]`);
      if (finding.exemption) out.push(`    exempt until ${finding.exemption.expires}: ${finding.exemption.reason} (reported, not repaired)`);
    }
    out.push('');
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      config: report.configSource,
      failOn: report.failOn,
      exitCode: report.exitCode,
      files: report.files.map((f) => ({
        file: f.file,
        ...(f.inference && { kind: f.inference.kind, kindInferred: f.inference.inferred, kindReason: f.inference.because }),
        ...(f.resource !== undefined && { resource: f.resource }),
        compliant: f.errors.length === 0 && f.findings.every((finding) => finding.exemption),
        errors: f.errors,
        // Rule, severity and action first: what a reader scans for.
        findings: f.findings.map(({ ruleId, severity, action, ...rest }) => ({ ruleId, severity, action, ...rest })),
      })),
      summary: summaryLine(report),
    },
    null,
    2,
  )}\n`;
}

/**
 * SARIF levels: critical and high block (error), medium warns, low is a note. `security-severity`
 * is the CVSS-like score GitHub code scanning uses to rank security alerts.
 */
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Relative URIs resolve against the checkout root (%SRCROOT%); a file outside it keeps its absolute file: URI. */
function artifactLocation(uri: string): { uri: string; uriBaseId?: string } {
  return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: '%SRCROOT%' };
}

/** The SARIF tool driver: sesguard and every rule it can report (check and sweep share it). */
export function sarifDriver(toolVersion: string): Record<string, unknown> {
  return {
    name: 'sesguard',
    version: toolVersion,
    rules: RULES.map((rule) => ({
      id: rule.id,
      name: rule.id.replace(/-/g, ''),
      shortDescription: { text: rule.title },
      fullDescription: { text: `${rule.title}. Default action: ${rule.defaultAction}.` },
      defaultConfiguration: { level: SARIF_LEVEL[rule.defaultSeverity] },
      properties: { 'security-severity': SECURITY_SEVERITY[rule.defaultSeverity], tags: ['security', 'ses'] },
    })),
  };
}

export function formatSarif(report: CheckReport, toolVersion: string): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const results = report.files.flatMap((file) =>
    file.findings.map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
      level: SARIF_LEVEL[finding.severity],
      message: { text: `${finding.reason} Fix: ${describeFix(finding.fix)}.` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(file.uri),
            region: { startLine: finding.line },
          },
        },
      ],
      ...(finding.exemption && {
        suppressions: [{ kind: 'external', status: 'accepted', justification: `${finding.exemption.reason} (until ${finding.exemption.expires})` }],
      }),
      properties: { severity: finding.severity, action: finding.action, resource: finding.resource },
    })),
  );
  const notifications = report.files.flatMap((file) =>
    file.errors.map((error) => ({
      level: 'error' as const,
      message: { text: `${file.file}: ${error}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(file.uri) } }],
    })),
  );
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: sarifDriver(toolVersion) },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
