import { partitionOf } from '../../aws/partition.ts';
import { UnknownValue } from '../types.ts';
import { isRecord as isJsonRecord } from '../../json-value.ts';

/**
 * Evaluates CloudFormation intrinsic functions offline, as far as the template itself decides them:
 * parameters by their Default (or a value given with --parameter), pseudo parameters from the target
 * account and region, conditions, mappings, and references to resources of the same template (whose ARNs
 * are in the stack's own account). Everything else — Fn::ImportValue, Fn::GetAZs, a parameter with no
 * default, an attribute sesguard does not model — becomes an UnknownValue saying why, never a guess.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */

/** `AWS::NoValue`: the property or list element is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
}

export interface TemplateContext {
  parameters: Map<string, unknown>;
  resources: Record<string, TemplateResource>;
  conditions: Record<string, unknown>;
  mappings: Record<string, unknown>;
  account?: string;
  region: string;
  stackName: string;
}

type Resolved = unknown;

/** An object of the template (an UnknownValue is a marker, not template content). */
const isRecord = (value: unknown): value is Record<string, unknown> => isJsonRecord(value) && !(value instanceof UnknownValue);

/** The one intrinsic function a value calls, when it is `{ "Fn::X": args }` or `{ "Ref": name }`. */
function intrinsicOf(value: Record<string, unknown>): { name: string; args: unknown } | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  return name === 'Ref' || name === 'Condition' || name.startsWith('Fn::') ? { name, args: value[name] } : undefined;
}

export class TemplateResolver {
  readonly #conditionCache = new Map<string, boolean | UnknownValue>();
  readonly #evaluating = new Set<string>();

  constructor(private readonly ctx: TemplateContext) {}

  get partition(): string {
    return partitionOf(this.ctx.region);
  }

  /** The value with every intrinsic evaluated; NO_VALUE members are dropped. */
  resolve(value: unknown): Resolved {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    if (!isRecord(value)) return value;
    const call = intrinsicOf(value);
    if (call && call.name !== 'Condition') return this.#call(call.name, call.args);
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const resolved = this.resolve(member);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  /** A named condition: true/false, or unknown when it depends on something the template leaves open. */
  condition(name: string): boolean | UnknownValue {
    const cached = this.#conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.ctx.conditions)) return new UnknownValue(`condition ${name} is not defined in Conditions`);
    if (this.#evaluating.has(name)) return new UnknownValue(`condition ${name} refers to itself`);
    this.#evaluating.add(name);
    const result = this.#truth(this.ctx.conditions[name], `condition ${name}`);
    this.#evaluating.delete(name);
    this.#conditionCache.set(name, result);
    return result;
  }

  #truth(expression: unknown, what: string): boolean | UnknownValue {
    if (isRecord(expression)) {
      const call = intrinsicOf(expression);
      if (call?.name === 'Condition' && typeof call.args === 'string') return this.condition(call.args);
    }
    const value = this.resolve(expression);
    if (value instanceof UnknownValue) return new UnknownValue(`${what} depends on a value not known offline (${value.why})`);
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return new UnknownValue(`${what} is not a boolean`);
  }

  #call(name: string, args: unknown): Resolved {
    switch (name) {
      case 'Ref':
        return typeof args === 'string' ? this.#ref(args) : new UnknownValue('Ref needs a name');
      case 'Fn::GetAtt': {
        const parts = Array.isArray(args) ? args.map((a) => this.resolve(a)) : typeof args === 'string' ? args.split('.') : [];
        const [logicalId, attribute] = parts;
        return typeof logicalId === 'string' && typeof attribute === 'string' ? this.#getAtt(logicalId, attribute) : new UnknownValue('Fn::GetAtt needs [resource, attribute]');
      }
      case 'Fn::Sub':
        return this.#sub(args);
      case 'Fn::Join': {
        if (!Array.isArray(args) || args.length !== 2) return new UnknownValue('Fn::Join needs [delimiter, list]');
        const delimiter = this.resolve(args[0]);
        const list = this.resolve(args[1]);
        if (typeof delimiter !== 'string' || !Array.isArray(list)) return new UnknownValue('Fn::Join needs a string delimiter and a list');
        const unknown = list.find((v): v is UnknownValue => v instanceof UnknownValue);
        return unknown ?? list.map((v) => scalarText(v)).join(delimiter);
      }
      case 'Fn::Select': {
        if (!Array.isArray(args) || args.length !== 2) return new UnknownValue('Fn::Select needs [index, list]');
        const index = Number(this.resolve(args[0]));
        const list = this.resolve(args[1]);
        if (list instanceof UnknownValue) return list;
        return Array.isArray(list) && Number.isInteger(index) && index >= 0 && index < list.length ? list[index] : new UnknownValue('Fn::Select index is outside the list');
      }
      case 'Fn::Split': {
        if (!Array.isArray(args) || args.length !== 2) return new UnknownValue('Fn::Split needs [delimiter, string]');
        const delimiter = this.resolve(args[0]);
        const text = this.resolve(args[1]);
        if (text instanceof UnknownValue) return text;
        return typeof delimiter === 'string' && typeof text === 'string' ? text.split(delimiter) : new UnknownValue('Fn::Split needs strings');
      }
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return new UnknownValue('Fn::If needs [condition, value if true, value if false]');
        const truth = this.condition(args[0]);
        if (truth instanceof UnknownValue) return truth;
        return this.resolve(truth ? args[1] : args[2]);
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.#logic(name, args);
      case 'Fn::FindInMap': {
        if (!Array.isArray(args) || args.length < 3) return new UnknownValue('Fn::FindInMap needs [map, key, key]');
        const [map, top, second] = args.slice(0, 3).map((a) => this.resolve(a));
        const unknown = [map, top, second].find((v): v is UnknownValue => v instanceof UnknownValue);
        if (unknown) return unknown;
        const found = (this.ctx.mappings[String(map)] as Record<string, Record<string, unknown>> | undefined)?.[String(top)]?.[String(second)];
        return found === undefined ? new UnknownValue(`Fn::FindInMap ${String(map)}.${String(top)}.${String(second)} is not in Mappings`) : this.resolve(found);
      }
      case 'Fn::Base64': {
        const text = this.resolve(args);
        return typeof text === 'string' ? Buffer.from(text, 'utf8').toString('base64') : text instanceof UnknownValue ? text : new UnknownValue('Fn::Base64 needs a string');
      }
      case 'Fn::ImportValue': {
        const exported = this.resolve(args);
        return new UnknownValue(`imported from another stack (Fn::ImportValue ${typeof exported === 'string' ? exported : '...'}): its value is not in this template`);
      }
      default:
        return new UnknownValue(`${name} is not evaluated offline`);
    }
  }

  #logic(name: string, args: unknown): Resolved {
    if (!Array.isArray(args)) return new UnknownValue(`${name} needs a list`);
    if (name === 'Fn::Equals') {
      const [a, b] = args.map((arg) => this.resolve(arg));
      if (a instanceof UnknownValue) return a;
      if (b instanceof UnknownValue) return b;
      return scalarText(a) === scalarText(b);
    }
    const values = args.map((arg) => this.#truth(arg, name));
    const unknown = values.find((v): v is UnknownValue => v instanceof UnknownValue);
    if (name === 'Fn::Not') return unknown ?? !values[0];
    if (name === 'Fn::And') return values.includes(false) ? false : (unknown ?? true);
    return values.includes(true) ? true : (unknown ?? false);
  }

  #ref(name: string): Resolved {
    switch (name) {
      case 'AWS::AccountId':
        return this.ctx.account ?? new UnknownValue('the account is not known (pass --account, or list trustedAccounts in the config)');
      case 'AWS::Region':
        return this.ctx.region;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName':
        return this.ctx.stackName;
      case 'AWS::StackId':
        return new UnknownValue('AWS::StackId is assigned at deploy time');
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return new UnknownValue('AWS::NotificationARNs is set at deploy time');
    }
    if (this.ctx.parameters.has(name)) return this.ctx.parameters.get(name);
    const resource = this.ctx.resources[name];
    if (resource) return this.#resourceRef(name, resource);
    return new UnknownValue(`Ref ${name}: no parameter or resource of that name`);
  }

  /** The physical name of a resource of this template: its name property when set, else its logical id standing in for the generated name. */
  #name(logicalId: string, resource: TemplateResource, property: string): string | UnknownValue {
    const given = resource.Properties?.[property];
    if (given === undefined) return logicalId;
    const resolved = this.resolve(given);
    return typeof resolved === 'string' || typeof resolved === 'number' ? String(resolved) : resolved instanceof UnknownValue ? resolved : new UnknownValue(`${logicalId}.${property} is not a string`);
  }

  #arn(service: string, regional: boolean, resource: (name: string) => string, name: string | UnknownValue): Resolved {
    if (name instanceof UnknownValue) return name;
    const account = this.#ref('AWS::AccountId');
    if (account instanceof UnknownValue) return account;
    return `arn:${this.partition}:${service}:${regional ? this.ctx.region : ''}:${String(account)}:${resource(name)}`;
  }

  #iamPath(resource: TemplateResource): string {
    const path = this.resolve(resource.Properties?.['Path']);
    return typeof path === 'string' && path.startsWith('/') ? path : '/';
  }

  #resourceRef(logicalId: string, resource: TemplateResource): Resolved {
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
        return this.#arn('sns', true, (n) => n, this.#name(logicalId, resource, 'TopicName'));
      case 'AWS::IAM::ManagedPolicy':
        return this.#arn('iam', false, (n) => `policy${this.#iamPath(resource)}${n}`, this.#name(logicalId, resource, 'ManagedPolicyName'));
      case 'AWS::IAM::Role':
        return this.#name(logicalId, resource, 'RoleName');
      case 'AWS::IAM::User':
        return this.#name(logicalId, resource, 'UserName');
      case 'AWS::IAM::Group':
        return this.#name(logicalId, resource, 'GroupName');
      case 'AWS::SES::ConfigurationSet':
        return this.#name(logicalId, resource, 'Name');
      case 'AWS::KinesisFirehose::DeliveryStream':
        return this.#name(logicalId, resource, 'DeliveryStreamName');
      case 'AWS::Events::EventBus':
        return this.#name(logicalId, resource, 'Name');
      default:
        return new UnknownValue(`Ref ${logicalId} (${resource.Type}) is not modelled offline`);
    }
  }

  #getAtt(logicalId: string, attribute: string): Resolved {
    const resource = this.ctx.resources[logicalId];
    if (!resource) return new UnknownValue(`Fn::GetAtt ${logicalId}.${attribute}: no resource of that name`);
    const key = `${resource.Type} ${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role Arn':
        return this.#arn('iam', false, (n) => `role${this.#iamPath(resource)}${n}`, this.#name(logicalId, resource, 'RoleName'));
      case 'AWS::IAM::User Arn':
        return this.#arn('iam', false, (n) => `user${this.#iamPath(resource)}${n}`, this.#name(logicalId, resource, 'UserName'));
      case 'AWS::IAM::Group Arn':
        return this.#arn('iam', false, (n) => `group${this.#iamPath(resource)}${n}`, this.#name(logicalId, resource, 'GroupName'));
      case 'AWS::IAM::ManagedPolicy PolicyArn':
        return this.#resourceRef(logicalId, resource);
      case 'AWS::SNS::Topic TopicArn':
        return this.#resourceRef(logicalId, resource);
      case 'AWS::SNS::Topic TopicName':
        return this.#name(logicalId, resource, 'TopicName');
      case 'AWS::KinesisFirehose::DeliveryStream Arn':
        return this.#arn('firehose', true, (n) => `deliverystream/${n}`, this.#name(logicalId, resource, 'DeliveryStreamName'));
      case 'AWS::Events::EventBus Arn':
        return this.#arn('events', true, (n) => `event-bus/${n}`, this.#name(logicalId, resource, 'Name'));
      case 'AWS::Pinpoint::App Arn':
        return this.#arn('mobiletargeting', true, () => `apps/${logicalId}`, logicalId);
      default:
        return new UnknownValue(`Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not modelled offline`);
    }
  }

  #sub(args: unknown): Resolved {
    const [template, variables] = Array.isArray(args) ? [args[0], args[1]] : [args, undefined];
    if (typeof template !== 'string') return new UnknownValue('Fn::Sub needs a string');
    const locals = isRecord(variables) ? variables : {};
    let unknown: UnknownValue | undefined;
    // ${!Literal} writes ${Literal}; ${Name} is a variable, a parameter, a pseudo parameter or a resource; ${Res.Attr} is GetAtt.
    const text = template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      let value: Resolved;
      if (name in locals) value = this.resolve(locals[name]);
      else if (name.includes('.') && !name.startsWith('AWS::')) value = this.#getAtt(name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1));
      else value = this.#ref(name);
      if (value instanceof UnknownValue) {
        unknown ??= new UnknownValue(`\${${name}} in Fn::Sub: ${value.why}`);
        return whole;
      }
      return scalarText(value);
    });
    return unknown ?? text;
  }
}

/** CloudFormation turns numbers and booleans into their text where a string is expected. */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
