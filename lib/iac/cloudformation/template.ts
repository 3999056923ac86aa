import { UnknownValue, policyDocumentOf, unknownsIn, type IacModel, type IacReadOptions, type IacResource, type IacSkipped, type IacTarget } from '../types.ts';
import { awsManagedPolicy } from '../managed-policy.ts';
import { NO_VALUE, TemplateResolver, type TemplateResource } from './intrinsics.ts';
import { isRecord } from '../../json-value.ts';

/**
 * A CloudFormation template (JSON, or YAML read with the intrinsic tags) -> the resources the rules judge:
 * - AWS::SES::ConfigurationSetEventDestination -> an event destination;
 * - AWS::IAM::Policy / ManagedPolicy / RolePolicy / UserPolicy / GroupPolicy -> an IAM policy, judged for the
 *   users, roles and groups it names;
 * - AWS::IAM::Role / User / Group -> each inline policy (`Policies`) and each attachment (`ManagedPolicyArns`,
 *   AWS managed policies from the offline snapshot) for that principal.
 * CloudFormation has no resource type for SES sending-authorization (identity) policies or custom
 * verification templates, so none is read here.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
 */

export interface CloudFormationOptions extends IacReadOptions {
  /** --parameter NAME=VALUE: overrides a parameter's Default. */
  parameters?: Record<string, string>;
  stackName?: string;
}


export class InvalidTemplateError extends Error {
  override readonly name = 'InvalidTemplateError';
}

const POLICY_TYPES: Record<string, { users?: string; roles?: string; groups?: string; name?: string }> = {
  'AWS::IAM::Policy': { users: 'Users', roles: 'Roles', groups: 'Groups', name: 'PolicyName' },
  'AWS::IAM::ManagedPolicy': { users: 'Users', roles: 'Roles', groups: 'Groups', name: 'ManagedPolicyName' },
  'AWS::IAM::RolePolicy': { roles: 'RoleName', name: 'PolicyName' },
  'AWS::IAM::UserPolicy': { users: 'UserName', name: 'PolicyName' },
  'AWS::IAM::GroupPolicy': { groups: 'GroupName', name: 'PolicyName' },
};

const PRINCIPAL_TYPES: Record<string, { type: 'user' | 'role' | 'group'; nameProperty: string }> = {
  'AWS::IAM::Role': { type: 'role', nameProperty: 'RoleName' },
  'AWS::IAM::User': { type: 'user', nameProperty: 'UserName' },
  'AWS::IAM::Group': { type: 'group', nameProperty: 'GroupName' },
};

export function readCloudFormationTemplate(template: unknown, given: CloudFormationOptions): IacModel {
  const options = { ...given, region: given.region ?? 'us-east-1' };
  if (!isRecord(template)) throw new InvalidTemplateError('(root): a template is a JSON/YAML object');
  const resources = template['Resources'];
  if (!isRecord(resources)) throw new InvalidTemplateError('Resources: a template needs a Resources object');
  const parameters = new Map<string, unknown>();
  const declared = isRecord(template['Parameters']) ? template['Parameters'] : {};
  for (const [name, definition] of Object.entries(declared)) {
    const given = options.parameters?.[name];
    const fallback = isRecord(definition) ? definition['Default'] : undefined;
    parameters.set(name, given ?? (fallback !== undefined ? fallback : new UnknownValue(`parameter ${name} has no Default (pass --parameter ${name}=VALUE)`)));
  }
  for (const name of Object.keys(options.parameters ?? {})) {
    if (!(name in declared)) throw new InvalidTemplateError(`--parameter ${name}: the template declares no such parameter`);
  }
  const resolver = new TemplateResolver({
    parameters,
    resources: resources as Record<string, TemplateResource>,
    conditions: isRecord(template['Conditions']) ? template['Conditions'] : {},
    mappings: isRecord(template['Mappings']) ? template['Mappings'] : {},
    ...(options.account !== undefined && { account: options.account }),
    region: options.region ?? 'us-east-1',
    stackName: options.stackName ?? 'stack',
  });
  // Customer managed policies of this template, by the ARN a Ref to them resolves to: an attachment of one
  // (ManagedPolicyArns: [!Ref P]) is judged with its document for the principal it is attached to.
  const ownPolicies = new Map<string, { logicalId: string; document: unknown }>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || resource['Type'] !== 'AWS::IAM::ManagedPolicy') continue;
    const arn = resolver.resolve({ Ref: logicalId });
    if (typeof arn === 'string') ownPolicies.set(arn, { logicalId, document: isRecord(resource['Properties']) ? resource['Properties']['PolicyDocument'] : undefined });
  }
  const reader = new TemplateReader(resolver, options, ownPolicies);
  for (const [logicalId, resource] of Object.entries(resources)) reader.read(logicalId, resource);
  return { format: 'cloudformation', resources: reader.resources, skipped: reader.skipped };
}

class TemplateReader {
  readonly resources: IacResource[] = [];
  readonly skipped: IacSkipped[] = [];

  constructor(
    private readonly resolver: TemplateResolver,
    private readonly options: CloudFormationOptions & { region: string },
    private readonly ownPolicies: ReadonlyMap<string, { logicalId: string; document: unknown }>,
  ) {}

  read(logicalId: string, raw: unknown): void {
    if (!isRecord(raw) || typeof raw['Type'] !== 'string') {
      this.skipped.push({ address: logicalId, type: '(none)', reason: 'has no Type' });
      return;
    }
    const type = raw['Type'];
    let note: string | undefined;
    if (typeof raw['Condition'] === 'string') {
      const created = this.resolver.condition(raw['Condition']);
      if (created === false) {
        this.skipped.push({ address: logicalId, type, reason: `not created: condition ${raw['Condition']} is false` });
        return;
      }
      // Unknown: judge it anyway, since the check must not pass a resource because it might not exist.
      note = created === true ? undefined : `created only when condition ${raw['Condition']} is true (${created.why})`;
    }
    const properties = isRecord(raw['Properties']) ? raw['Properties'] : {};
    const base = { type, ...(note !== undefined && { note }) };
    if (type === 'AWS::SES::ConfigurationSetEventDestination') return this.#eventDestination(logicalId, properties, base);
    const policyType = POLICY_TYPES[type];
    if (policyType) return this.#policyResource(logicalId, properties, policyType, base);
    const principalType = PRINCIPAL_TYPES[type];
    if (principalType) return this.#principalResource(logicalId, properties, principalType, base);
    this.skipped.push({ address: logicalId, type, reason: 'no rule judges this resource type' });
  }

  #eventDestination(logicalId: string, properties: Record<string, unknown>, base: { type: string; note?: string }): void {
    const document = this.resolver.resolve({ ConfigurationSetName: properties['ConfigurationSetName'], EventDestination: properties['EventDestination'] });
    this.resources.push({
      address: logicalId,
      ...base,
      kind: 'event-destination',
      document: isRecord(document) ? document : {},
      target: { region: this.options.region },
      path: ['Resources', logicalId],
      documentPath: ['Resources', logicalId, 'Properties'],
      unknown: unknownsIn(document),
    });
  }

  #principalArn(type: 'user' | 'role' | 'group', name: unknown): string | UnknownValue {
    if (name instanceof UnknownValue) return name;
    if (typeof name !== 'string' || name === '') return new UnknownValue(`a ${type} name is not a string`);
    // A principal given as its ARN (Fn::GetAtt X.Arn) is kept; a name becomes an ARN in the target account.
    if (name.startsWith('arn:')) return name;
    if (this.options.account === undefined) return new UnknownValue('the account is not known (pass --account, or list trustedAccounts in the config)');
    return `arn:${this.resolver.partition}:iam::${this.options.account}:${type}/${name}`;
  }

  #principalsOf(properties: Record<string, unknown>, names: { users?: string; roles?: string; groups?: string }): Array<string | UnknownValue> {
    const out: Array<string | UnknownValue> = [];
    for (const [type, property] of [['user', names.users], ['role', names.roles], ['group', names.groups]] as const) {
      if (property === undefined || properties[property] === undefined) continue;
      const value = this.resolver.resolve(properties[property]);
      for (const name of Array.isArray(value) ? value : [value]) out.push(this.#principalArn(type, name));
    }
    return out;
  }

  #pushPolicy(
    address: string,
    base: { type: string; note?: string },
    path: ReadonlyArray<string | number>,
    documentValue: unknown,
    principals: Array<string | UnknownValue>,
    source: string,
    container: IacTarget['container'] | 'aws-managed',
    documentPath?: ReadonlyArray<string | number>,
  ): void {
    const resolved = this.resolver.resolve(documentValue);
    const unknown = principals.filter((p): p is UnknownValue => p instanceof UnknownValue).map((p) => `principal: ${p.why}`);
    const read = policyDocumentOf(resolved, 'PolicyDocument');
    if ('unknown' in read) unknown.push(read.unknown);
    else unknown.push(...unknownsIn(read.document, 'PolicyDocument'));
    const target: IacTarget = {
      resource: source,
      region: this.options.region,
      principals: principals.filter((p): p is string => typeof p === 'string'),
      ...(container === 'aws-managed' ? { awsManaged: true as const } : container !== undefined && { container }),
    };
    // A document written as a string (JSON inside the template) has no statement lines of its own.
    const structured = documentPath !== undefined && isRecord(documentValue) && !('Fn::Sub' in documentValue);
    this.resources.push({ address, ...base, kind: 'iam-policy', document: 'document' in read ? read.document : {}, target, path, ...(structured && { documentPath }), unknown });
  }

  #policyResource(logicalId: string, properties: Record<string, unknown>, names: { users?: string; roles?: string; groups?: string }, base: { type: string; note?: string }): void {
    // An AWS::IAM::Policy (or RolePolicy...) is inline in each principal it names; a ManagedPolicy is managed.
    this.#pushPolicy(logicalId, base, ['Resources', logicalId], properties['PolicyDocument'], this.#principalsOf(properties, names), logicalId, inlineContainer(base.type, properties, names), ['Resources', logicalId, 'Properties', 'PolicyDocument']);
  }

  #principalResource(logicalId: string, properties: Record<string, unknown>, principal: { type: 'user' | 'role' | 'group'; nameProperty: string }, base: { type: string; note?: string }): void {
    const name = properties[principal.nameProperty] !== undefined ? this.resolver.resolve(properties[principal.nameProperty]) : logicalId;
    const arn = this.#principalArn(principal.type, name);
    const policies = this.resolver.resolve(properties['Policies'] ?? []);
    if (Array.isArray(policies)) {
      policies.forEach((policy, i) => {
        const policyName = isRecord(policy) && typeof policy['PolicyName'] === 'string' ? policy['PolicyName'] : `Policies[${i}]`;
        // The inline policy is judged as written: re-resolving an already resolved document is a no-op.
        const at = ['Resources', logicalId, 'Properties', 'Policies', i];
        this.#pushPolicy(`${logicalId}.Policies[${i}]`, base, at, isRecord(policy) ? policy['PolicyDocument'] : undefined, [arn], `${logicalId}/${policyName}`, `${principal.type}-inline`, [...at, 'PolicyDocument']);
      });
    }
    const attached = properties['ManagedPolicyArns'];
    if (attached === undefined) return;
    const arns = this.resolver.resolve(attached);
    const list = Array.isArray(arns) ? arns : [arns];
    list.forEach((policyArn, i) => {
      if (policyArn === NO_VALUE) return;
      const address = `${logicalId}.ManagedPolicyArns[${i}]`;
      const path = ['Resources', logicalId, 'Properties', 'ManagedPolicyArns', i];
      this.#attachment(address, base, path, policyArn, arn);
    });
  }

  #attachment(address: string, base: { type: string; note?: string }, path: ReadonlyArray<string | number>, policyArn: unknown, principal: string | UnknownValue): void {
    const principals = [principal];
    if (policyArn instanceof UnknownValue || typeof policyArn !== 'string') {
      const why = policyArn instanceof UnknownValue ? policyArn.why : 'is not an ARN';
      this.resources.push({ address, ...base, kind: 'iam-policy', document: {}, target: { region: this.options.region }, path, unknown: [`policy ARN: ${why}`] });
      return;
    }
    const managed = awsManagedPolicy(policyArn);
    if (managed.kind === 'nothing-in-ses') {
      this.skipped.push({ address, type: base.type, reason: managed.reason });
      return;
    }
    if (managed.kind === 'document') {
      this.#pushPolicy(address, base, path, managed.document, principals, policyArn, 'aws-managed');
      return;
    }
    const own = this.ownPolicies.get(policyArn);
    if (own) {
      this.#pushPolicy(address, base, path, own.document, principals, own.logicalId, 'managed');
      return;
    }
    this.resources.push({ address, ...base, kind: 'iam-policy', document: {}, target: { region: this.options.region }, path, unknown: [`policy ARN: ${managed.reason}`] });
  }
}

/** The inline-policy limit an IAM policy resource counts against: that of the principals it names (the smallest, user, when several kinds). */
function inlineContainer(type: string, properties: Record<string, unknown>, names: { users?: string; roles?: string; groups?: string }): IacTarget['container'] | undefined {
  if (type === 'AWS::IAM::ManagedPolicy') return 'managed';
  if (names.users && properties[names.users] !== undefined) return 'user-inline';
  if (names.groups && properties[names.groups] !== undefined) return 'group-inline';
  if (names.roles && properties[names.roles] !== undefined) return 'role-inline';
  return undefined;
}
