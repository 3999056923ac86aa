import { describe, expect, it } from 'vitest';
import {
  arnTemplateForStack,
  grantsForCommand,
  guardPoliciesDenyStatement,
  ownRolesDenyStatement,
  type FunctionScope,
  statementsFromGrants,
  type Grant,
  type StackArns,
} from '../../scripts/deploy/iam-policy.ts';
import { UnmappedCommandError } from '../../scripts/deploy/sdk-commands.ts';

const stack: StackArns = {
  alertTopic: { Ref: 'AlertTopic' },
  alertKey: { 'Fn::GetAtt': ['AlertKey', 'Arn'] },
  baselineTable: { 'Fn::GetAtt': ['BaselineTable', 'Arn'] },
  idempotencyTable: { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] },
  sweepTable: { 'Fn::GetAtt': ['SweepTable', 'Arn'] },
  slackWebhookParameter: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/sesguard/slack' },
  quarantinePolicy: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sesguard-quarantine' },
  revokeSessionsPolicy: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sesguard-quarantine-revoke-sessions' },
  perimeterDenyPolicy: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sesguard-quarantine-perimeter-deny' },
};
const tables = [stack.baselineTable, stack.idempotencyTable];
const guardScope: FunctionScope = { usesBaseline: true, idempotencyKeyPatterns: ['sesguard.decision.x#*', 'sesguard.alert.x#*'], guardPolicyOnlyActions: new Set(['iam:CreatePolicyVersion']) };
const sub = (s: string) => ({ 'Fn::Sub': s });
const cmd = (service: string, operation: string) => ({ service, operation, module: `@aws-sdk/client-${service}/dist-es/commands/${operation}Command.js` });

describe('grantsForCommand: the IAM a command needs, scoped as narrowly as the action allows', () => {
  const cases: { name: string; service: string; operation: string; expected: Grant[] }[] = [
    {
      name: 'SESv2 reads are ses: actions on the identity ARN (SES v1 and v2 share the ses prefix)',
      service: 'sesv2',
      operation: 'GetEmailIdentityPolicies',
      expected: [{ actions: ['ses:GetEmailIdentityPolicies'], resources: [sub('arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*')] }],
    },
    {
      name: 'an event destination is authorised on its configuration set',
      service: 'sesv2',
      operation: 'DeleteConfigurationSetEventDestination',
      expected: [
        { actions: ['ses:DeleteConfigurationSetEventDestination'], resources: [sub('arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/*')] },
      ],
    },
    {
      name: "attaching a policy is allowed only for the guard's own deny policies (iam:PolicyARN condition)",
      service: 'iam',
      operation: 'AttachUserPolicy',
      expected: [
        {
          actions: ['iam:AttachUserPolicy'],
          resources: [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*')],
          condition: { ArnEquals: { 'iam:PolicyARN': [stack.quarantinePolicy, stack.revokeSessionsPolicy, stack.perimeterDenyPolicy] } },
        },
      ],
    },
    {
      name: 'a policy-version write only the quarantine step makes reaches the revoke-sessions policy alone',
      service: 'iam',
      operation: 'CreatePolicyVersion',
      expected: [{ actions: ['iam:CreatePolicyVersion'], resources: [stack.revokeSessionsPolicy] }],
    },
    {
      name: 'detaching (reverting an attachment) is scoped to roles in the account, any policy',
      service: 'iam',
      operation: 'DetachRolePolicy',
      expected: [{ actions: ['iam:DetachRolePolicy'], resources: [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*')] }],
    },
    {
      name: 'publishing an alert needs the topic and its KMS key (encrypted topic)',
      service: 'sns',
      operation: 'Publish',
      expected: [
        { actions: ['sns:Publish'], resources: [stack.alertTopic] },
        { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [stack.alertKey] },
      ],
    },
    {
      name: 'reading the Slack webhook SecureString: the parameter, and KMS only through SSM',
      service: 'ssm',
      operation: 'GetParameter',
      expected: [
        { actions: ['ssm:GetParameter'], resources: [stack.slackWebhookParameter] },
        { actions: ['kms:Decrypt'], resources: ['*'], condition: { StringEquals: { 'kms:ViaService': sub('ssm.${AWS::Region}.amazonaws.com') } } },
      ],
    },
    {
      name: "DynamoDB: each table for the calls its code makes, and the function's own idempotency records only",
      service: 'dynamodb',
      operation: 'PutItem',
      expected: [
        { actions: ['dynamodb:PutItem'], resources: [stack.baselineTable] },
        { actions: ['dynamodb:PutItem'], resources: [stack.idempotencyTable], condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sesguard.decision.x#*', 'sesguard.alert.x#*'] } } },
      ],
    },
    {
      name: 'DynamoDB DeleteItem is for idempotency records only: the baseline table never loses a record to the guard',
      service: 'dynamodb',
      operation: 'DeleteItem',
      expected: [{ actions: ['dynamodb:DeleteItem'], resources: [stack.idempotencyTable], condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sesguard.decision.x#*', 'sesguard.alert.x#*'] } } }],
    },
    {
      name: 'an action with no resource-level permissions is granted on * (DescribeEndpoints)',
      service: 'dynamodb',
      operation: 'DescribeEndpoints',
      expected: [{ actions: ['dynamodb:DescribeEndpoints'], resources: ['*'] }],
    },
  ];
  it.each(cases)('$name', async ({ service, operation, expected }) => {
    expect(await grantsForCommand(cmd(service, operation), stack, guardScope)).toEqual(expected);
  });

  it('a function that keeps no baselines gets no baseline table (guard-integrity never reverts a resource)', async () => {
    expect(await grantsForCommand(cmd('dynamodb', 'GetItem'), stack, { ...guardScope, usesBaseline: false })).toEqual([
      { actions: ['dynamodb:GetItem'], resources: [stack.idempotencyTable], condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sesguard.decision.x#*', 'sesguard.alert.x#*'] } } },
    ]);
  });

  const refused: { name: string; service: string; operation: string }[] = [
    { name: 'a client with no known IAM service', service: 's3', operation: 'GetObject' },
    { name: 'an operation that is not an IAM action', service: 'sesv2', operation: 'Frobnicate' },
    { name: 'PartiQL, authorised per item action', service: 'dynamodb', operation: 'ExecuteStatement' },
    { name: 'a DynamoDB call no table of the function needs', service: 'dynamodb', operation: 'Scan' },
  ];
  it.each(refused)('refuses $name (the build fails instead of writing a short role)', async ({ service, operation }) => {
    await expect(grantsForCommand(cmd(service, operation), stack, guardScope)).rejects.toThrow(UnmappedCommandError);
  });
});

describe('arnTemplateForStack', () => {
  it.each([
    ['arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}', 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*'],
    ['arn:${Partition}:iam::${Account}:user/${UserNameWithPath}', 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*'],
  ])('%s -> %s', (format, expected) => {
    expect(arnTemplateForStack(format)).toEqual({ 'Fn::Sub': expected });
  });
});

describe('statementsFromGrants', () => {
  it('merges grants on the same resources and condition into one statement, actions sorted', () => {
    const statements = statementsFromGrants([
      { actions: ['dynamodb:PutItem'], resources: tables },
      { actions: ['dynamodb:GetItem'], resources: tables },
      { actions: ['sns:Publish'], resources: [stack.alertTopic] },
      { actions: ['iam:AttachRolePolicy'], resources: ['r'], condition: { ArnEquals: { 'iam:PolicyARN': 'q' } } },
      { actions: ['iam:DetachRolePolicy'], resources: ['r'] },
    ]);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tables },
      { Effect: 'Allow', Action: ['iam:AttachRolePolicy'], Resource: ['r'], Condition: { ArnEquals: { 'iam:PolicyARN': 'q' } } },
      { Effect: 'Allow', Action: ['iam:DetachRolePolicy'], Resource: ['r'] },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: [stack.alertTopic] },
    ]);
  });
});

describe('ownRolesDenyStatement: the guard cannot change its own roles', () => {
  const guardRoles = [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/sesguard-prod-iam-grant-us-east-1'), sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/sesguard-prod-identity-policy-eu-west-1')];

  it("denies, on exactly the guard's roles (never a name pattern), every IAM write the role is allowed on roles", async () => {
    const deny = await ownRolesDenyStatement(
      [
        { Effect: 'Allow', Action: ['iam:DetachRolePolicy', 'iam:GetRole', 'iam:PutRolePolicy', 'iam:DetachUserPolicy'], Resource: ['*'] },
        { Effect: 'Allow', Action: ['sns:Publish'], Resource: ['*'] },
      ],
      guardRoles,
    );
    expect(deny).toEqual({ Sid: 'NeverChangeOwnRoles', Effect: 'Deny', Action: ['iam:DetachRolePolicy', 'iam:PutRolePolicy'], Resource: guardRoles });
    // A pattern such as role/sesguard-prod-* would shield a role merely named like the guard's from repair.
    expect(JSON.stringify(deny)).not.toContain('*');
  });

  it('adds nothing to a role with no IAM write on roles', async () => {
    expect(await ownRolesDenyStatement([{ Effect: 'Allow', Action: ['iam:GetRole', 'ssm:GetParameter'], Resource: ['*'] }], guardRoles)).toBeUndefined();
  });
});

describe("guardPoliciesDenyStatement: the guard's own policies are not the guard's to roll back", () => {
  it('denies every policy write on the quarantine and perimeter-deny policies, and all but the cut-off versioning on the revoke-sessions policy', async () => {
    const denies = await guardPoliciesDenyStatement(
      [{ Effect: 'Allow', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:GetPolicy'], Resource: ['*'] }],
      stack,
    );
    expect(denies).toEqual([
      { Sid: 'NeverChangeQuarantinePolicy', Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], Resource: [stack.quarantinePolicy, stack.perimeterDenyPolicy] },
      { Sid: 'NeverRollBackRevokeSessionsPolicy', Effect: 'Deny', Action: ['iam:SetDefaultPolicyVersion'], Resource: [stack.revokeSessionsPolicy] },
    ]);
  });
});
