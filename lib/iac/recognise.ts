import { isRecord } from '../json-value.ts';

/**
 * What an input to `sesguard check` is, told from its shape alone. Kept apart from the readers
 * (terraform/plan.ts, cloudformation/template.ts) so that every input can be recognised while only an
 * infrastructure-as-code input loads them.
 */

/** Why `value` looks like `terraform show -json` output of a plan, or undefined. */
export function recogniseTerraformPlan(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value['format_version'] !== 'string') return undefined;
  if ('resource_changes' in value || 'planned_values' in value) return 'it has format_version and resource_changes (terraform show -json)';
  return undefined;
}

/** Why `value` looks like a CloudFormation template, or undefined. */
export function recogniseCloudFormation(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if ('AWSTemplateFormatVersion' in value) return 'it has AWSTemplateFormatVersion';
  const resources = value['Resources'];
  if (isRecord(resources) && Object.values(resources).length > 0 && Object.values(resources).every((r) => isRecord(r) && typeof r['Type'] === 'string' && /^(AWS|Custom|Alexa)::/.test(r['Type']))) {
    return 'its Resources have CloudFormation types';
  }
  return undefined;
}
