import type { Severity } from '../../lib/config/schema.ts';
import { RULES } from '../../lib/families/judging.ts';
import type { IacModel, IacSkipped } from '../../lib/iac/types.ts';
import type { Finding } from '../../lib/rules/types.ts';
import { LINT_DEFAULT_SEVERITY } from '../../lib/config/lint-settings.ts';
import { LINT_TITLES } from './check-lint.ts';
import { describeFix, severityTable } from '../report-summary.ts';

// describeFix's home is bin/report-summary.ts; the sweep's formatter imports it from here.
export { describeFix };
import type { KindInference } from './check-inputs.ts';

/** The three renderings of one `sesguard check` run. */

export { SEVERITY_RANK } from '../fail-on.ts';

/** A finding of a perimeter rule, or of a LINT-* code (lint findings are reported, never repaired). */
export type ReportFinding = Omit<Finding, 'ruleId'> & { ruleId: string };

export const isLintFinding = (finding: Pick<ReportFinding, 'ruleId'>): boolean => finding.ruleId.startsWith('LINT-');

export type LocatedFinding = ReportFinding & {
  /** 1-based line in the input file the finding points at. */
  line: number;
};

/** One judged resource: the whole file for a single document, one resource of a Terraform plan or template. */
export interface ResourceReport {
  /** Terraform address or CloudFormation logical id; absent for a single document. */
  address?: string;
  type?: string;
  kind: string;
  inference?: KindInference;
  /** ARN the findings are about. */
  resource?: string;
  /** Where the resource starts in the file. */
  line: number;
  findings: LocatedFinding[];
  /** Why it could not be judged (exit 2). */
  errors: string[];
  note?: string;
}

export interface FileReport {
  /** The path as given on the command line, or `-` for stdin. */
  file: string;
  /** The path as a SARIF artifact URI (relative to the working directory, forward slashes). */
  uri: string;
  format: 'document' | IacModel['format'];
  note?: string;
  resources: ResourceReport[];
  skipped: IacSkipped[];
  /** Why the file could not be read at all (exit 2). */
  errors: string[];
}

export interface CheckReport {
  configSource: string;
  failOn: Severity;
  files: FileReport[];
  exitCode: number;
  /** --quiet: print only what fails or could not be judged, and the summary. */
  quiet?: boolean;
}

const FORMAT_NAMES: Record<FileReport['format'], string> = { document: 'document', 'terraform-plan': 'Terraform plan', cloudformation: 'CloudFormation template' };

function statementText(finding: ReportFinding): string {
  if (!finding.statement) return '';
  return `statement ${finding.statement.index}${finding.statement.sid ? ` (Sid "${finding.statement.sid}")` : ''}`;
}

export const allFindings = (report: CheckReport): LocatedFinding[] => report.files.flatMap((f) => f.resources.flatMap((r) => r.findings));
const invalidCount = (report: CheckReport): number => report.files.reduce((n, f) => n + f.errors.length + f.resources.filter((r) => r.errors.length > 0).length, 0);

function summaryLine(report: CheckReport): string {
  const findings = allFindings(report);
  const invalid = invalidCount(report);
  const bySeverity = (['critical', 'high', 'medium', 'low'] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s && !f.exemption).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const exempt = findings.filter((f) => f.exemption).length;
  const resources = report.files.reduce((n, f) => n + f.resources.length, 0);
  const parts = [`${findings.length} finding${findings.length === 1 ? '' : 's'}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}`];
  if (exempt > 0) parts.push(`${exempt} exempt`);
  if (invalid > 0) parts.push(`${invalid} not judged`);
  const where = resources > report.files.length ? `${resources} resources in ${report.files.length} file${report.files.length === 1 ? '' : 's'}` : `${report.files.length} file${report.files.length === 1 ? '' : 's'}`;
  return `${parts.join(', ')} in ${where}; fail-on ${report.failOn}; exit ${report.exitCode}`;
}

function findingLines(finding: LocatedFinding, indent: string): string[] {
  const where = [statementText(finding), `line ${finding.line}`].filter(Boolean).join(', ');
  const fix = isLintFinding(finding) ? 'edit the document (a lint finding is reported, never repaired)' : `${describeFix(finding.fix)} [action: ${finding.action}]`;
  const out = [`${indent}${finding.ruleId} ${finding.severity.toUpperCase()} ${where}`, `${indent}  ${finding.reason}`, `${indent}  fix: ${fix}`];
  if (finding.exemption) out.push(`${indent}  exempt until ${finding.exemption.expires}: ${finding.exemption.reason} (reported, not repaired)`);
  return out;
}

const needsAttention = (r: ResourceReport): boolean => r.errors.length > 0 || r.findings.some((f) => !f.exemption);

export function formatText(report: CheckReport): string {
  const out: string[] = [`config: ${report.configSource}`, ''];
  for (const file of report.files) {
    const shown = report.quiet ? file.resources.filter(needsAttention) : file.resources;
    if (report.quiet && shown.length === 0 && file.errors.length === 0) continue;
    if (file.format === 'document') {
      out.push(file.file);
      if (file.note) out.push(`  note: ${file.note}`);
      for (const error of file.errors) out.push(`  invalid: ${error}`);
      for (const resource of shown) {
        if (resource.inference) out.push(`  kind: ${resource.inference.kind} (${resource.inference.inferred ? 'inferred' : 'given'}: ${resource.inference.because})`);
        if (resource.resource) out.push(`  resource: ${resource.resource}`);
        for (const error of resource.errors) out.push(`  invalid: ${error}`);
        if (resource.errors.length === 0 && resource.findings.length === 0) out.push('  compliant: no findings');
        for (const finding of resource.findings) out.push(...findingLines(finding, '  '));
      }
    } else {
      out.push(`${file.file} (${FORMAT_NAMES[file.format]}: ${file.resources.length} resource${file.resources.length === 1 ? '' : 's'} judged, ${file.skipped.length} skipped)`);
      if (file.note) out.push(`  note: ${file.note}`);
      for (const error of file.errors) out.push(`  invalid: ${error}`);
      for (const resource of shown) {
        const status = resource.errors.length > 0 ? 'NOT JUDGED' : resource.findings.length === 0 ? 'compliant' : `${resource.findings.length} finding${resource.findings.length === 1 ? '' : 's'}`;
        out.push(`  ${resource.address} (${resource.kind}, line ${resource.line}): ${status}${resource.note ? ` [${resource.note}]` : ''}`);
        if (resource.resource && resource.findings.length > 0) out.push(`    resource: ${resource.resource}`);
        for (const error of resource.errors) out.push(`    ${error}`);
        for (const finding of resource.findings) out.push(...findingLines(finding, '    '));
      }
      if (!report.quiet && file.skipped.length > 0) {
        out.push(`  skipped: ${file.skipped.map((s) => `${s.address} (${s.reason})`).join('; ')}`);
      }
    }
    out.push('');
  }
  const table = severityTable(allFindings(report));
  if (table.length > 0) out.push(...table, '');
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      config: report.configSource,
      failOn: report.failOn,
      exitCode: report.exitCode,
      files: report.files.map((f) => {
        const resources = f.resources.map((r) => ({
          ...(r.address !== undefined && { address: r.address, type: r.type }),
          kind: r.kind,
          ...(r.inference && { kindInferred: r.inference.inferred, kindReason: r.inference.because }),
          ...(r.resource !== undefined && { resource: r.resource }),
          line: r.line,
          ...(r.note !== undefined && { note: r.note }),
          compliant: r.errors.length === 0 && r.findings.every((finding) => finding.exemption),
          errors: r.errors,
          // Rule, severity and action first: what a reader scans for.
          findings: r.findings.map(({ ruleId, severity, action, ...rest }) => ({ ruleId, severity, action, ...rest })),
        }));
        // A single document keeps its fields at the file level too, as the report has always had them.
        const single = f.format === 'document' ? resources[0] : undefined;
        return {
          file: f.file,
          format: f.format,
          ...(single && { kind: single.kind, kindInferred: single.kindInferred, kindReason: single.kindReason, ...(single.resource !== undefined && { resource: single.resource }), findings: single.findings }),
          ...(f.note !== undefined && { note: f.note }),
          compliant: f.errors.length === 0 && resources.every((r) => r.compliant),
          errors: [...f.errors, ...(single ? single.errors : [])],
          resources,
          skipped: f.skipped,
        };
      }),
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

/** Every rule SARIF can name: the perimeter rules (in registry order, so their indices are stable), then the LINT codes. */
const SARIF_RULES = [
  ...RULES.map((rule) => ({ id: rule.id as string, title: rule.title, severity: rule.defaultSeverity, full: `${rule.title}. Default action: ${rule.defaultAction}.`, tags: ['security', 'ses'] })),
  ...(Object.entries(LINT_TITLES) as Array<[keyof typeof LINT_TITLES, string]>).map(([id, title]) => ({ id: id as string, title, severity: LINT_DEFAULT_SEVERITY[id] as Severity, full: `${title}. Policy validation: fix the document.`, tags: ['security', 'iam', 'lint'] })),
];

/** The SARIF tool driver: sesguard and every rule it can report (check and sweep share it). */
export function sarifDriver(toolVersion: string): Record<string, unknown> {
  return {
    name: 'sesguard',
    version: toolVersion,
    rules: SARIF_RULES.map((rule) => ({
      id: rule.id,
      name: rule.id.replace(/-/g, ''),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.full },
      defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
      properties: { 'security-severity': SECURITY_SEVERITY[rule.severity], tags: rule.tags },
    })),
  };
}

export function formatSarif(report: CheckReport, toolVersion: string): string {
  const ruleIndex = new Map<string, number>(SARIF_RULES.map((rule, index) => [rule.id, index]));
  const results = report.files.flatMap((file) =>
    file.resources.flatMap((resource) =>
      resource.findings.map((finding) => ({
        ruleId: finding.ruleId,
        ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
        level: SARIF_LEVEL[finding.severity],
        message: { text: isLintFinding(finding) ? finding.reason : `${finding.reason} Fix: ${describeFix(finding.fix)}.` },
        locations: [
          {
            physicalLocation: { artifactLocation: artifactLocation(file.uri), region: { startLine: finding.line } },
            // The Terraform address or CloudFormation logical id: what a reviewer searches the code for.
            ...(resource.address !== undefined && { logicalLocations: [{ fullyQualifiedName: resource.address, kind: 'resource' }] }),
          },
        ],
        ...(finding.exemption && {
          suppressions: [{ kind: 'external', status: 'accepted', justification: `${finding.exemption.reason} (until ${finding.exemption.expires})` }],
        }),
        properties: { severity: finding.severity, action: finding.action, resource: finding.resource },
      })),
    ),
  );
  const notifications = report.files.flatMap((file) => [
    ...file.errors.map((error) => ({ level: 'error' as const, message: { text: `${file.file}: ${error}` }, locations: [{ physicalLocation: { artifactLocation: artifactLocation(file.uri) } }] })),
    ...file.resources.flatMap((resource) =>
      resource.errors.map((error) => ({
        level: 'error' as const,
        message: { text: `${resource.address ?? file.file}: ${error}` },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(file.uri), region: { startLine: resource.line } } }],
      })),
    ),
  ]);
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
