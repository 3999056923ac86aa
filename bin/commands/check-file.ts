import { isRecord } from '../../lib/families/check-helpers.ts';
import type { CheckTarget } from '../../lib/families/family.ts';
import { recogniseCloudFormation, recogniseTerraformPlan } from '../../lib/iac/recognise.ts';
import { describeJsonSyntaxError, parseJsonText } from '../../lib/source/json.ts';
import { lineOf as jsonLineOf, locateJson } from '../../lib/source/json-lines.ts';
import type { SourceText } from '../../lib/source/text.ts';
import { describeForeignInput, inferKind, type KindInference } from './check-inputs.ts';
import type { FileReport, ResourceReport } from './check-format.ts';
import { DEFAULT_REGION, judgeDocument, type CheckOptions } from './check-document.ts';

export type { CheckOptions } from './check-document.ts';

type Parsed = { ok: true; value: unknown; lineOf: (path: ReadonlyArray<string | number>) => number } | { ok: false; error: string };

/**
 * JSON is read here; YAML (CloudFormation, mostly) loads its parser when an input is YAML, and a Terraform
 * plan or template loads its reader (check-iac.ts) when one is recognised: those are most of what
 * `sesguard check` would otherwise load at start-up for a JSON policy. What each input is decides what
 * loads, never the other way round.
 */
async function parseSource(name: string, text: string): Promise<Parsed> {
  const looksJson = /^\s*[{[]/.test(text) || /\.json$/i.test(name) || text.trim() === '';
  if (looksJson) {
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { ok: false, error: `${name}:${describeJsonSyntaxError(parsed.error)} (not valid JSON)` };
    let tree: ReturnType<typeof locateJson> | undefined;
    return { ok: true, value: parsed.value, lineOf: (path) => jsonLineOf((tree ??= locateJson(text)), path) };
  }
  const [{ parseYamlSource }, { CLOUDFORMATION_TAGS }] = await Promise.all([import('../../lib/source/yaml.ts'), import('../../lib/iac/cloudformation/tags.ts')]);
  const yaml = parseYamlSource(text, CLOUDFORMATION_TAGS);
  if (!yaml.ok) return { ok: false, error: yaml.errors.map((e) => `${name}:${e} (not valid YAML)`).join('; ') };
  return yaml;
}

export async function checkSource(name: string, uri: string, source: SourceText, options: CheckOptions): Promise<FileReport> {
  const report: FileReport = { file: name, uri, format: 'document', resources: [], skipped: [], errors: [], ...(source.hadByteOrderMark && { note: 'a UTF-8 byte-order mark at the start was ignored' }) };
  if (/\.tf$/i.test(name)) {
    report.errors.push(`Terraform configuration (HCL) is not read; check the plan instead: terraform plan -out plan.out && terraform show -json plan.out > plan.json`);
    return report;
  }
  const parsed = await parseSource(name, source.text);
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
    const { checkIac } = await import('./check-iac.ts');
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
