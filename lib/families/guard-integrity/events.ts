import * as z from '../../zod.ts';
import { parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import type { GuardIntegrityChange, QuarantineUndone } from './types.ts';
import {
  isGuardKey,
  isGuardName,
  isGuardPolicy,
  lambdaFunctionName,
  lastSegment,
  queueName,
  roleStanding,
  topicOfSubscription,
  type RoleStanding,
} from './guard-resources.ts';
import { isRevokeSessionsDocument } from '../../remediation/quarantine/revoke-sessions.ts';
import { isPerimeterDenyArn } from '../../remediation/quarantine/perimeter-deny.ts';

/**
 * GUARD-001: calls that can blind, mute or disarm the guard. An attacker's first move is to stop the
 * alarm, so every one of these on a guard resource (and any change to CloudTrail logging, whatever the
 * trail: the guard sees nothing CloudTrail does not record) becomes a critical alert, whoever made it.
 * The EventBridge patterns match the calls, not the names (names come as ARNs, URLs or lists): the
 * parser decides what is the guard's and declines the rest.
 */

type ResourceType = GuardIntegrityChange['resourceType'];

interface Described {
  /** The resource as the event names it (GuardIntegrityChange.resourceName). */
  resourceName: string;
  effect: string;
  quarantineUndone?: QuarantineUndone;
}

/** `string`: the call is not on a guard resource, and why (the parser's notMine). */
type Description = Described | string;

/** What GUARD-001 watches, row by row, for the README's coverage table (scripts/deploy/write-docs.ts). */
export interface GuardCoverageRow {
  eventSource: string;
  eventName: string;
  resourceType: ResourceType;
}
const coverage: GuardCoverageRow[] = [];

function guardEvent<T>(
  eventSource: string,
  eventName: string,
  resourceType: ResourceType,
  schemaOf: () => z.ZodMiniType<T>,
  describe: (params: T, ctx: ParseContext) => Description,
): EventParser<GuardIntegrityChange> {
  coverage.push({ eventSource, eventName, resourceType });
  // Built on the parser's first event: a cold start parses one kind of call, not the 56 GUARD-001 watches.
  let schema: z.ZodMiniType<T> | undefined;
  return {
    eventSource,
    eventName,
    family: 'guard-integrity',
    parse(ctx: ParseContext): ParserResult<GuardIntegrityChange> {
      schema ??= schemaOf();
      const p = parseParameters(schema, ctx);
      if (!p.ok) return p.skip;
      const d = describe(p.value, ctx);
      if (typeof d === 'string') return { notMine: `${eventName}: ${d}` };
      const change: GuardIntegrityChange = {
        ...ctx.base,
        family: 'guard-integrity',
        resourceType,
        resourceName: d.resourceName,
        effect: d.effect,
        ...(d.quarantineUndone && { quarantineUndone: d.quarantineUndone }),
      };
      return change;
    },
  };
}

const name = z.string().check(z.minLength(1));

/** A resource named by the template: the guard's when its name carries the prefix. */
function named(resourceName: string, checked: string, what: string, effect: string, ctx: ParseContext): Description {
  if (!isGuardName(checked, ctx.options)) return `${what} ${checked} is not a guard resource (guard names start with "${ctx.options.guardResourcePrefix}")`;
  return { resourceName, effect };
}

const EVENTS = 'events.amazonaws.com';
const SCHEDULER = 'scheduler.amazonaws.com';
const STATES = 'states.amazonaws.com';
const LAMBDA = 'lambda.amazonaws.com';
const SNS = 'sns.amazonaws.com';
const KMS = 'kms.amazonaws.com';
const MONITORING = 'monitoring.amazonaws.com';
const SQS = 'sqs.amazonaws.com';
const IAM = 'iam.amazonaws.com';
const DYNAMODB = 'dynamodb.amazonaws.com';
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

/** https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html */
const EVENTS_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(EVENTS, 'DisableRule', 'events-rule', () => z.object({ name }), (p, ctx) =>
    named(p.name, p.name, 'rule', `disables the guard's EventBridge rule ${p.name}, so its changes (or its schedule) stop reaching the guard`, ctx),
  ),
  guardEvent(EVENTS, 'DeleteRule', 'events-rule', () => z.object({ name }), (p, ctx) =>
    named(p.name, p.name, 'rule', `deletes the guard's EventBridge rule ${p.name}, so its changes (or its schedule) stop reaching the guard`, ctx),
  ),
  guardEvent(EVENTS, 'PutRule', 'events-rule', () => z.object({ name, state: z.optional(z.string()) }), (p, ctx) =>
    named(
      p.name,
      p.name,
      'rule',
      p.state === 'DISABLED'
        ? `redefines and disables the guard's EventBridge rule ${p.name}`
        : `redefines the guard's EventBridge rule ${p.name}; its pattern or schedule may no longer match what the guard needs`,
      ctx,
    ),
  ),
  guardEvent(EVENTS, 'RemoveTargets', 'events-rule', () => z.object({ rule: name, ids: z.optional(z.array(z.string())) }), (p, ctx) =>
    named(p.rule, p.rule, 'rule', `removes target${p.ids && p.ids.length > 0 ? ` ${p.ids.join(', ')}` : 's'} from the guard's EventBridge rule ${p.rule}, so matched events may reach no function`, ctx),
  ),
  guardEvent(EVENTS, 'PutTargets', 'events-rule', () => z.object({ rule: name }), (p, ctx) =>
    named(p.rule, p.rule, 'rule', `changes the targets of the guard's EventBridge rule ${p.rule}; matched events may be rerouted away from the guard`, ctx),
  ),
];

/**
 * The sweep's schedule (EventBridge Scheduler, `sesguard-<stage>-sweep`): disabling or deleting it stops
 * the sweep that catches whatever an event missed. UpdateSchedule restates the whole schedule.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_UpdateSchedule.html
 */
const SCHEDULER_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(SCHEDULER, 'UpdateSchedule', 'scheduler-schedule', () => z.object({ name, groupName: z.optional(z.string()), state: z.optional(z.string()) }), (p, ctx) =>
    named(
      p.name,
      p.name,
      'schedule',
      p.state === 'DISABLED'
        ? `disables the guard's schedule ${p.name}, so the sweep no longer runs`
        : `redefines the guard's schedule ${p.name}; its target, rate or role may no longer run the sweep`,
      ctx,
    ),
  ),
  guardEvent(SCHEDULER, 'DeleteSchedule', 'scheduler-schedule', () => z.object({ name, groupName: z.optional(z.string()) }), (p, ctx) =>
    named(p.name, p.name, 'schedule', `deletes the guard's schedule ${p.name}, so the sweep no longer runs`, ctx),
  ),
];

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` or `...:execution:<name>:<execution>` -> `<name>`. */
export function stateMachineName(arn: string): string {
  const parts = arn.split(':');
  return parts[6] ?? arn;
}

/**
 * The sweep's Step Functions loop (`sesguard-<stage>-sweep`): stopping its execution ends the sweep that is
 * running, redefining or deleting the state machine ends every later one.
 * https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cloud-trail.html
 */
const STATES_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(STATES, 'StopExecution', 'state-machine', () => z.object({ executionArn: name }), (p, ctx) => {
    const machine = stateMachineName(p.executionArn);
    return named(p.executionArn, machine, 'state machine', `stops the running sweep ${p.executionArn}, so what it had not reached yet is not judged this round`, ctx);
  }),
  guardEvent(STATES, 'UpdateStateMachine', 'state-machine', () => z.object({ stateMachineArn: name }), (p, ctx) =>
    named(p.stateMachineArn, stateMachineName(p.stateMachineArn), 'state machine', `redefines the guard's sweep state machine ${p.stateMachineArn}; it may no longer run the sweep`, ctx),
  ),
  guardEvent(STATES, 'DeleteStateMachine', 'state-machine', () => z.object({ stateMachineArn: name }), (p, ctx) =>
    named(p.stateMachineArn, stateMachineName(p.stateMachineArn), 'state machine', `deletes the guard's sweep state machine ${p.stateMachineArn}, so the sweep no longer runs`, ctx),
  ),
];

function fn(functionName: string, effect: (n: string) => string, ctx: ParseContext): Description {
  const n = lambdaFunctionName(functionName);
  return named(n, n, 'function', effect(n), ctx);
}

const FunctionParams = z.object({ functionName: name });
const EventInvokeConfigParams = z.object({
  functionName: name,
  maximumRetryAttempts: z.optional(z.number().check(z.int())),
  maximumEventAgeInSeconds: z.optional(z.number().check(z.int())),
  destinationConfig: z.optional(z.object({ onFailure: z.optional(z.object({ destination: z.optional(z.string()) })) })),
});

function invokeConfigEffect(verb: string, p: z.infer<typeof EventInvokeConfigParams>, n: string): string {
  const parts = [
    p.maximumRetryAttempts !== undefined && `${p.maximumRetryAttempts} retries`,
    p.maximumEventAgeInSeconds !== undefined && `events dropped after ${p.maximumEventAgeInSeconds} s`,
    p.destinationConfig?.onFailure?.destination !== undefined && `failed events sent to ${p.destinationConfig.onFailure.destination}`,
  ].filter((s): s is string => typeof s === 'string');
  return `${verb} the asynchronous invocation settings of the guard's Lambda function ${n}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}: failed events may be dropped or leave the dead-letter queue`;
}

/**
 * Lambda's CloudTrail event names carry the API version (`UpdateFunctionCode20150331v2`), except the
 * event-invoke-config calls, which the Lambda guide lists under their API names.
 * https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html
 */
const LAMBDA_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(LAMBDA, 'DeleteFunction20150331', 'lambda-function', () => FunctionParams, (p, ctx) => fn(p.functionName, (n) => `deletes the guard's Lambda function ${n}`, ctx)),
  guardEvent(LAMBDA, 'UpdateFunctionCode20150331v2', 'lambda-function', () => FunctionParams, (p, ctx) =>
    fn(p.functionName, (n) => `replaces the code of the guard's Lambda function ${n}`, ctx),
  ),
  guardEvent(LAMBDA, 'UpdateFunctionConfiguration20150331v2', 'lambda-function', () => FunctionParams, (p, ctx) =>
    fn(p.functionName, (n) => `changes the configuration (role, environment, timeout, layers) of the guard's Lambda function ${n}`, ctx),
  ),
  guardEvent(
    LAMBDA,
    'PutFunctionConcurrency20171031',
    'lambda-function',
    () => z.object({ functionName: name, reservedConcurrentExecutions: z.optional(z.number().check(z.int(), z.nonnegative())) }),
    (p, ctx) =>
      fn(
        p.functionName,
        (n) =>
          p.reservedConcurrentExecutions === 0
            ? `sets the reserved concurrency of the guard's Lambda function ${n} to 0, so it can never run`
            : `sets the reserved concurrency of the guard's Lambda function ${n} to ${p.reservedConcurrentExecutions ?? 'a new value'}, which may throttle it`,
        ctx,
      ),
  ),
  guardEvent(LAMBDA, 'DeleteFunctionConcurrency20171031', 'lambda-function', () => FunctionParams, (p, ctx) =>
    fn(p.functionName, (n) => `removes the reserved concurrency of the guard's Lambda function ${n}, so other functions can starve it of capacity`, ctx),
  ),
  guardEvent(LAMBDA, 'PutFunctionEventInvokeConfig', 'lambda-function', () => EventInvokeConfigParams, (p, ctx) =>
    fn(p.functionName, (n) => invokeConfigEffect('replaces', p, n), ctx),
  ),
  guardEvent(LAMBDA, 'UpdateFunctionEventInvokeConfig', 'lambda-function', () => EventInvokeConfigParams, (p, ctx) =>
    fn(p.functionName, (n) => invokeConfigEffect('changes', p, n), ctx),
  ),
  guardEvent(LAMBDA, 'DeleteFunctionEventInvokeConfig', 'lambda-function', () => FunctionParams, (p, ctx) =>
    fn(p.functionName, (n) => `deletes the asynchronous invocation settings of the guard's Lambda function ${n}, so its failed events no longer reach the dead-letter queue`, ctx),
  ),
  guardEvent(LAMBDA, 'RemovePermission20150331v2', 'lambda-function', () => z.object({ functionName: name, statementId: z.optional(z.string()) }), (p, ctx) =>
    fn(p.functionName, (n) => `removes permission ${p.statementId ?? '(unnamed)'} from the guard's Lambda function ${n}, so EventBridge may no longer invoke it`, ctx),
  ),
];

function topic(topicArn: string, effect: string, ctx: ParseContext): Description {
  return named(topicArn, lastSegment(topicArn, ':'), 'topic', effect, ctx);
}

/** https://docs.aws.amazon.com/sns/latest/dg/sns-logging-using-cloudtrail.html */
const SNS_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(SNS, 'DeleteTopic', 'sns-topic', () => z.object({ topicArn: name }), (p, ctx) => topic(p.topicArn, `deletes the guard's alert topic ${p.topicArn}, so no alert is delivered`, ctx)),
  guardEvent(SNS, 'Unsubscribe', 'sns-topic', () => z.object({ subscriptionArn: name }), (p, ctx) => {
    const topicArn = topicOfSubscription(p.subscriptionArn);
    return topic(topicArn, `removes subscription ${p.subscriptionArn} from the guard's alert topic ${topicArn}, so its alerts may reach no one`, ctx);
  }),
  guardEvent(
    SNS,
    'SetSubscriptionAttributes',
    'sns-topic',
    () => z.object({ subscriptionArn: name, attributeName: z.optional(z.string()), attributeValue: z.nullish(z.string()) }),
    (p, ctx) => {
      const topicArn = topicOfSubscription(p.subscriptionArn);
      const what = p.attributeName === 'FilterPolicy' || p.attributeName === 'FilterPolicyScope' ? ' (a filter policy can drop every alert)' : '';
      return topic(topicArn, `changes attribute ${p.attributeName ?? '(unnamed)'} of subscription ${p.subscriptionArn} to the guard's alert topic${what}`, ctx);
    },
  ),
  guardEvent(SNS, 'SetTopicAttributes', 'sns-topic', () => z.object({ topicArn: name, attributeName: z.optional(z.string()), attributeValue: z.nullish(z.string()) }), (p, ctx) =>
    topic(
      p.topicArn,
      p.attributeName === 'KmsMasterKeyId'
        ? `changes the encryption key of the guard's alert topic ${p.topicArn} to ${p.attributeValue ?? '(none)'}; CloudWatch alarms cannot publish to a topic whose key policy does not let them`
        : `changes attribute ${p.attributeName ?? '(unnamed)'} of the guard's alert topic ${p.topicArn}`,
      ctx,
    ),
  ),
  guardEvent(SNS, 'RemovePermission', 'sns-topic', () => z.object({ topicArn: name, label: z.optional(z.string()) }), (p, ctx) =>
    topic(p.topicArn, `removes permission ${p.label ?? '(unnamed)'} from the guard's alert topic ${p.topicArn}`, ctx),
  ),
  guardEvent(SNS, 'AddPermission', 'sns-topic', () => z.object({ topicArn: name, label: z.optional(z.string()) }), (p, ctx) =>
    topic(p.topicArn, `adds permission ${p.label ?? '(unnamed)'} to the guard's alert topic ${p.topicArn}; whoever it names may publish forged alerts`, ctx),
  ),
];

const KeyParams = z.object({ keyId: name });

/** The key ids/ARNs an event names: the request's, the response's (an ARN since December 2022) and `resources`. */
function keyCandidates(requested: string, ctx: ParseContext): string[] {
  const response = z.object({ keyId: z.optional(z.string()) }).safeParse(ctx.record.responseElements ?? {});
  return [requested, ...(response.success && response.data.keyId ? [response.data.keyId] : []), ...(ctx.record.resources ?? []).flatMap((r) => (r.ARN ? [r.ARN] : []))];
}

function key(requested: string, effect: string, ctx: ParseContext): Description {
  if (!isGuardKey(keyCandidates(requested, ctx), ctx.options)) return `key ${requested} is not the guard's alert key`;
  return { resourceName: keyCandidates(requested, ctx).find((k) => k.startsWith('arn:')) ?? requested, effect };
}

const ALIAS = 'alias/';

/**
 * The alert topic's key (the DLQ and error alarms publish to the same topic, so a disabled key also
 * silences the alarm that would report the guard failing). https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
 */
const KMS_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(KMS, 'DisableKey', 'kms-key', () => KeyParams, (p, ctx) =>
    key(p.keyId, `disables the guard's alert key ${p.keyId}: the alert topic can no longer deliver anything, the guard's failure alarms included`, ctx),
  ),
  guardEvent(KMS, 'ScheduleKeyDeletion', 'kms-key', () => z.extend(KeyParams, { pendingWindowInDays: z.optional(z.number().check(z.int())) }), (p, ctx) =>
    key(p.keyId, `schedules the guard's alert key ${p.keyId} for deletion${p.pendingWindowInDays !== undefined ? ` in ${p.pendingWindowInDays} days` : ''}: from now on the alert topic cannot deliver (the key is unusable while pending deletion)`, ctx),
  ),
  guardEvent(KMS, 'PutKeyPolicy', 'kms-key', () => z.extend(KeyParams, { policyName: z.optional(z.string()) }), (p, ctx) =>
    key(p.keyId, `replaces the key policy of the guard's alert key ${p.keyId}; if CloudWatch or SNS may no longer use the key, alarms and alerts fail silently`, ctx),
  ),
  guardEvent(KMS, 'UpdateAlias', 'kms-key', () => z.object({ aliasName: name, targetKeyId: z.optional(z.string()) }), (p, ctx) =>
    named(p.aliasName, p.aliasName.startsWith(ALIAS) ? p.aliasName.slice(ALIAS.length) : p.aliasName, 'alias', `points the guard's key alias ${p.aliasName} at another key (${p.targetKeyId ?? 'unknown'})`, ctx),
  ),
  guardEvent(KMS, 'DeleteAlias', 'kms-key', () => z.object({ aliasName: name }), (p, ctx) =>
    named(p.aliasName, p.aliasName.startsWith(ALIAS) ? p.aliasName.slice(ALIAS.length) : p.aliasName, 'alias', `deletes the guard's key alias ${p.aliasName}`, ctx),
  ),
];

const AlarmNames = z.object({ alarmNames: z.array(name).check(z.minLength(1)) });

function alarms(names: readonly string[], effect: (guard: string[]) => string, ctx: ParseContext): Description {
  // One call can name up to 100 alarms: it is the guard's when any of them is.
  const guard = names.filter((n) => isGuardName(n, ctx.options));
  if (guard.length === 0) return `none of ${names.join(', ')} is a guard alarm`;
  return { resourceName: guard.join(', '), effect: effect(guard) };
}

/**
 * CloudWatch's CloudTrail events come from `monitoring.amazonaws.com` and reach EventBridge with source
 * `aws.monitoring` (not `aws.cloudwatch`, which carries the alarm state-change events).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-monitoring.html
 */
const MONITORING_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(MONITORING, 'DisableAlarmActions', 'cloudwatch-alarm', () => AlarmNames, (p, ctx) =>
    alarms(p.alarmNames, (g) => `disables the actions of the guard's alarm${g.length > 1 ? 's' : ''} ${g.join(', ')}, so a failing guard no longer alerts anyone`, ctx),
  ),
  guardEvent(MONITORING, 'DeleteAlarms', 'cloudwatch-alarm', () => AlarmNames, (p, ctx) =>
    alarms(p.alarmNames, (g) => `deletes the guard's alarm${g.length > 1 ? 's' : ''} ${g.join(', ')}, so a failing guard no longer alerts anyone`, ctx),
  ),
  guardEvent(MONITORING, 'PutMetricAlarm', 'cloudwatch-alarm', () => z.object({ alarmName: name }), (p, ctx) =>
    alarms([p.alarmName], (g) => `redefines the guard's alarm ${g.join(', ')}; its threshold or actions may no longer report a failing guard`, ctx),
  ),
];

function queue(queueUrl: string, effect: (n: string) => string, ctx: ParseContext): Description {
  const n = queueName(queueUrl);
  return named(n, n, 'queue', effect(n), ctx);
}

/** SQS records name the queue by its URL. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/logging-using-cloudtrail.html */
const SQS_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(SQS, 'DeleteQueue', 'sqs-queue', () => z.object({ queueUrl: name }), (p, ctx) =>
    queue(p.queueUrl, (n) => `deletes the guard's dead-letter queue ${n}: events the guard failed on are lost`, ctx),
  ),
  guardEvent(SQS, 'PurgeQueue', 'sqs-queue', () => z.object({ queueUrl: name }), (p, ctx) =>
    queue(p.queueUrl, (n) => `purges the guard's dead-letter queue ${n}: the events the guard failed on, the evidence of what it missed, are destroyed`, ctx),
  ),
  guardEvent(SQS, 'SetQueueAttributes', 'sqs-queue', () => z.object({ queueUrl: name, attributes: z.optional(z.record(z.string(), z.string())) }), (p, ctx) =>
    queue(p.queueUrl, (n) => `changes the guard's dead-letter queue ${n} (${Object.entries(p.attributes ?? {}).map(([k, v]) => `${k}=${v.length > 80 ? `${v.slice(0, 80)}…` : v}`).join(', ') || 'attributes'}); failed events may expire or be refused`, ctx),
  ),
];

function role(roleName: string, path: string | undefined, effect: (whose: string) => string, ctx: ParseContext): Description {
  const standing: RoleStanding = roleStanding(roleName, path, ctx.options);
  if (standing === undefined) return `role ${roleName} is not one of the guard's roles and is not named like them`;
  const whose =
    standing === 'guard'
      ? `the guard's IAM role ${roleName}`
      : `IAM role ${path && path !== '/' ? `${path}${roleName}` : roleName}, which is named like the guard's roles but is not one of them (a role posing as the guard)`;
  return { resourceName: roleName, effect: effect(whose) };
}

/**
 * Detaching one of the guard's policies undoes a repair: the quarantined principal may act again, or (the
 * perimeter-deny policy) the IAM grant it neutralised is in effect again — no iam-grant event says so.
 * Whoever it is detached from.
 */
function quarantineDetached(principalType: 'user' | 'role', principalName: string, policyArn: string): Described {
  const perimeterDeny = isPerimeterDenyArn(policyArn);
  return {
    resourceName: policyArn,
    effect: perimeterDeny
      ? `detaches the guard's perimeter-deny policy ${policyArn} from ${principalType} ${principalName}, undoing the repair of an IAM grant of SES perimeter actions`
      : `detaches the guard's quarantine policy ${policyArn} from ${principalType} ${principalName}, undoing a quarantine`,
    quarantineUndone: { principalType, principalName, policyArn },
  };
}

const RoleParams = z.object({ roleName: name });
const RolePolicyArn = z.object({ roleName: name, policyArn: name });

function isRevokeCutOff(document: unknown): boolean {
  return typeof document === 'string' ? isRevokeSessionsDocument(document) : isRevokeSessionsDocument(JSON.stringify(document ?? null));
}

/** The guard's roles (exact names) and roles posing as them; the guard's managed policies. */
const IAM_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(IAM, 'CreateRole', 'iam-role', () => z.object({ roleName: name, path: z.optional(z.string()) }), (p, ctx) =>
    role(p.roleName, p.path, (whose) => `creates ${whose}`, ctx),
  ),
  guardEvent(IAM, 'DeleteRole', 'iam-role', () => RoleParams, (p, ctx) => role(p.roleName, undefined, (whose) => `deletes ${whose}`, ctx)),
  guardEvent(IAM, 'DeleteRolePolicy', 'iam-role', () => z.object({ roleName: name, policyName: name }), (p, ctx) =>
    role(p.roleName, undefined, (whose) => `deletes inline policy ${p.policyName} from ${whose}`, ctx),
  ),
  guardEvent(IAM, 'PutRolePolicy', 'iam-role', () => z.object({ roleName: name, policyName: name }), (p, ctx) =>
    role(p.roleName, undefined, (whose) => `writes inline policy ${p.policyName} on ${whose}`, ctx),
  ),
  guardEvent(IAM, 'AttachRolePolicy', 'iam-role', () => RolePolicyArn, (p, ctx) => role(p.roleName, undefined, (whose) => `attaches managed policy ${p.policyArn} to ${whose}`, ctx)),
  guardEvent(IAM, 'DetachRolePolicy', 'iam-role', () => RolePolicyArn, (p, ctx) =>
    isGuardPolicy(p.policyArn, ctx.options)
      ? quarantineDetached('role', p.roleName, p.policyArn)
      : role(p.roleName, undefined, (whose) => `detaches managed policy ${p.policyArn} from ${whose}`, ctx),
  ),
  guardEvent(IAM, 'DetachUserPolicy', 'iam-policy', () => z.object({ userName: name, policyArn: name }), (p, ctx) =>
    isGuardPolicy(p.policyArn, ctx.options) ? quarantineDetached('user', p.userName, p.policyArn) : `${p.policyArn} is not one of the guard's policies`,
  ),
  // A group carries the perimeter-deny policy when a group's policy granted the perimeter to its members
  // (lib/families/iam-grant/perimeter-plan.ts); taking it off the group puts that grant back for every member.
  guardEvent(IAM, 'DetachGroupPolicy', 'iam-policy', () => z.object({ groupName: name, policyArn: name }), (p, ctx) =>
    isGuardPolicy(p.policyArn, ctx.options)
      ? { resourceName: p.policyArn, effect: `detaches the guard's policy ${p.policyArn} from group ${p.groupName}, undoing the repair of an IAM grant for every member; attach it again or repair the grant` }
      : `${p.policyArn} is not one of the guard's policies`,
  ),
  guardEvent(IAM, 'UpdateAssumeRolePolicy', 'iam-role', () => RoleParams, (p, ctx) =>
    role(p.roleName, undefined, (whose) => `replaces the trust policy of ${whose}, changing who may assume it`, ctx),
  ),
  guardEvent(IAM, 'PutRolePermissionsBoundary', 'iam-role', () => z.object({ roleName: name, permissionsBoundary: z.optional(z.string()) }), (p, ctx) =>
    role(p.roleName, undefined, (whose) => `sets permissions boundary ${p.permissionsBoundary ?? '(unnamed)'} on ${whose}, which can take away any permission the guard needs`, ctx),
  ),
  guardEvent(IAM, 'DeleteRolePermissionsBoundary', 'iam-role', () => RoleParams, (p, ctx) =>
    role(p.roleName, undefined, (whose) => `removes the permissions boundary of ${whose}`, ctx),
  ),
  guardEvent(IAM, 'CreatePolicyVersion', 'iam-policy', () => z.object({ policyArn: name, policyDocument: z.optional(z.unknown()) }), (p, ctx) => {
    if (!isGuardPolicy(p.policyArn, ctx.options)) return `${p.policyArn} is not one of the guard's policies`;
    // Advancing the revoke-sessions cut-off is how the guard revokes sessions; anything else in that
    // policy (an Allow, another condition) would turn a guard-owned attachable policy into a grant.
    if (isRevokeCutOff(p.policyDocument)) return `${p.policyArn} gets a new session cut-off, as the guard writes it`;
    return { resourceName: p.policyArn, effect: `rewrites the guard's policy ${p.policyArn} into something other than the guard's deny; every principal it is attached to gets the new document` };
  }),
  guardEvent(IAM, 'SetDefaultPolicyVersion', 'iam-policy', () => z.object({ policyArn: name, versionId: z.optional(z.string()) }), (p, ctx) =>
    isGuardPolicy(p.policyArn, ctx.options)
      ? { resourceName: p.policyArn, effect: `makes ${p.versionId ?? 'another version'} the default of the guard's policy ${p.policyArn}` }
      : `${p.policyArn} is not one of the guard's policies`,
  ),
  guardEvent(IAM, 'DeletePolicy', 'iam-policy', () => z.object({ policyArn: name }), (p, ctx) =>
    isGuardPolicy(p.policyArn, ctx.options) ? { resourceName: p.policyArn, effect: `deletes the guard's policy ${p.policyArn}, so nothing can be quarantined` } : `${p.policyArn} is not one of the guard's policies`,
  ),
];

function table(tableName: string, effect: (n: string) => string, ctx: ParseContext): Description {
  const n = lastSegment(tableName, '/');
  return named(n, n, 'table', effect(n), ctx);
}

/** Table names may be given as ARNs (`arn:aws:dynamodb:...:table/<name>`). */
const DYNAMODB_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(DYNAMODB, 'DeleteTable', 'dynamodb-table', () => z.object({ tableName: name }), (p, ctx) =>
    table(p.tableName, (n) => `deletes the guard's DynamoDB table ${n} (last-known-good baselines or idempotency records)`, ctx),
  ),
  guardEvent(DYNAMODB, 'UpdateTable', 'dynamodb-table', () => z.object({ tableName: name }), (p, ctx) => table(p.tableName, (n) => `changes the guard's DynamoDB table ${n}`, ctx)),
];

/** Any trail: the guard's events come from CloudTrail, whichever trail records them. */
const CLOUDTRAIL_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(CLOUDTRAIL, 'StopLogging', 'cloudtrail', () => z.object({ name }), (p) => ({
    resourceName: p.name,
    effect: `stops logging on CloudTrail trail ${p.name}; changes it recorded no longer reach the guard`,
  })),
  guardEvent(CLOUDTRAIL, 'DeleteTrail', 'cloudtrail', () => z.object({ name }), (p) => ({ resourceName: p.name, effect: `deletes CloudTrail trail ${p.name}` })),
  guardEvent(CLOUDTRAIL, 'UpdateTrail', 'cloudtrail', () => z.object({ name }), (p) => ({
    resourceName: p.name,
    effect: `changes CloudTrail trail ${p.name} (regions, destination or management events may no longer be recorded)`,
  })),
  guardEvent(CLOUDTRAIL, 'PutEventSelectors', 'cloudtrail', () => z.object({ trailName: name }), (p) => ({
    resourceName: p.trailName,
    effect: `changes which events CloudTrail trail ${p.trailName} records; management events may be excluded`,
  })),
];

export const GUARD_INTEGRITY_EVENTS: readonly EventParser<GuardIntegrityChange>[] = [
  ...EVENTS_PARSERS,
  ...SCHEDULER_PARSERS,
  ...STATES_PARSERS,
  ...LAMBDA_PARSERS,
  ...SNS_PARSERS,
  ...KMS_PARSERS,
  ...MONITORING_PARSERS,
  ...SQS_PARSERS,
  ...IAM_PARSERS,
  ...DYNAMODB_PARSERS,
  ...CLOUDTRAIL_PARSERS,
];

export const GUARD_INTEGRITY_COVERAGE: readonly GuardCoverageRow[] = coverage;
