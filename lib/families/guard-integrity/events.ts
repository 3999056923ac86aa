import { z } from 'zod';
import { hasGuardPrefix, parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import type { GuardIntegrityChange } from './types.ts';

/**
 * GUARD-001: calls that can blind or disarm the guard. An attacker's first move is to stop the alarm,
 * so every one of these on a guard resource (and any change to CloudTrail logging, whatever the trail:
 * the guard sees nothing CloudTrail does not record) becomes a critical alert.
 */

type ResourceType = GuardIntegrityChange['resourceType'];

interface Described {
  /** The resource as the event names it (GuardIntegrityChange.resourceName). */
  resourceName: string;
  /** The name checked against the guard prefix; null when every resource of the type matters. */
  guardName: string | null;
  effect: string;
}

function guardEvent<T>(
  eventSource: string,
  eventName: string,
  resourceType: ResourceType,
  schema: z.ZodType<T>,
  describe: (params: T) => Described,
): EventParser<GuardIntegrityChange> {
  return {
    eventSource,
    eventName,
    family: 'guard-integrity',
    parse(ctx: ParseContext): ParserResult<GuardIntegrityChange> {
      const p = parseParameters(schema, ctx);
      if (!p.ok) return p.skip;
      const d = describe(p.value);
      if (d.guardName !== null && !hasGuardPrefix(d.guardName, ctx.options.guardResourcePrefix)) {
        return { notMine: `${eventName} on ${resourceType} ${d.guardName}, which is not a guard resource (guard names start with "${ctx.options.guardResourcePrefix}")` };
      }
      const change: GuardIntegrityChange = { ...ctx.base, family: 'guard-integrity', resourceType, resourceName: d.resourceName, effect: d.effect };
      return change;
    },
  };
}

const name = z.string().min(1);

/** `arn:...:<type>:name[:qualifier]`, `account:function:name` or a bare name -> the name. */
export function lambdaFunctionName(functionName: string): string {
  const marker = ':function:';
  const at = functionName.indexOf(marker);
  const rest = at >= 0 ? functionName.slice(at + marker.length) : functionName;
  return rest.split(':')[0] ?? rest;
}

/** `arn:aws:sns:us-east-1:111122223333:topic` -> `topic`. */
function lastSegment(arnOrName: string, separator: string): string {
  const parts = arnOrName.split(separator);
  return parts[parts.length - 1] ?? arnOrName;
}

/** A subscription ARN is its topic's ARN plus `:<subscription-id>`. */
export function topicOfSubscription(subscriptionArn: string): string {
  const parts = subscriptionArn.split(':');
  return parts.length >= 7 ? parts.slice(0, 6).join(':') : subscriptionArn;
}

const EVENTS = 'events.amazonaws.com';
const LAMBDA = 'lambda.amazonaws.com';
const SNS = 'sns.amazonaws.com';
const IAM = 'iam.amazonaws.com';
const DYNAMODB = 'dynamodb.amazonaws.com';
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

function rule(ruleName: string, effect: string): Described {
  return { resourceName: ruleName, guardName: ruleName, effect };
}

/** https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html */
const EVENTS_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(EVENTS, 'DisableRule', 'events-rule', z.object({ name }), (p) =>
    rule(p.name, `disables the guard's EventBridge rule ${p.name}, so its changes stop reaching the guard`),
  ),
  guardEvent(EVENTS, 'DeleteRule', 'events-rule', z.object({ name }), (p) =>
    rule(p.name, `deletes the guard's EventBridge rule ${p.name}, so its changes stop reaching the guard`),
  ),
  guardEvent(EVENTS, 'PutRule', 'events-rule', z.object({ name, state: z.string().optional() }), (p) =>
    rule(
      p.name,
      p.state === 'DISABLED'
        ? `redefines and disables the guard's EventBridge rule ${p.name}`
        : `redefines the guard's EventBridge rule ${p.name}; its pattern may no longer match the events the guard needs`,
    ),
  ),
  guardEvent(EVENTS, 'RemoveTargets', 'events-rule', z.object({ rule: name, ids: z.array(z.string()).optional() }), (p) =>
    rule(p.rule, `removes target${p.ids && p.ids.length > 0 ? ` ${p.ids.join(', ')}` : 's'} from the guard's EventBridge rule ${p.rule}, so matched events may reach no function`),
  ),
  guardEvent(EVENTS, 'PutTargets', 'events-rule', z.object({ rule: name }), (p) =>
    rule(p.rule, `changes the targets of the guard's EventBridge rule ${p.rule}; matched events may be rerouted away from the guard`),
  ),
];

function fn(functionName: string, effect: (n: string) => string): Described {
  const n = lambdaFunctionName(functionName);
  return { resourceName: n, guardName: n, effect: effect(n) };
}

const FunctionParams = z.object({ functionName: name });

/**
 * Lambda's CloudTrail event names carry the API version (`UpdateFunctionCode20150331v2`).
 * https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html
 */
const LAMBDA_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(LAMBDA, 'DeleteFunction20150331', 'lambda-function', FunctionParams, (p) =>
    fn(p.functionName, (n) => `deletes the guard's Lambda function ${n}`),
  ),
  guardEvent(LAMBDA, 'UpdateFunctionCode20150331v2', 'lambda-function', FunctionParams, (p) =>
    fn(p.functionName, (n) => `replaces the code of the guard's Lambda function ${n}`),
  ),
  guardEvent(LAMBDA, 'UpdateFunctionConfiguration20150331v2', 'lambda-function', FunctionParams, (p) =>
    fn(p.functionName, (n) => `changes the configuration (role, environment, timeout, layers) of the guard's Lambda function ${n}`),
  ),
  guardEvent(
    LAMBDA,
    'PutFunctionConcurrency20171031',
    'lambda-function',
    z.object({ functionName: name, reservedConcurrentExecutions: z.number().int().nonnegative().optional() }),
    (p) =>
      fn(p.functionName, (n) =>
        p.reservedConcurrentExecutions === 0
          ? `sets the reserved concurrency of the guard's Lambda function ${n} to 0, so it can never run`
          : `sets the reserved concurrency of the guard's Lambda function ${n} to ${p.reservedConcurrentExecutions ?? 'a new value'}, which may throttle it`,
      ),
  ),
  guardEvent(LAMBDA, 'RemovePermission20150331v2', 'lambda-function', z.object({ functionName: name, statementId: z.string().optional() }), (p) =>
    fn(
      p.functionName,
      (n) => `removes permission ${p.statementId ?? '(unnamed)'} from the guard's Lambda function ${n}, so EventBridge may no longer invoke it`,
    ),
  ),
];

function topic(topicArn: string, effect: string): Described {
  return { resourceName: topicArn, guardName: lastSegment(topicArn, ':'), effect };
}

/** https://docs.aws.amazon.com/sns/latest/dg/sns-logging-using-cloudtrail.html */
const SNS_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(SNS, 'DeleteTopic', 'sns-topic', z.object({ topicArn: name }), (p) =>
    topic(p.topicArn, `deletes the guard's alert topic ${p.topicArn}, so no alert is delivered`),
  ),
  guardEvent(SNS, 'Unsubscribe', 'sns-topic', z.object({ subscriptionArn: name }), (p) => {
    const topicArn = topicOfSubscription(p.subscriptionArn);
    return topic(topicArn, `removes subscription ${p.subscriptionArn} from the guard's alert topic ${topicArn}, so its alerts may reach no one`);
  }),
  guardEvent(SNS, 'SetTopicAttributes', 'sns-topic', z.object({ topicArn: name, attributeName: z.string().optional() }), (p) =>
    topic(p.topicArn, `changes attribute ${p.attributeName ?? '(unnamed)'} of the guard's alert topic ${p.topicArn}`),
  ),
  guardEvent(SNS, 'RemovePermission', 'sns-topic', z.object({ topicArn: name, label: z.string().optional() }), (p) =>
    topic(p.topicArn, `removes permission ${p.label ?? '(unnamed)'} from the guard's alert topic ${p.topicArn}`),
  ),
];

function role(roleName: string, effect: string): Described {
  return { resourceName: roleName, guardName: roleName, effect };
}

/** The guard's roles. PutRolePolicy and AttachRolePolicy are shared with iam-grant, routed by role name. */
const IAM_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(IAM, 'DeleteRole', 'iam-role', z.object({ roleName: name }), (p) => role(p.roleName, `deletes the guard's IAM role ${p.roleName}`)),
  guardEvent(IAM, 'DeleteRolePolicy', 'iam-role', z.object({ roleName: name, policyName: name }), (p) =>
    role(p.roleName, `deletes inline policy ${p.policyName} from the guard's IAM role ${p.roleName}`),
  ),
  guardEvent(IAM, 'PutRolePolicy', 'iam-role', z.object({ roleName: name, policyName: name }), (p) =>
    role(p.roleName, `writes inline policy ${p.policyName} on the guard's IAM role ${p.roleName}`),
  ),
  guardEvent(IAM, 'AttachRolePolicy', 'iam-role', z.object({ roleName: name, policyArn: name }), (p) =>
    role(p.roleName, `attaches managed policy ${p.policyArn} to the guard's IAM role ${p.roleName}`),
  ),
  guardEvent(IAM, 'DetachRolePolicy', 'iam-role', z.object({ roleName: name, policyArn: name }), (p) =>
    role(p.roleName, `detaches managed policy ${p.policyArn} from the guard's IAM role ${p.roleName}`),
  ),
  guardEvent(IAM, 'UpdateAssumeRolePolicy', 'iam-role', z.object({ roleName: name }), (p) =>
    role(p.roleName, `replaces the trust policy of the guard's IAM role ${p.roleName}, changing who may assume it`),
  ),
];

function table(tableName: string, effect: (n: string) => string): Described {
  const n = lastSegment(tableName, '/');
  return { resourceName: n, guardName: n, effect: effect(n) };
}

/** Table names may be given as ARNs (`arn:aws:dynamodb:...:table/<name>`). */
const DYNAMODB_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(DYNAMODB, 'DeleteTable', 'dynamodb-table', z.object({ tableName: name }), (p) =>
    table(p.tableName, (n) => `deletes the guard's DynamoDB table ${n} (last-known-good baselines or idempotency records)`),
  ),
  guardEvent(DYNAMODB, 'UpdateTable', 'dynamodb-table', z.object({ tableName: name }), (p) =>
    table(p.tableName, (n) => `changes the guard's DynamoDB table ${n}`),
  ),
];

function trail(trailName: string, effect: string): Described {
  return { resourceName: trailName, guardName: null, effect };
}

/** Any trail: the guard's events come from CloudTrail, whichever trail records them. */
const CLOUDTRAIL_PARSERS: EventParser<GuardIntegrityChange>[] = [
  guardEvent(CLOUDTRAIL, 'StopLogging', 'cloudtrail', z.object({ name }), (p) =>
    trail(p.name, `stops logging on CloudTrail trail ${p.name}; changes it recorded no longer reach the guard`),
  ),
  guardEvent(CLOUDTRAIL, 'DeleteTrail', 'cloudtrail', z.object({ name }), (p) => trail(p.name, `deletes CloudTrail trail ${p.name}`)),
  guardEvent(CLOUDTRAIL, 'UpdateTrail', 'cloudtrail', z.object({ name }), (p) =>
    trail(p.name, `changes CloudTrail trail ${p.name} (regions, destination or management events may no longer be recorded)`),
  ),
  guardEvent(CLOUDTRAIL, 'PutEventSelectors', 'cloudtrail', z.object({ trailName: name }), (p) =>
    trail(p.trailName, `changes which events CloudTrail trail ${p.trailName} records; management events may be excluded`),
  ),
];

export const GUARD_INTEGRITY_EVENTS: readonly EventParser<GuardIntegrityChange>[] = [
  ...EVENTS_PARSERS,
  ...LAMBDA_PARSERS,
  ...SNS_PARSERS,
  ...IAM_PARSERS,
  ...DYNAMODB_PARSERS,
  ...CLOUDTRAIL_PARSERS,
];
