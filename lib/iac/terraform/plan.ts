import * as z from '../../zod.ts';
import { partitionOf } from '../../aws/partition.ts';
import { describeZodIssues } from '../../zod-issues.ts';
import { awsManagedPolicy, isAwsManagedPolicyArn } from '../managed-policy.ts';
import { UnknownValue, policyDocumentOf, unknownsIn, type IacModel, type IacReadOptions, type IacResource, type IacSkipped, type IacTarget } from '../types.ts';
import { isRecord } from '../../json-value.ts';

/**
 * `terraform show -json plan.out` -> the resources the rules judge, as they will be after apply. The
 * format (HashiCorp, "JSON Output Format"): `resource_changes[]` carry each resource's `change.after`, with
 * values that are known only after apply omitted and flagged in `change.after_unknown`; `configuration`
 * says what an unknown value refers to (`aws_iam_policy.x.arn`). A reference to a resource of the same
 * plan is followed (a customer policy's document, a role's ARN in the target account); anything else
 * unknown is reported, never guessed. Unknown members of the format are ignored (its own
 * forward-compatibility rule); a major version other than 1 is refused.
 * https://developer.hashicorp.com/terraform/internals/json-format
 */


const ResourceChangeSchema = z.object({
  address: z.string().check(z.minLength(1)),
  module_address: z.optional(z.string()),
  mode: z.string(),
  type: z.string().check(z.minLength(1)),
  name: z.string(),
  index: z.optional(z.unknown()),
  change: z.object({
    actions: z.array(z.string()).check(z.minLength(1)),
    before: z.optional(z.unknown()),
    after: z.optional(z.unknown()),
    after_unknown: z.optional(z.unknown()),
  }),
});
type ResourceChange = z.infer<typeof ResourceChangeSchema>;

const PlanSchema = z.object({
  format_version: z.string().check(z.regex(/^1\./, 'must be a 1.x plan format (this reader knows format 1)')),
  resource_changes: z._default(z.array(ResourceChangeSchema), []),
  configuration: z.optional(z.unknown()),
});

export class InvalidPlanError extends Error {
  override readonly name = 'InvalidPlanError';
}

/**
 * A value in `after`, with each value `after_unknown` marks (decided by apply) replaced by what `resolve`
 * makes of it from the configuration, or an UnknownValue saying why.
 */
function overlay(after: unknown, unknown: unknown, path: Array<string | number>, resolve: (path: Array<string | number>) => unknown): unknown {
  const label = (): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (unknown === true) return resolve(path) ?? new UnknownValue(`${label()} is known only after apply`);
  if (Array.isArray(after)) return after.map((v, i) => overlay(v, Array.isArray(unknown) ? unknown[i] : undefined, [...path, i], resolve));
  if (isRecord(after) || isRecord(unknown)) {
    const out: Record<string, unknown> = {};
    const known = isRecord(after) ? after : {};
    const flags = isRecord(unknown) ? unknown : {};
    for (const key of new Set([...Object.keys(known), ...Object.keys(flags)])) {
      const value = overlay(known[key], flags[key], [...path, key], resolve);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return after;
}

/** The first element of a nested block (Terraform writes a block as a list of zero or one object). */
function block(value: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return isRecord(first) ? first : undefined;
}

/** The module path of an address (`module.a.module.b`), '' for the root module. */
function moduleOf(change: ResourceChange): string {
  return change.module_address ?? '';
}

/** The configuration block of a resource: expressions say what unknown values refer to. */
function configurationOf(configuration: unknown, change: ResourceChange): Record<string, unknown> | undefined {
  if (!isRecord(configuration)) return undefined;
  let module: unknown = configuration['root_module'];
  const path = moduleOf(change);
  if (path !== '') {
    for (const name of path.split('.').filter((_, i) => i % 2 === 1).map((n) => n.replace(/\[.*\]$/, ''))) {
      const call = isRecord(module) && isRecord(module['module_calls']) ? module['module_calls'][name] : undefined;
      module = isRecord(call) ? call['module'] : undefined;
    }
  }
  const resources = isRecord(module) && Array.isArray(module['resources']) ? module['resources'] : [];
  const local = `${change.type}.${change.name}`;
  const found = resources.find((r): r is Record<string, unknown> => isRecord(r) && r['address'] === local && r['mode'] === 'managed');
  return found && isRecord(found['expressions']) ? found['expressions'] : undefined;
}

/** What an expression of the configuration refers to (`aws_iam_policy.mail_sender.arn`), first reference first. */
function referencesOf(expressions: Record<string, unknown> | undefined, path: ReadonlyArray<string | number>): string[] {
  let node: unknown = expressions;
  for (const step of path) {
    if (Array.isArray(node)) node = node[typeof step === 'number' ? step : 0];
    if (!isRecord(node)) return [];
    node = node[String(step)];
  }
  if (Array.isArray(node)) node = node[0];
  return isRecord(node) && Array.isArray(node['references']) ? node['references'].filter((r): r is string => typeof r === 'string') : [];
}

type PolicyHolder = 'user' | 'role' | 'group';

const INLINE: Record<string, PolicyHolder> = { aws_iam_user_policy: 'user', aws_iam_role_policy: 'role', aws_iam_group_policy: 'group' };
const ATTACHMENT: Record<string, PolicyHolder> = { aws_iam_user_policy_attachment: 'user', aws_iam_role_policy_attachment: 'role', aws_iam_group_policy_attachment: 'group' };

export function readTerraformPlan(input: unknown, options: IacReadOptions): IacModel {
  const parsed = PlanSchema.safeParse(input);
  if (!parsed.success) throw new InvalidPlanError(describeZodIssues(parsed.error).join('; '));
  const region = options.region ?? providerRegion(parsed.data.configuration) ?? 'us-east-1';
  return new PlanReader(parsed.data.resource_changes, parsed.data.configuration, { ...options, region }).read();
}

/** The AWS provider's region when the configuration sets it to a constant. */
function providerRegion(configuration: unknown): string | undefined {
  const aws = isRecord(configuration) && isRecord(configuration['provider_config']) ? configuration['provider_config']['aws'] : undefined;
  const expressions = isRecord(aws) && isRecord(aws['expressions']) ? aws['expressions'] : undefined;
  const region = expressions && isRecord(expressions['region']) ? expressions['region']['constant_value'] : undefined;
  return typeof region === 'string' ? region : undefined;
}

class PlanReader {
  readonly #resources: IacResource[] = [];
  readonly #skipped: IacSkipped[] = [];

  constructor(
    private readonly changes: readonly ResourceChange[],
    private readonly configuration: unknown,
    private readonly options: IacReadOptions & { region: string },
  ) {}

  read(): IacModel {
    this.changes.forEach((change, index) => this.#change(change, index));
    return { format: 'terraform-plan', resources: this.#resources, skipped: this.#skipped };
  }

  #change(change: ResourceChange, index: number): void {
    const { actions } = change.change;
    if (change.mode !== 'managed') return;
    if (actions.length === 1 && actions[0] === 'delete') {
      this.#skipped.push({ address: change.address, type: change.type, reason: 'deleted by this plan: nothing is left to judge' });
      return;
    }
    const expressions = configurationOf(this.configuration, change);
    const values = overlay(change.change.after, change.change.after_unknown, [], (path) => this.#arnOfReference(change, expressions, path));
    if (!isRecord(values)) {
      this.#skipped.push({ address: change.address, type: change.type, reason: 'has no planned values' });
      return;
    }
    const note = actions.includes('no-op') ? 'unchanged by this plan' : actions.includes('delete') ? 'replaced by this plan' : undefined;
    const region = typeof values['region'] === 'string' ? values['region'] : this.options.region;
    const at = { address: change.address, type: change.type, path: ['resource_changes', index] as const, ...(note !== undefined && { note }) };

    switch (change.type) {
      case 'aws_ses_identity_policy':
      case 'aws_sesv2_email_identity_policy': {
        const v2 = change.type === 'aws_sesv2_email_identity_policy';
        const identity = values[v2 ? 'email_identity' : 'identity'];
        const name = values[v2 ? 'policy_name' : 'name'];
        const read = policyDocumentOf(values['policy'], 'policy');
        const unknown = [...unknownsIn({ identity, name }), ...('unknown' in read ? [read.unknown] : [])];
        const resource = typeof identity === 'string' ? this.#identityArn(identity, region, unknown) : undefined;
        this.#resources.push({
          ...at,
          kind: 'identity-policy',
          document: 'document' in read ? read.document : {},
          target: { region, ...(resource !== undefined && { resource }), ...(typeof name === 'string' && { name }) },
          unknown,
        });
        return;
      }
      case 'aws_ses_event_destination':
        return this.#pushDestination(at, region, values['configuration_set_name'], values['name'], v1Destination(values));
      case 'aws_sesv2_configuration_set_event_destination':
        return this.#pushDestination(at, region, values['configuration_set_name'], values['event_destination_name'], v2Destination(block(values['event_destination']) ?? {}));
      case 'aws_iam_policy':
        return this.#pushPolicy(at, values['policy'], [], change.address, 'managed');
      case 'aws_iam_user_policy':
      case 'aws_iam_role_policy':
      case 'aws_iam_group_policy': {
        const holder = INLINE[change.type] as PolicyHolder;
        return this.#pushPolicy(at, values['policy'], [this.#principalArn(holder, values[holder])], change.address, `${holder}-inline`);
      }
      case 'aws_iam_user_policy_attachment':
      case 'aws_iam_role_policy_attachment':
      case 'aws_iam_group_policy_attachment': {
        const holder = ATTACHMENT[change.type] as PolicyHolder;
        return this.#attachment(at, change, expressions, values['policy_arn'], [this.#principalArn(holder, values[holder])]);
      }
      case 'aws_iam_policy_attachment': {
        const principals = (['user', 'role', 'group'] as const).flatMap((holder) => {
          const names = values[`${holder}s`];
          return Array.isArray(names) ? names.map((n) => this.#principalArn(holder, n)) : [];
        });
        return this.#attachment(at, change, expressions, values['policy_arn'], principals);
      }
      case 'aws_iam_role': {
        const role = this.#principalArn('role', values['name']);
        const inline = Array.isArray(values['inline_policy']) ? values['inline_policy'] : [];
        inline.forEach((policy, i) => {
          if (isRecord(policy) && policy['policy'] !== undefined && policy['policy'] !== '') {
            this.#pushPolicy({ ...at, address: `${change.address}.inline_policy[${i}]` }, policy['policy'], [role], `${change.address}.inline_policy[${i}]`, 'role-inline');
          }
        });
        const managed = Array.isArray(values['managed_policy_arns']) ? values['managed_policy_arns'] : [];
        managed.forEach((arn, i) => this.#attachment({ ...at, address: `${change.address}.managed_policy_arns[${i}]` }, change, expressions, arn, [role]));
        if (inline.length === 0 && managed.length === 0) this.#skipped.push({ address: change.address, type: change.type, reason: 'no inline or attached policies on the role itself' });
        return;
      }
      default:
        this.#skipped.push({ address: change.address, type: change.type, reason: 'no rule judges this resource type' });
    }
  }

  /**
   * An ARN apply decides, when the configuration says it is the ARN of a resource of this plan whose name is
   * known: such a resource is created in the plan's own account (the target account). Undefined otherwise.
   */
  #arnOfReference(change: ResourceChange, expressions: Record<string, unknown> | undefined, path: Array<string | number>): string | undefined {
    if (this.options.account === undefined) return undefined;
    for (const reference of referencesOf(expressions, path)) {
      const match = /^(aws_[a-z0-9_]+)\.([^.[\]]+)(?:\[[^\]]*\])?\.arn$/.exec(reference);
      if (!match) continue;
      const [, type, name] = match;
      const target = this.changes.find((c) => c.type === type && c.name === name && moduleOf(c) === moduleOf(change));
      const after = target && isRecord(target.change.after) ? target.change.after : undefined;
      const physical = after?.['name'];
      if (typeof physical !== 'string') continue;
      const region = typeof after?.['region'] === 'string' ? after['region'] : this.options.region;
      const partition = partitionOf(region);
      const iamPath = typeof after?.['path'] === 'string' ? after['path'] : '/';
      const account = this.options.account;
      switch (type) {
        case 'aws_iam_role':
          return `arn:${partition}:iam::${account}:role${iamPath}${physical}`;
        case 'aws_iam_policy':
          return `arn:${partition}:iam::${account}:policy${iamPath}${physical}`;
        case 'aws_sns_topic':
          return `arn:${partition}:sns:${region}:${account}:${physical}`;
        case 'aws_kinesis_firehose_delivery_stream':
          return `arn:${partition}:firehose:${region}:${account}:deliverystream/${physical}`;
        case 'aws_cloudwatch_event_bus':
          return `arn:${partition}:events:${region}:${account}:event-bus/${physical}`;
      }
    }
    return undefined;
  }

  #identityArn(identity: string, region: string, unknown: string[]): string | undefined {
    if (identity.startsWith('arn:')) return identity;
    if (this.options.account === undefined) {
      unknown.push('account: not known (pass --account, or list trustedAccounts in the config)');
      return undefined;
    }
    return `arn:${partitionOf(region)}:ses:${region}:${this.options.account}:identity/${identity}`;
  }

  #principalArn(holder: PolicyHolder, name: unknown): string | UnknownValue {
    if (name instanceof UnknownValue) return name;
    if (typeof name !== 'string' || name === '') return new UnknownValue(`the ${holder} is not named`);
    if (name.startsWith('arn:')) return name;
    if (this.options.account === undefined) return new UnknownValue('the account is not known (pass --account, or list trustedAccounts in the config)');
    return `arn:${partitionOf(this.options.region)}:iam::${this.options.account}:${holder}/${name}`;
  }

  #pushDestination(at: Omit<IacResource, 'kind' | 'document' | 'target' | 'unknown'>, region: string, set: unknown, name: unknown, destination: Record<string, unknown>): void {
    const document = { ConfigurationSetName: set, EventDestinationName: name, EventDestination: { Name: name, ...destination } };
    this.#resources.push({ ...at, kind: 'event-destination', document, target: { region }, unknown: unknownsIn(document) });
  }

  #pushPolicy(
    at: Omit<IacResource, 'kind' | 'document' | 'target' | 'unknown'>,
    policy: unknown,
    principals: Array<string | UnknownValue>,
    source: string,
    container: IacTarget['container'] | 'aws-managed',
  ): void {
    const read = policyDocumentOf(policy, 'policy');
    const unknown = [...principals.filter((p): p is UnknownValue => p instanceof UnknownValue).map((p) => `principal: ${p.why}`), ...('unknown' in read ? [read.unknown] : [])];
    this.#resources.push({
      ...at,
      kind: 'iam-policy',
      document: 'document' in read ? read.document : {},
      target: {
        resource: source,
        region: this.options.region,
        principals: principals.filter((p): p is string => typeof p === 'string'),
        ...(container === 'aws-managed' ? { awsManaged: true as const } : container !== undefined && { container }),
      },
      unknown,
    });
  }

  /** The customer policy of this plan a policy ARN (or the reference behind an unknown one) names. */
  #planPolicy(change: ResourceChange, expressions: Record<string, unknown> | undefined, arn: unknown): { address: string; policy: unknown } | undefined {
    const candidates = this.changes.filter((c) => c.type === 'aws_iam_policy' && moduleOf(c) === moduleOf(change));
    if (typeof arn === 'string') {
      const byArn = candidates.find((c) => isRecord(c.change.after) && c.change.after['arn'] === arn);
      if (byArn && isRecord(byArn.change.after)) return { address: byArn.address, policy: byArn.change.after['policy'] };
    }
    for (const reference of referencesOf(expressions, ['policy_arn'])) {
      const match = /^aws_iam_policy\.([^.[\]]+)/.exec(reference);
      const found = match ? candidates.find((c) => c.name === match[1]) : undefined;
      if (found && isRecord(found.change.after)) return { address: found.address, policy: found.change.after['policy'] };
    }
    return undefined;
  }

  #attachment(at: Omit<IacResource, 'kind' | 'document' | 'target' | 'unknown'>, change: ResourceChange, expressions: Record<string, unknown> | undefined, arn: unknown, principals: Array<string | UnknownValue>): void {
    const own = this.#planPolicy(change, expressions, arn);
    if (own) return this.#pushPolicy(at, own.policy, principals, own.address, 'managed');
    if (typeof arn === 'string' && isAwsManagedPolicyArn(arn)) {
      const managed = awsManagedPolicy(arn);
      if (managed.kind === 'nothing-in-ses') {
        this.#skipped.push({ address: at.address, type: at.type, reason: managed.reason });
        return;
      }
      if (managed.kind === 'document') return this.#pushPolicy(at, managed.document, principals, arn, 'aws-managed');
      return this.#pushPolicy(at, new UnknownValue(managed.reason), principals, arn, 'aws-managed');
    }
    const why = arn instanceof UnknownValue ? arn.why : typeof arn === 'string' ? `${arn} is neither an AWS managed policy nor a policy of this plan; its document is unknown offline` : 'policy_arn is not set';
    this.#pushPolicy(at, new UnknownValue(why), principals, typeof arn === 'string' ? arn : at.address, 'managed');
  }
}

/** aws_ses_event_destination (SES v1 shape) as the check input's destination members. */
function v1Destination(values: Record<string, unknown>): Record<string, unknown> {
  const sns = block(values['sns_destination']);
  const kinesis = block(values['kinesis_destination']);
  const cloudwatch = Array.isArray(values['cloudwatch_destination']) ? values['cloudwatch_destination'].filter(isRecord) : [];
  return {
    Enabled: values['enabled'] ?? false,
    MatchingEventTypes: values['matching_types'] ?? [],
    ...(sns && { SnsDestination: { TopicArn: sns['topic_arn'] } }),
    ...(kinesis && { KinesisFirehoseDestination: { DeliveryStreamArn: kinesis['stream_arn'], IamRoleArn: kinesis['role_arn'] } }),
    ...(cloudwatch.length > 0 && {
      CloudWatchDestination: {
        DimensionConfigurations: cloudwatch.map((d) => ({ DimensionName: d['dimension_name'], DimensionValueSource: d['value_source'], DefaultDimensionValue: d['default_value'] })),
      },
    }),
  };
}

/** aws_sesv2_configuration_set_event_destination's event_destination block as the check input's destination members. */
function v2Destination(values: Record<string, unknown>): Record<string, unknown> {
  const sns = block(values['sns_destination']);
  const firehose = block(values['kinesis_firehose_destination']);
  const bus = block(values['event_bridge_destination']);
  const pinpoint = block(values['pinpoint_destination']);
  const cloudwatch = block(values['cloud_watch_destination']);
  const dimensions = cloudwatch && Array.isArray(cloudwatch['dimension_configuration']) ? cloudwatch['dimension_configuration'].filter(isRecord) : [];
  return {
    // The provider's default for `enabled` is false; an absent value in a plan is what SES will hold.
    Enabled: values['enabled'] ?? false,
    MatchingEventTypes: values['matching_event_types'] ?? [],
    ...(sns && { SnsDestination: { TopicArn: sns['topic_arn'] } }),
    ...(firehose && { KinesisFirehoseDestination: { DeliveryStreamArn: firehose['delivery_stream_arn'], IamRoleArn: firehose['iam_role_arn'] } }),
    ...(bus && { EventBridgeDestination: { EventBusArn: bus['event_bus_arn'] } }),
    ...(pinpoint && { PinpointDestination: { ApplicationArn: pinpoint['application_arn'] } }),
    ...(cloudwatch && {
      CloudWatchDestination: {
        DimensionConfigurations: dimensions.map((d) => ({ DimensionName: d['dimension_name'], DimensionValueSource: d['dimension_value_source'], DefaultDimensionValue: d['default_dimension_value'] })),
      },
    }),
  };
}
