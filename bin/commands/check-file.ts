import type { Config } from '../../lib/config/schema.ts';
import { InvalidInputError, type CheckTarget } from '../../lib/families/family.ts';
import { isRecord } from '../../lib/families/check-helpers.ts';
import { describeJsonSyntaxError, parseJsonText } from '../../lib/source/json.ts';
import { lineOf as jsonLineOf, locateJson } from '../../lib/source/json-lines.ts';
import { parseYamlSource } from '../../lib/source/yaml.ts';
import type { SourceText } from '../../lib/source/text.ts';
import { CLOUDFORMATION_TAGS } from '../../lib/iac/cloudformation/tags.ts';
import { InvalidTemplateError, readCloudFormationTemplate, recogniseCloudFormation } from '../../lib/iac/cloudformation/template.ts';
import { InvalidPlanError, readTerraformPlan, recogniseTerraformPlan } from '../../lib/iac/terraform/plan.ts';
import type { IacModel, IacResource } from '../../lib/iac/types.ts';
import { checkDocument, describeForeignInput, inferKind, RULE_ORDER, type KindInference } from './check-inputs.ts';
import { SEVERITY_RANK, type FileReport, type LocatedFinding, type ResourceReport } from './check-format.ts';
import { lintFindings, type LintTarget } from './check-lint.ts';

/** How one `sesguard check` input is judged: the command line's choices. */
export interface CheckOptions {
  givenKind: string | undefined;
  config: Config;
  account: string | undefined;
  /** --region when given; IaC inputs otherwise use the region they name. */
  region: string | undefined;
  resource: string | undefined;
  principals: readonly string[];
  parameters: Record<string, string>;
  now: Date;
}

const DEFAULT_REGION = 'us-east-1';

type Parsed = { ok: true; value: unknown; lineOf: (path: ReadonlyArray<string | number>) => number } | { ok: false; error: string };

function parseSource(name: string, text: string): Parsed {
  const looksJson = /^\s*[{[]/.test(text) || /\.json$/i.test(name) || text.trim() === '';
  if (looksJson) {
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { ok: false, error: `${name}:${describeJsonSyntaxError(parsed.error)} (not valid JSON)` };
    let tree: ReturnType<typeof locateJson> | undefined;
    return { ok: true, value: parsed.value, lineOf: (path) => jsonLineOf((tree ??= locateJson(text)), path) };
  }
  const yaml = parseYamlSource(text, CLOUDFORMATION_TAGS);
  if (!yaml.ok) return { ok: false, error: yaml.errors.map((e) => `${name}:${e} (not valid YAML)`).join('; ') };
  return yaml;
}

const bySeverityThenRule = (a: LocatedFinding, b: LocatedFinding): number =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  (RULE_ORDER.get(a.ruleId) ?? RULE_ORDER.size) - (RULE_ORDER.get(b.ruleId) ?? RULE_ORDER.size) ||
  (a.statement?.index ?? -1) - (b.statement?.index ?? -1) ||
  a.line - b.line;

/** Where a lint finding's field is: `Condition.Bool.ses:RequireTLS` -> Statement[i].Condition.Bool["ses:RequireTLS"]. */
function lintPointer(statement: number | undefined, field: string | undefined): Array<string | number> {
  if (statement === undefined) return [];
  const [element, operator, ...key] = (field ?? '').split('.');
  return ['Statement', statement, ...[element, operator, key.length > 0 ? key.join('.') : undefined].filter((p): p is string => p !== undefined && p !== '')];
}

const POLICY_KINDS: ReadonlySet<string> = new Set(['identity-policy', 'iam-policy']);

/** Judges one document of a given kind (and lints it when it is a policy), locating each finding with `line`. */
function judgeDocument(
  name: string,
  kind: string,
  document: Record<string, unknown>,
  target: CheckTarget,
  options: CheckOptions,
  line: (pointer: ReadonlyArray<string | number>) => number,
  lint: Omit<LintTarget, 'kind' | 'resource'> | undefined,
): Pick<ResourceReport, 'resource' | 'findings' | 'errors'> {
  try {
    const checked = checkDocument(name, kind, document, target, { config: options.config, now: options.now });
    const located = checked.findings.map((finding): LocatedFinding => ({ ...finding, line: line(checked.pointer(finding)) }));
    if (lint && POLICY_KINDS.has(kind)) {
      const linted = lintFindings(document, { ...lint, kind: kind as LintTarget['kind'], resource: checked.resource }, options.config);
      located.push(...linted.map((finding): LocatedFinding => ({ ...finding, line: line(lintPointer(finding.statement?.index, finding.field)) })));
    }
    const findings = located.sort(bySeverityThenRule);
    return { resource: checked.resource, findings, errors: [] };
  } catch (error) {
    if (error instanceof InvalidInputError) return { findings: [], errors: error.problems };
    throw error;
  }
}

export function checkSource(name: string, uri: string, source: SourceText, options: CheckOptions): FileReport {
  const report: FileReport = { file: name, uri, format: 'document', resources: [], skipped: [], errors: [], ...(source.hadByteOrderMark && { note: 'a UTF-8 byte-order mark at the start was ignored' }) };
  if (/\.tf$/i.test(name)) {
    report.errors.push(`Terraform configuration (HCL) is not read; check the plan instead: terraform plan -out plan.out && terraform show -json plan.out > plan.json`);
    return report;
  }
  const parsed = parseSource(name, source.text);
  if (!parsed.ok) {
    report.errors.push(parsed.error);
    return report;
  }
  const { value, lineOf } = parsed;

  const plan = recogniseTerraformPlan(value);
  const template = plan ? undefined : recogniseCloudFormation(value);
  if (plan || template) {
    if (options.givenKind) {
      report.errors.push(`--kind ${options.givenKind} names one document, but this is a ${plan ? 'Terraform plan' : 'CloudFormation template'} (${plan ?? template}); drop --kind to judge each resource`);
      return report;
    }
    return checkIac(report, value, plan ? 'terraform-plan' : 'cloudformation', lineOf, options);
  }

  const foreign = describeForeignInput(value);
  let inference: KindInference;
  if (options.givenKind) {
    const looksLike = inferKind(value);
    if (foreign) {
      report.errors.push(foreign);
      return report;
    }
    if (looksLike && looksLike.kind !== options.givenKind) {
      report.errors.push(`--kind ${options.givenKind} was given, but this looks like ${looksLike.kind} (${looksLike.because}); pass --kind ${looksLike.kind} or drop --kind`);
      return report;
    }
    inference = { kind: options.givenKind, because: '--kind', inferred: false };
  } else {
    if (foreign) {
      report.errors.push(foreign);
      return report;
    }
    const inferred = inferKind(value);
    if (!inferred) {
      report.errors.push(`cannot tell what this is (no Statement, event destination, FromEmailAddress, Terraform plan or CloudFormation Resources); pass --kind`);
      return report;
    }
    inference = { ...inferred, inferred: true };
  }
  const resource: ResourceReport = { kind: inference.kind, inference, line: 1, findings: [], errors: [] };
  report.resources.push(resource);
  if (!isRecord(value)) {
    resource.errors.push(`(root): must be a JSON object for kind ${inference.kind}`);
    return report;
  }
  const target: CheckTarget = {
    region: options.region ?? DEFAULT_REGION,
    ...(options.account !== undefined && { account: options.account }),
    ...(options.resource !== undefined && { resource: options.resource }),
    ...(options.principals.length > 0 && { principals: options.principals }),
  };
  Object.assign(resource, judgeDocument(name, inference.kind, value, target, options, lineOf, { text: source.text }));
  return report;
}

function checkIac(report: FileReport, value: unknown, format: IacModel['format'], lineOf: (path: ReadonlyArray<string | number>) => number, options: CheckOptions): FileReport {
  report.format = format;
  let model: IacModel;
  try {
    const read = { ...(options.account !== undefined && { account: options.account }), ...(options.region !== undefined && { region: options.region }) };
    model = format === 'terraform-plan' ? readTerraformPlan(value, read) : readCloudFormationTemplate(value, { ...read, parameters: options.parameters });
  } catch (error) {
    if (error instanceof InvalidPlanError || error instanceof InvalidTemplateError) {
      report.errors.push(error.message);
      return report;
    }
    throw error;
  }
  report.skipped = model.skipped;
  for (const iac of model.resources) report.resources.push(judgeIacResource(report.file, iac, lineOf, options));
  return report;
}

function judgeIacResource(file: string, iac: IacResource, lineOf: (path: ReadonlyArray<string | number>) => number, options: CheckOptions): ResourceReport {
  const line = lineOf(iac.path);
  const report: ResourceReport = {
    address: iac.address,
    type: iac.type,
    kind: iac.kind,
    inference: { kind: iac.kind, because: iac.type, inferred: true },
    line,
    findings: [],
    errors: [],
    ...(iac.note !== undefined && { note: iac.note }),
  };
  if (iac.unknown.length > 0) {
    report.errors = iac.unknown.map((why) => `not judged: ${why}`);
    return report;
  }
  const target: CheckTarget = {
    region: iac.target.region ?? options.region ?? DEFAULT_REGION,
    ...(options.account !== undefined && { account: options.account }),
    ...(iac.target.resource !== undefined && { resource: iac.target.resource }),
    ...(iac.target.principals !== undefined && iac.target.principals.length > 0 && { principals: iac.target.principals }),
    ...(iac.target.name !== undefined && { name: iac.target.name }),
  };
  // Findings point at the resource; a document written as YAML/JSON inside the file gets the statement's own line.
  const documentPath = iac.documentPath;
  const locate = (pointer: ReadonlyArray<string | number>): number => (documentPath ? Math.max(lineOf([...documentPath, ...pointer]), line) : line);
  // An AWS managed policy is AWS's own (and the snapshot keeps only its SES statements): judged, not linted.
  const lint = iac.target.awsManaged ? undefined : { text: JSON.stringify(iac.document), ...(iac.target.container !== undefined && { container: iac.target.container }) };
  return { ...report, ...judgeDocument(`${file} ${iac.address}`, iac.kind, iac.document, target, options, locate, lint) };
}
