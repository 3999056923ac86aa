import { conditionOf, roleLogicalId, SHARED } from './function-resources.ts';
import type { DeployedFunction } from './functions.ts';
import type { CfnValue } from './iam-policy.ts';

/**
 * The alert topic accepts messages from the guard's roles and CloudWatch alarms only. Same-account IAM
 * permissions would otherwise let any principal allowed sns:Publish post a forged "all clear". The Deny
 * names the roles by `aws:PrincipalArn` (a role session's PrincipalArn is its role's ARN), not in
 * `Principal`, so a re-created role is not silently turned into its unique id; the CloudWatch service
 * principal is told apart by `aws:PrincipalServiceName`, which IAM sets only for service principals.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
export function alertTopicPolicy(functions: readonly DeployedFunction[], prefix: string): Record<string, unknown> {
  const topic = { Ref: SHARED.alertTopic };
  const guardRoles: CfnValue[] = functions.map((fn) => {
    const arn: CfnValue = { 'Fn::GetAtt': [roleLogicalId(fn), 'Arn'] };
    const condition = conditionOf(fn);
    return condition ? { 'Fn::If': [condition, arn, { Ref: 'AWS::NoValue' }] } : arn;
  });
  return {
    Type: 'AWS::SNS::TopicPolicy',
    Properties: {
      Topics: [topic],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic,
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${prefix}*` } },
            },
          },
          {
            Sid: 'OnlyTheGuardAndItsAlarmsPublish',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topic,
            Condition: {
              ArnNotEquals: { 'aws:PrincipalArn': guardRoles },
              StringNotEquals: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' },
            },
          },
          {
            Sid: 'TransportMustBeEncrypted',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topic,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };
}
