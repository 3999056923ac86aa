import type { FamilyPatterns, RuleScope } from './event-patterns.ts';
import { logicalIdStem, type DeployedFunction } from './functions.ts';
import type { PolicyStatement, StackArns } from './iam-policy.ts';
import { revokeSessionsPolicyName } from '../../lib/remediation/quarantine/revoke-sessions.ts';
import { perimeterDenyPolicyName } from '../../lib/remediation/quarantine/perimeter-deny.ts';

/**
 * The CloudFormation resources that repeat per function: its role (least privilege, derived from its
 * bundle), its EventBridge rule(s) with retry policy and dead-letter queue, the permission for EventBridge
 * to invoke it, and its error alarm. serverless.yml includes the result; the shared resources (topic, key,
 * tables, queue, quarantine policy) are written out in serverless.yml itself.
 */

/** Names of resources serverless.yml declares and these reference. */
export const SHARED = {
  alertTopic: 'AlertTopic',
  alertKey: 'AlertKey',
  baselineTable: 'BaselineTable',
  idempotencyTable: 'IdempotencyTable',
  deadLetterQueue: 'DeadLetterQueue',
  isGlobalRegion: 'IsGlobalRegion',
  hasSlackNotifier: 'HasSlackNotifier',
} as const;

/** EventBridge retries a failed delivery with backoff for up to this long, then dead-letters the event. */
export const RULE_RETRY_POLICY = { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 } as const;

export interface FunctionResourcesInput {
  fn: DeployedFunction;
  /** `sesguard-<stage>-` */
  prefix: string;
  /** Patterns for guard functions; the notifier is subscribed to the topic instead. */
  patterns?: FamilyPatterns;
  /** Statements derived from the bundle's SDK commands. */
  statements: PolicyStatement[];
}

type Resource = { Type: string; Condition?: string; DependsOn?: string[]; Properties: Record<string, unknown> };

/** The CloudFormation condition a function's resources carry: IAM grants live only in the global stack. */
export function conditionOf(fn: DeployedFunction): string | undefined {
  if (fn.kind === 'notifier') return SHARED.hasSlackNotifier;
  // The sweep runs in every region's stack (IAM is swept only in the global one).
  if (fn.kind === 'sweep') return undefined;
  return fn.globalOnly ? SHARED.isGlobalRegion : undefined;
}

export function functionName(prefix: string, fn: DeployedFunction): string {
  return `${prefix}${fn.name}`;
}

/** osls names a function's resources after its key in serverless.yml, which is the camelCase name. */
export function functionKey(fn: DeployedFunction): string {
  const stem = logicalIdStem(fn.name);
  return stem.charAt(0).toLowerCase() + stem.slice(1);
}

export function roleLogicalId(fn: DeployedFunction): string {
  return `${logicalIdStem(fn.name)}Role`;
}

export function ruleLogicalId(fn: DeployedFunction, scope: RuleScope): string {
  return `${logicalIdStem(fn.name)}${scope === 'global' ? 'Global' : 'Regional'}Rule`;
}

export function ruleName(prefix: string, fn: DeployedFunction, scope: RuleScope): string {
  return `${prefix}${fn.name}${scope === 'global' ? '-global' : ''}`;
}

const lambdaFunctionLogicalId = (fn: DeployedFunction) => `${logicalIdStem(fn.name)}LambdaFunction`;

/**
 * What every function needs from the platform regardless of its code: write its own log group, send
 * traces, and (as the Lambda on-failure destination, which uses the function's role) dead-letter an
 * event it failed on. The deployment test excludes exactly these from the code-derived comparison.
 */
export function platformStatements(prefix: string, fn: DeployedFunction): PolicyStatement[] {
  const logGroup = `/aws/lambda/${functionName(prefix, fn)}`;
  return [
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroup}:*` }],
    },
    { Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: ['*'] },
    {
      Sid: 'OnFailureDestination',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [{ 'Fn::GetAtt': [SHARED.deadLetterQueue, 'Arn'] }],
    },
  ];
}

export const PLATFORM_SIDS: ReadonlySet<string> = new Set(['OwnLogGroup', 'Tracing', 'OnFailureDestination']);

export function functionResources(input: FunctionResourcesInput): Record<string, Resource> {
  const { fn, prefix } = input;
  const condition = conditionOf(fn);
  const withCondition = (resource: Resource, override?: string): Resource => {
    const c = override ?? condition;
    return c ? { ...resource, Condition: c } : resource;
  };
  const stem = logicalIdStem(fn.name);
  const resources: Record<string, Resource> = {};

  resources[roleLogicalId(fn)] = withCondition({
    Type: 'AWS::IAM::Role',
    Properties: {
      // IAM is global and each region's stack has its own roles: the region keeps the names apart.
      RoleName: { 'Fn::Sub': `${prefix}${fn.name}-\${AWS::Region}` },
      Description: `sesguard ${fn.name}: exactly the calls its bundle can make`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: `${prefix}${fn.name}`,
          PolicyDocument: { Version: '2012-10-17', Statement: [...platformStatements(prefix, fn), ...input.statements] },
        },
      ],
    },
  });

  for (const scope of ['regional', 'global'] as const) {
    const pattern = input.patterns?.[scope];
    if (!pattern) continue;
    const ruleId = ruleLogicalId(fn, scope);
    // IAM events reach EventBridge only in us-east-1: their rule exists only in the global stack.
    const ruleCondition = scope === 'global' ? SHARED.isGlobalRegion : condition;
    resources[ruleId] = withCondition(
      {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: ruleName(prefix, fn, scope),
          Description: `sesguard: CloudTrail events for ${fn.name} (${scope})`,
          State: 'ENABLED',
          EventPattern: pattern,
          Targets: [
            {
              Id: fn.name,
              Arn: { 'Fn::GetAtt': [lambdaFunctionLogicalId(fn), 'Arn'] },
              RetryPolicy: RULE_RETRY_POLICY,
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [SHARED.deadLetterQueue, 'Arn'] } },
            },
          ],
        },
      },
      ruleCondition,
    );
    resources[`${ruleId}Permission`] = withCondition(
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [lambdaFunctionLogicalId(fn), 'Arn'] },
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      },
      ruleCondition,
    );
  }

  if (fn.kind === 'notifier') {
    resources[`${stem}AlertSubscription`] = withCondition({
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: SHARED.alertTopic },
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': [lambdaFunctionLogicalId(fn), 'Arn'] },
      },
    });
    resources[`${stem}AlertSubscriptionPermission`] = withCondition({
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [lambdaFunctionLogicalId(fn), 'Arn'] },
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: SHARED.alertTopic },
      },
    });
  }

  resources[`${stem}ErrorsAlarm`] = withCondition({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${functionName(prefix, fn)}-errors`,
      AlarmDescription: `sesguard ${fn.name} failed: the event is retried, then dead-lettered. Read the function's log.`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: lambdaFunctionLogicalId(fn) } }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: SHARED.alertTopic }],
    },
  });
  return resources;
}

export function stackArns(quarantinePolicyName: string): StackArns {
  return {
    alertTopic: { Ref: SHARED.alertTopic },
    alertKey: { 'Fn::GetAtt': [SHARED.alertKey, 'Arn'] },
    baselineTable: { 'Fn::GetAtt': [SHARED.baselineTable, 'Arn'] },
    idempotencyTable: { 'Fn::GetAtt': [SHARED.idempotencyTable, 'Arn'] },
    sweepTable: { 'Fn::GetAtt': ['SweepTable', 'Arn'] },
    // The parameter name is a deploy-time param; its ARN omits the leading slash of a path name.
    slackWebhookParameter: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${param:slackWebhookParameter}' },
    quarantinePolicy: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${quarantinePolicyName}` },
    revokeSessionsPolicy: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${revokeSessionsPolicyName(quarantinePolicyName)}` },
    perimeterDenyPolicy: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${perimeterDenyPolicyName(quarantinePolicyName)}` },
  };
}
