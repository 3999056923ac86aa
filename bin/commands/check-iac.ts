import type { CheckTarget } from '../../lib/families/family.ts';
import { InvalidTemplateError, readCloudFormationTemplate } from '../../lib/iac/cloudformation/template.ts';
import { InvalidPlanError, readTerraformPlan } from '../../lib/iac/terraform/plan.ts';
import type { IacModel, IacResource } from '../../lib/iac/types.ts';
import type { FileReport, ResourceReport } from './check-format.ts';
import { DEFAULT_REGION, judgeDocument, type CheckOptions } from './check-document.ts';

/**
 * A Terraform plan or CloudFormation template in `sesguard check`: each resource it declares, judged as the
 * document it will deploy. Loaded only for such an input (check-file.ts), so a check of a policy does not
 * pay for the readers.
 */
export function checkIac(report: FileReport, value: unknown, format: IacModel['format'], lineOf: (path: ReadonlyArray<string | number>) => number, options: CheckOptions): FileReport {
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
