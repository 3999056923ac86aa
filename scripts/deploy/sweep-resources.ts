import type { Config } from '../../lib/config/schema.ts';
import { QUARANTINE_STEPS } from '../../lib/remediation/quarantine/steps.ts';
import { SHARED } from './function-resources.ts';
import type { SdkCommand } from './sdk-commands.ts';

/**
 * The sweep's CloudFormation resources beyond what every function gets (its role, error alarm, log group):
 * - a Step Functions state machine `sesguard-<stage>-sweep` that invokes the sweep function until it answers
 *   `done` (or `refused`), retrying a failed invocation with backoff; each retry resumes from the checkpoint.
 *   Chosen over a function that invokes itself: Lambda's recursive-loop detection stops a chain of
 *   self-invocations after 16 (https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html) and a
 *   maximal account needs about that many; the guard would have to opt out of that protection, and its role
 *   would need lambda:InvokeFunction on itself. The state machine keeps every invocation short, visible and
 *   retried, and the function's role unchanged;
 * - an EventBridge Scheduler schedule `sesguard-<stage>-sweep` (sweep.schedule) starting it;
 * - an EventBridge rule `sesguard-<stage>-sweep-after-deploy` starting it when this stack finishes a create
 *   or an update (CloudFormation "Stack Status Change" events);
 * - one role Scheduler and EventBridge assume to start executions, one the state machine uses to invoke;
 * - alarms: a failed/timed-out/aborted execution, and no sweep completed within two schedule periods.
 */
export const SWEEP_NAME = 'sweep';
export const SWEEP_LOGICAL = {
  function: 'SweepLambdaFunction',
  stateMachine: 'SweepStateMachine',
  stateMachineRole: 'SweepStateMachineRole',
  schedule: 'SweepSchedule',
  starterRole: 'SweepStarterRole',
  deployRule: 'SweepAfterDeployRule',
  failedAlarm: 'SweepFailedAlarm',
  missedAlarm: 'SweepMissedAlarm',
  table: 'SweepTable',
} as const;

/** The Lambda timeout of the sweep: each invocation stops taking resources 90 s before it (functions/sweep.ts). */
export const SWEEP_TIMEOUT_SECONDS = 900;

/**
 * Commands the sweep's bundle carries but never sends: the families' quarantine steps act on the actor of a
 * change, and a sweep's actor is the sweep itself (functions/sweep.ts binds no step that acts on the actor).
 * They are left out of its role, so IAM refuses them even if a bug planned one.
 */
export function sweepNeverSends(commands: readonly SdkCommand[], resourceStepCommands: ReadonlySet<string>): SdkCommand[] {
  const actorOnly = new Set(QUARANTINE_STEPS.flatMap((s) => s.commands).filter((c) => !resourceStepCommands.has(c)));
  return commands.filter((c) => !actorOnly.has(`${c.service}:${c.operation}`));
}

/** Hours between runs of a Scheduler expression (rate only; cron: a day, a safe upper bound for the alarm). */
export function scheduleIntervalHours(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return 24;
  const n = Number(m[1]);
  return m[2]!.startsWith('minute') ? n / 60 : m[2]!.startsWith('hour') ? n : n * 24;
}

type Resource = { Type: string; Condition?: string; DependsOn?: string[]; Properties: Record<string, unknown> };

export function sweepStateMachineDefinition(): Record<string, unknown> {
  const lambdaErrors = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
  return {
    Comment: 'sesguard sweep: invoke the sweep function until the sweep is done; each invocation resumes from the checkpoint',
    StartAt: 'Sweep',
    TimeoutSeconds: 12 * 3600,
    States: {
      Sweep: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        // The execution name is the lease holder: every invocation of this run continues the same sweep.
        Parameters: { FunctionName: '${SweepFunctionArn}', Payload: { 'holder.$': '$$.Execution.Name', 'trigger.$': '$.trigger' } },
        ResultSelector: { 'status.$': '$.Payload.status', 'sweepId.$': '$.Payload.sweepId' },
        ResultPath: '$.result',
        Retry: [
          { ErrorEquals: lambdaErrors, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
          // A crashed or timed-out invocation: try again; the lease is this execution's, so it resumes at once.
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 2 },
        ],
        Next: 'Continue?',
      },
      'Continue?': {
        Type: 'Choice',
        Choices: [
          { Variable: '$.result.status', StringEquals: 'continue', Next: 'Sweep' },
          { Variable: '$.result.status', StringEquals: 'refused', Next: 'Refused' },
        ],
        Default: 'Done',
      },
      Refused: { Type: 'Succeed', Comment: 'another sweep holds the lease: two sweeps never run at once' },
      Done: { Type: 'Succeed' },
    },
  };
}

const trust = (...services: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
});

export function sweepResources(prefix: string, config: Pick<Config, 'sweep'>): Record<string, Resource> {
  const stateMachineArn = { Ref: SWEEP_LOGICAL.stateMachine };
  const periods = Math.min(168, Math.ceil(2 * scheduleIntervalHours(config.sweep.schedule)) + 1);
  return {
    [SWEEP_LOGICAL.table]: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: `${prefix}sweep`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    },
    [SWEEP_LOGICAL.stateMachineRole]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Sub': `${prefix}sweep-states-\${AWS::Region}` },
        Description: 'sesguard sweep state machine: invokes the sweep function, nothing else',
        AssumeRolePolicyDocument: trust('states.amazonaws.com'),
        Policies: [
          {
            PolicyName: `${prefix}sweep-states`,
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ 'Fn::GetAtt': [SWEEP_LOGICAL.function, 'Arn'] }] }] },
          },
        ],
      },
    },
    [SWEEP_LOGICAL.stateMachine]: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: `${prefix}sweep`,
        StateMachineType: 'STANDARD',
        RoleArn: { 'Fn::GetAtt': [SWEEP_LOGICAL.stateMachineRole, 'Arn'] },
        Definition: sweepStateMachineDefinition(),
        DefinitionSubstitutions: { SweepFunctionArn: { 'Fn::GetAtt': [SWEEP_LOGICAL.function, 'Arn'] } },
      },
    },
    [SWEEP_LOGICAL.starterRole]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Sub': `${prefix}sweep-start-\${AWS::Region}` },
        Description: 'sesguard sweep: Scheduler and the after-deploy rule start the sweep state machine with it',
        AssumeRolePolicyDocument: trust('scheduler.amazonaws.com', 'events.amazonaws.com'),
        Policies: [
          {
            PolicyName: `${prefix}sweep-start`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['states:StartExecution'], Resource: [stateMachineArn] },
                // Scheduler sends a run it could not start to the dead-letter queue with this role.
                { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [SHARED.deadLetterQueue, 'Arn'] }] },
              ],
            },
          },
        ],
      },
    },
    [SWEEP_LOGICAL.schedule]: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        // GUARD-001 watches changes to the schedule of this name (UpdateSchedule, DeleteSchedule).
        Name: `${prefix}sweep`,
        GroupName: 'default',
        Description: 'sesguard: judge every SES and IAM resource that exists (the sweep)',
        ScheduleExpression: config.sweep.schedule,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: stateMachineArn,
          RoleArn: { 'Fn::GetAtt': [SWEEP_LOGICAL.starterRole, 'Arn'] },
          Input: JSON.stringify({ trigger: 'schedule' }),
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [SHARED.deadLetterQueue, 'Arn'] } },
        },
      },
    },
    [SWEEP_LOGICAL.deployRule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `${prefix}sweep-after-deploy`,
        Description: 'sesguard: sweep once when this stack finishes a create or an update',
        State: 'ENABLED',
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stack-status-change.html
        EventPattern: {
          source: ['aws.cloudformation'],
          'detail-type': ['CloudFormation Stack Status Change'],
          detail: { 'stack-id': [{ Ref: 'AWS::StackId' }], 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
        },
        Targets: [
          {
            Id: 'sweep',
            Arn: stateMachineArn,
            RoleArn: { 'Fn::GetAtt': [SWEEP_LOGICAL.starterRole, 'Arn'] },
            Input: JSON.stringify({ trigger: 'deploy' }),
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [SHARED.deadLetterQueue, 'Arn'] } },
          },
        ],
      },
    },
    [SWEEP_LOGICAL.failedAlarm]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${prefix}sweep-failed`,
        AlarmDescription: 'A sesguard sweep execution failed, timed out or was aborted: the account was not fully judged. Read the execution history.',
        Metrics: [
          ...['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((name, i) => ({
            Id: `m${i}`,
            ReturnData: false,
            MetricStat: { Metric: { Namespace: 'AWS/States', MetricName: name, Dimensions: [{ Name: 'StateMachineArn', Value: stateMachineArn }] }, Period: 300, Stat: 'Sum' },
          })),
          { Id: 'stopped', Expression: 'm0 + m1 + m2', Label: 'sweep executions that did not succeed', ReturnData: true },
        ],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: SHARED.alertTopic }],
      },
    },
    [SWEEP_LOGICAL.missedAlarm]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${prefix}sweep-missed`,
        AlarmDescription: `No sesguard sweep completed in ${periods} hours (schedule ${config.sweep.schedule}): the schedule, the state machine or the function is not doing its job.`,
        Namespace: 'sesguard',
        MetricName: 'SweepCompleted',
        // Powertools writes the function's default dimensions with every metric (functions/sweep.ts).
        Dimensions: [
          { Name: 'service', Value: 'sesguard' },
          { Name: 'family', Value: 'sweep' },
          { Name: 'entry', Value: 'sweep' },
        ],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: periods,
        DatapointsToAlarm: periods,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        // No data is the signal: a sweep that never runs reports nothing.
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: SHARED.alertTopic }],
      },
    },
  };
}
