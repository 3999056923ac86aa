import { SEVERITIES, type Severity } from '../lib/config/schema.ts';
import { RULE_IDS } from '../lib/config/schema.ts';
import type { Finding, Fix } from '../lib/rules/types.ts';

/** Report pieces `check` and `replay` share: how a fix reads, and the table of findings by rule and severity. */

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

const DESCENDING: readonly Severity[] = [...SEVERITIES].reverse();

/**
 * Findings counted by rule (rows, in rule-id order) and severity (columns, most severe first), with an
 * `exempt` column and a total row; empty when there are no findings.
 */
export function severityTable(findings: ReadonlyArray<Pick<Finding, 'severity' | 'exemption'> & { ruleId: string }>): string[] {
  if (findings.length === 0) return [];
  const columns = [...DESCENDING, 'exempt'] as const;
  const count = (rows: readonly Pick<Finding, 'severity' | 'exemption'>[], column: (typeof columns)[number]): number =>
    rows.filter((f) => (column === 'exempt' ? f.exemption !== undefined : f.exemption === undefined && f.severity === column)).length;
  const rules: string[] = RULE_IDS.filter((id) => findings.some((f) => f.ruleId === id));
  const others = [...new Set(findings.map((f) => f.ruleId))].filter((id) => !rules.includes(id)).sort();
  const rows: Array<[string, number[]]> = [...rules, ...others].map((id) => [id, columns.map((c) => count(findings.filter((f) => f.ruleId === id), c))]);
  rows.push(['total', columns.map((c) => count(findings, c))]);
  const width = Math.max(...rows.map(([id]) => id.length), 'rule'.length);
  const cell = (n: number, header: string): string => (n === 0 ? '-' : String(n)).padStart(header.length);
  return [
    `${'rule'.padEnd(width)}  ${columns.join('  ')}`,
    ...rows.map(([id, counts]) => `${id.padEnd(width)}  ${counts.map((n, i) => cell(n, columns[i] as string)).join('  ')}`),
  ];
}
