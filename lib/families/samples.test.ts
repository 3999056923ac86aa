import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCloudTrailEvent, type ParseOptions } from '../cloudtrail/parse.ts';
import { EVENT_PARSERS } from './index.ts';
import { SUPPORTED_EVENTS } from './index.ts';
import type { Change, Skip, SkipReason } from '../cloudtrail/types.ts';
import { SAMPLE_ALERT_KEY_ARN, SAMPLE_PARSE_OPTIONS } from '../../test/support/sample-options.ts';

type ParsedEvent = Change | Skip;

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
const OPTIONS: ParseOptions = SAMPLE_PARSE_OPTIONS;
const parse = (input: unknown, options: ParseOptions = OPTIONS): ParsedEvent => parseCloudTrailEvent(input, EVENT_PARSERS, options);

const ADMIN_ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_5f3c2a1b9d8e7f60';
const DEPLOYER_ROLE = 'arn:aws:iam::111122223333:role/mail-platform-deployer';
const DEV = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/dev-bob', accountId: '111122223333', sourceIp: '203.0.113.77' };
const ATTACKER = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci-legacy', sourceIp: '185.220.101.34' };
const ADMIN = { type: 'AssumedRole', sessionIssuerArn: ADMIN_ROLE, sessionCreatedAt: '2026-11-20T08:02:11Z' };
const DEPLOYER = { type: 'AssumedRole', sessionIssuerArn: DEPLOYER_ROLE, sessionCreatedAt: '2026-11-20T09:14:37Z' };
const GUARD_EU = { eventSource: expect.any(String), region: 'eu-west-1', accountId: '111122223333', actor: ATTACKER };

interface Case {
  /** The behaviour and the AWS fact it encodes. */
  rule: string;
  expected: Record<string, unknown>;
}

const changes: Record<string, Case> = {
  'identity-policy/v1-put-policy-trusted-role-from-address.json': {
    rule: 'SES v1 PutIdentityPolicy carries identity/policyName/policy; the policy string is kept as sent',
    expected: {
      family: 'identity-policy', apiVersion: 'v1', operation: 'put', region: 'eu-west-1', accountId: '111122223333',
      target: { identity: 'example.com', policyName: 'marketing-mailer-send' },
      requestedPolicy: expect.stringContaining('"ses:FromAddress":"newsletter@example.com"'),
      actor: DEPLOYER,
    },
  },
  'identity-policy/v1-put-policy-identity-arn-grants-put-identity-policy.json': {
    rule: 'SES v1 accepts the identity as an ARN; the target is the identity name the state reader needs',
    expected: { family: 'identity-policy', apiVersion: 'v1', operation: 'put', target: { identity: 'billing.example.com', policyName: 'billing-team-manage' }, actor: DEV },
  },
  'identity-policy/v2-create-policy-public-principal.json': {
    rule: 'SES v2 CreateEmailIdentityPolicy names emailIdentity, not identity',
    expected: {
      family: 'identity-policy', apiVersion: 'v2', operation: 'create', target: { identity: 'example.com', policyName: 'allow-all' },
      requestedPolicy: expect.stringContaining('"Principal":"*"'), actor: ATTACKER,
    },
  },
  'identity-policy/v2-create-policy-public-principal-source-ip-only.json': {
    rule: 'an email-address identity is a valid SES v2 emailIdentity',
    expected: { family: 'identity-policy', apiVersion: 'v2', operation: 'create', target: { identity: 'alerts@example.com', policyName: 'office-ip-send' }, actor: DEV },
  },
  'identity-policy/v2-update-policy-outside-account.json': {
    rule: 'SES v2 UpdateEmailIdentityPolicy is an update of the named policy',
    expected: { family: 'identity-policy', apiVersion: 'v2', operation: 'update', target: { identity: 'example.com', policyName: 'marketing-mailer-send' }, actor: ADMIN },
  },
  'event-destination/v1-create-sns-same-account.json': {
    rule: 'SES v1 names the destination inside eventDestination and spells SNSDestination/TopicARN; normalised to v2',
    expected: {
      family: 'event-destination', apiVersion: 'v1', operation: 'create', target: { configurationSet: 'transactional', destinationName: 'bounces-to-ops' },
      requestedDestination: {
        name: 'bounces-to-ops', enabled: true, matchingEventTypes: ['BOUNCE', 'COMPLAINT', 'RENDERING_FAILURE'],
        snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:ses-bounces' },
      },
    },
  },
  'event-destination/v1-update-firehose-cross-account-stream.json': {
    rule: 'SES v1 Firehose destination carries IAMRoleARN and DeliveryStreamARN',
    expected: {
      family: 'event-destination', apiVersion: 'v1', operation: 'update', target: { configurationSet: 'transactional', destinationName: 'delivery-archive' },
      requestedDestination: {
        matchingEventTypes: ['SEND', 'DELIVERY', 'OPEN', 'CLICK'],
        kinesisFirehoseDestination: { deliveryStreamArn: 'arn:aws:firehose:eu-west-1:444455556666:deliverystream/mail-events', iamRoleArn: 'arn:aws:iam::111122223333:role/ses-firehose-delivery' },
      },
      actor: ATTACKER,
    },
  },
  'event-destination/v1-create-cloudwatch-dimensions.json': {
    rule: 'SES v1 CloudWatch destination keeps its dimension configurations; deliveryDelay becomes DELIVERY_DELAY',
    expected: {
      family: 'event-destination', apiVersion: 'v1', target: { configurationSet: 'marketing', destinationName: 'metrics' },
      requestedDestination: { matchingEventTypes: ['SEND', 'BOUNCE', 'DELIVERY_DELAY'], cloudWatchDestination: { dimensionConfigurations: [expect.objectContaining({ dimensionName: 'campaign' })] } },
    },
  },
  'event-destination/v2-create-sns-cross-account.json': {
    rule: 'SES v2 names the destination in eventDestinationName',
    expected: {
      family: 'event-destination', apiVersion: 'v2', operation: 'create', target: { configurationSet: 'transactional', destinationName: 'all-events' },
      requestedDestination: { name: 'all-events', enabled: true, snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:444455556666:mail-events' } },
    },
  },
  'event-destination/v2-create-eventbridge-default-bus.json': {
    rule: 'SES v2 EventBridge destination; a CloudFormation session records invokedBy',
    expected: {
      family: 'event-destination', apiVersion: 'v2', target: { configurationSet: 'transactional', destinationName: 'to-eventbridge' },
      requestedDestination: { eventBridgeDestination: { eventBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default' } },
      actor: { type: 'AssumedRole', invokedBy: 'cloudformation.amazonaws.com', sessionIssuerArn: 'arn:aws:iam::111122223333:role/cfn-exec-mail', sourceIp: 'cloudformation.amazonaws.com' },
    },
  },
  'event-destination/v2-update-firehose-cross-account-role.json': {
    rule: 'SES v2 Firehose destination spells iamRoleArn/deliveryStreamArn',
    expected: {
      family: 'event-destination', apiVersion: 'v2', operation: 'update',
      requestedDestination: { kinesisFirehoseDestination: { iamRoleArn: 'arn:aws:iam::444455556666:role/firehose-writer', deliveryStreamArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/engagement' } },
    },
  },
  'event-destination/v2-update-pinpoint-cross-account.json': {
    rule: 'SES v2 Pinpoint destination',
    expected: {
      family: 'event-destination', apiVersion: 'v2', operation: 'update', target: { configurationSet: 'marketing', destinationName: 'analytics' },
      requestedDestination: { pinpointDestination: { applicationArn: 'arn:aws:mobiletargeting:eu-west-1:444455556666:apps/8d4b1e2f0a3c4d5e9f8a7b6c5d4e3f2a' } },
    },
  },
  'custom-verification/send-by-administrator.json': {
    rule: 'SendCustomVerificationEmail is an action: the actor (SSO admin session) is what gets judged',
    expected: { family: 'custom-verification', operation: 'send', target: { templateName: 'example-verify', emailAddress: 'new.hire@example.com' }, actor: ADMIN },
  },
  'custom-verification/send-by-non-admin-user.json': {
    rule: 'SendCustomVerificationEmail may name a configuration set',
    expected: { family: 'custom-verification', operation: 'send', target: { templateName: 'example-verify', emailAddress: 'payments@example.com', configurationSet: 'transactional' }, actor: DEV },
  },
  'custom-verification/v1-create-template-trusted-domain.json': {
    rule: 'CreateCustomVerificationEmailTemplate: From address and redirection URLs are kept for SES-CVE-002',
    expected: {
      family: 'custom-verification', operation: 'create-template', apiVersion: 'v1', target: { templateName: 'example-verify' },
      requestedTemplate: {
        fromEmailAddress: 'no-reply@example.com', templateSubject: 'Confirm your address for Example mail',
        successRedirectionURL: 'https://app.example.com/email/verified', failureRedirectionURL: 'https://app.example.com/email/verification-failed',
      },
    },
  },
  'custom-verification/v2-update-template-untrusted-redirect.json': {
    rule: 'the v2 template call is told apart only by the sesv2 user agent',
    expected: {
      family: 'custom-verification', operation: 'update-template', apiVersion: 'v2',
      requestedTemplate: { successRedirectionURL: 'https://example-com.login-verify.net/session' }, actor: ATTACKER,
    },
  },
  'iam-grant/attach-user-policy-ses-full-access-non-admin.json': {
    rule: 'AttachUserPolicy: IAM events are recorded in us-east-1',
    expected: { family: 'iam-grant', operation: 'attach', region: 'us-east-1', principal: { type: 'user', name: 'dev-bob' }, policyArn: 'arn:aws:iam::aws:policy/AmazonSESFullAccess', actor: ATTACKER },
  },
  'iam-grant/attach-role-policy-ses-read-only.json': {
    rule: 'AttachRolePolicy on a role that is not the guard\'s is a grant',
    expected: { family: 'iam-grant', operation: 'attach', principal: { type: 'role', name: 'mail-reporting-lambda' }, policyArn: 'arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess' },
  },
  'iam-grant/attach-group-policy-ses-full-access.json': {
    rule: 'AttachGroupPolicy grants to every member of the group',
    expected: { family: 'iam-grant', operation: 'attach', principal: { type: 'group', name: 'developers' } },
  },
  'iam-grant/put-user-policy-send-with-from-address.json': {
    rule: 'PutUserPolicy keeps the inline document as sent',
    expected: { family: 'iam-grant', operation: 'put-inline', principal: { type: 'user', name: 'smtp-relay' }, policyName: 'send-as-alerts', requestedPolicy: expect.stringContaining('ses:FromAddress') },
  },
  'iam-grant/put-role-policy-ses-wildcard.json': {
    rule: 'PutRolePolicy on a role that is not the guard\'s is a grant',
    expected: { family: 'iam-grant', operation: 'put-inline', principal: { type: 'role', name: 'app-backend' }, policyName: 'ses-everything' },
  },
  'iam-grant/put-group-policy-send-any-identity.json': {
    rule: 'PutGroupPolicy',
    expected: { family: 'iam-grant', operation: 'put-inline', principal: { type: 'group', name: 'support-agents' }, policyName: 'send-mail' },
  },
  'iam-grant/create-policy-version-adds-put-identity-policy.json': {
    rule: 'CreatePolicyVersion: the version id is only in responseElements.policyVersion',
    expected: { family: 'iam-grant', operation: 'create-version', policyArn: 'arn:aws:iam::111122223333:policy/mail-team', versionId: 'v3', setAsDefault: true, requestedPolicy: expect.stringContaining('ses:PutIdentityPolicy') },
  },
  'iam-grant/create-policy-version-not-default.json': {
    rule: 'CreatePolicyVersion with setAsDefault false grants nothing yet, but is recorded',
    expected: { family: 'iam-grant', operation: 'create-version', versionId: 'v4', setAsDefault: false },
  },
  'iam-grant/set-default-policy-version.json': {
    rule: 'SetDefaultPolicyVersion switches which version is in effect',
    expected: { family: 'iam-grant', operation: 'set-default-version', policyArn: 'arn:aws:iam::111122223333:policy/mail-team', versionId: 'v4' },
  },
  'iam-grant/update-assume-role-policy-mail-admin-outside-account.json': {
    rule: 'UpdateAssumeRolePolicy carries the new trust policy as sent (IAM-SES-003)',
    expected: { family: 'iam-grant', operation: 'update-trust', roleName: 'mail-admin', requestedTrustPolicy: expect.stringContaining('444455556666'), actor: ATTACKER },
  },
  'iam-grant/update-assume-role-policy-mail-admin-anyone-source-ip.json': {
    rule: 'a trust policy "restricted" only by aws:SourceIp, a key the caller sets',
    expected: { family: 'iam-grant', operation: 'update-trust', roleName: 'mail-admin', requestedTrustPolicy: expect.stringContaining('aws:SourceIp') },
  },
  'iam-grant/update-assume-role-policy-mail-admin-compliant.json': {
    rule: 'an own-account role with sts:ExternalId and a service with aws:SourceAccount',
    expected: { family: 'iam-grant', operation: 'update-trust', roleName: 'mail-admin', actor: { type: 'AssumedRole', sessionIssuerArn: DEPLOYER_ROLE } },
  },
  'iam-grant/create-role-untrusted-trust-no-permissions.json': {
    rule: 'CreateRole carries the first trust policy as assumeRolePolicyDocument',
    expected: { family: 'iam-grant', operation: 'create-role', roleName: 'mail-relay', requestedTrustPolicy: expect.stringContaining('444455556666') },
  },
  'iam-grant/add-user-to-group-mail-admins.json': {
    rule: 'AddUserToGroup gives the user every policy of the group',
    expected: { family: 'iam-grant', operation: 'add-to-group', groupName: 'mail-admins', userName: 'ci-legacy' },
  },
  'guard-integrity/events-disable-rule.json': {
    rule: 'DisableRule on a guard rule blinds that function',
    expected: { family: 'guard-integrity', resourceType: 'events-rule', resourceName: 'sesguard-prod-identity-policy', effect: expect.stringContaining("disables the guard's EventBridge rule sesguard-prod-identity-policy"), ...GUARD_EU },
  },
  'guard-integrity/events-delete-rule.json': {
    rule: 'DeleteRule on a guard rule',
    expected: { family: 'guard-integrity', resourceType: 'events-rule', resourceName: 'sesguard-prod-event-destination', effect: expect.stringContaining('deletes') },
  },
  'guard-integrity/events-put-rule-disabled.json': {
    rule: 'PutRule with State DISABLED redefines and disables the rule',
    expected: { family: 'guard-integrity', resourceType: 'events-rule', resourceName: 'sesguard-prod-iam-grant', effect: expect.stringContaining('disables') },
  },
  'guard-integrity/events-remove-targets.json': {
    rule: 'RemoveTargets names the rule in `rule`, not `name`',
    expected: { family: 'guard-integrity', resourceType: 'events-rule', resourceName: 'sesguard-prod-custom-verification', effect: expect.stringContaining('removes target sesguard-prod-custom-verification') },
  },
  'guard-integrity/events-put-targets-outside-account.json': {
    rule: 'PutTargets can reroute a guard rule',
    expected: { family: 'guard-integrity', resourceType: 'events-rule', resourceName: 'sesguard-prod-guard-integrity', effect: expect.stringContaining('rerouted') },
  },
  'guard-integrity/lambda-delete-function.json': {
    rule: 'Lambda DeleteFunction is recorded as DeleteFunction20150331',
    expected: { family: 'guard-integrity', eventName: 'DeleteFunction20150331', resourceType: 'lambda-function', resourceName: 'sesguard-prod-identity-policy' },
  },
  'guard-integrity/lambda-update-function-code-by-arn.json': {
    rule: 'UpdateFunctionCode20150331v2 accepts a function ARN; the function name is what is reported',
    expected: { family: 'guard-integrity', resourceType: 'lambda-function', resourceName: 'sesguard-prod-event-destination', effect: expect.stringContaining('replaces the code') },
  },
  'guard-integrity/lambda-update-function-configuration.json': {
    rule: 'UpdateFunctionConfiguration20150331v2 can swap the role or environment',
    expected: { family: 'guard-integrity', resourceName: 'sesguard-prod-iam-grant', effect: expect.stringContaining('configuration') },
  },
  'guard-integrity/lambda-put-function-concurrency-zero.json': {
    rule: 'reserved concurrency 0 means the function can never run',
    expected: { family: 'guard-integrity', resourceName: 'sesguard-prod-custom-verification', effect: expect.stringContaining('to 0, so it can never run') },
  },
  'guard-integrity/lambda-remove-permission.json': {
    rule: 'RemovePermission20150331v2 can stop EventBridge invoking the function',
    expected: { family: 'guard-integrity', resourceName: 'sesguard-prod-guard-integrity', effect: expect.stringContaining('sesguard-prod-guard-integrity-events') },
  },
  'guard-integrity/sns-delete-topic.json': {
    rule: 'DeleteTopic on the alert topic; the topic ARN is the resource',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', resourceName: 'arn:aws:sns:eu-west-1:111122223333:sesguard-prod-alerts' },
  },
  'guard-integrity/sns-unsubscribe.json': {
    rule: 'a subscription ARN is its topic ARN plus the subscription id',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', resourceName: 'arn:aws:sns:eu-west-1:111122223333:sesguard-prod-alerts', effect: expect.stringContaining('removes subscription') },
  },
  'guard-integrity/sns-set-topic-attributes-policy.json': {
    rule: 'SetTopicAttributes Policy can deny the guard Publish',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', effect: expect.stringContaining('attribute Policy') },
  },
  'guard-integrity/sns-remove-permission.json': {
    rule: 'SNS RemovePermission on the alert topic',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', effect: expect.stringContaining('AllowGuardFunctionsPublish') },
  },
  'guard-integrity/iam-delete-role.json': {
    rule: 'DeleteRole on a guard role',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-identity-policy-eu-west-1', region: 'us-east-1' },
  },
  'guard-integrity/iam-delete-role-policy.json': {
    rule: 'DeleteRolePolicy on a guard role',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-iam-grant-us-east-1', effect: expect.stringContaining('sesguard-repair') },
  },
  'guard-integrity/iam-put-role-policy-guard-role.json': {
    rule: "PutRolePolicy on the guard's own role is guard-integrity, not an iam-grant",
    expected: { family: 'guard-integrity', eventName: 'PutRolePolicy', resourceType: 'iam-role', resourceName: 'sesguard-prod-event-destination-eu-west-1' },
  },
  'guard-integrity/iam-attach-role-policy-guard-role.json': {
    rule: "AttachRolePolicy on the guard's own role is guard-integrity, not an iam-grant",
    expected: { family: 'guard-integrity', eventName: 'AttachRolePolicy', resourceName: 'sesguard-prod-custom-verification-eu-west-1', effect: expect.stringContaining('AWSDenyAll') },
  },
  'guard-integrity/iam-detach-role-policy.json': {
    rule: 'DetachRolePolicy strips the guard of its permissions',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-guard-integrity-eu-west-1' },
  },
  'guard-integrity/iam-update-assume-role-policy.json': {
    rule: 'UpdateAssumeRolePolicy changes who can act as the guard',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-identity-policy-eu-west-1', effect: expect.stringContaining('trust policy') },
  },
  'guard-integrity/dynamodb-delete-table.json': {
    rule: 'DeleteTable on the baseline table',
    expected: { family: 'guard-integrity', resourceType: 'dynamodb-table', resourceName: 'sesguard-prod-baseline' },
  },
  'guard-integrity/dynamodb-update-table-by-arn.json': {
    rule: 'DynamoDB accepts a table ARN as TableName',
    expected: { family: 'guard-integrity', resourceType: 'dynamodb-table', resourceName: 'sesguard-prod-idempotency' },
  },
  'guard-integrity/cloudtrail-stop-logging.json': {
    rule: 'StopLogging on any trail blinds the guard',
    expected: { family: 'guard-integrity', resourceType: 'cloudtrail', resourceName: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/management-events', effect: expect.stringContaining('stops logging') },
  },
  'guard-integrity/cloudtrail-delete-trail.json': {
    rule: 'DeleteTrail by the root user',
    expected: { family: 'guard-integrity', resourceType: 'cloudtrail', resourceName: 'management-events', actor: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } },
  },
  'guard-integrity/cloudtrail-update-trail-single-region.json': {
    rule: 'UpdateTrail can drop regions or global events',
    expected: { family: 'guard-integrity', resourceType: 'cloudtrail', resourceName: 'management-events' },
  },
  'guard-integrity/cloudtrail-put-event-selectors-no-management.json': {
    rule: 'PutEventSelectors names the trail in trailName',
    expected: { family: 'guard-integrity', resourceType: 'cloudtrail', resourceName: 'management-events', effect: expect.stringContaining('management events') },
  },
  'guard-integrity/kms-disable-key-by-arn.json': {
    rule: "DisableKey names the alert topic's key by ARN",
    expected: { family: 'guard-integrity', resourceType: 'kms-key', resourceName: SAMPLE_ALERT_KEY_ARN, effect: expect.stringContaining('failure alarms') },
  },
  'guard-integrity/kms-schedule-key-deletion-by-key-id.json': {
    rule: 'ScheduleKeyDeletion names the key by bare id; the response and resources carry the ARN',
    expected: { family: 'guard-integrity', resourceType: 'kms-key', resourceName: SAMPLE_ALERT_KEY_ARN, effect: expect.stringContaining('in 7 days') },
  },
  'guard-integrity/kms-put-key-policy-drops-cloudwatch-and-sns.json': {
    rule: 'PutKeyPolicy on the alert key (by id) can lock CloudWatch and SNS out of it',
    expected: { family: 'guard-integrity', resourceType: 'kms-key', resourceName: SAMPLE_ALERT_KEY_ARN, effect: expect.stringContaining('key policy') },
  },
  'guard-integrity/kms-update-alias-repoints-alert-key.json': {
    rule: "UpdateAlias repoints the guard's alias (aliases are named with the guard prefix)",
    expected: { family: 'guard-integrity', resourceType: 'kms-key', resourceName: 'alias/sesguard-prod-alerts' },
  },
  'guard-integrity/sns-set-subscription-attributes-filter-drops-alerts.json': {
    rule: 'a subscription filter policy can drop every alert',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', resourceName: 'arn:aws:sns:eu-west-1:111122223333:sesguard-prod-alerts', effect: expect.stringContaining('filter policy') },
  },
  'guard-integrity/sns-unsubscribe-by-non-admin.json': {
    rule: 'Unsubscribe from the alert topic is GUARD-001 whoever does it',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', actor: DEV },
  },
  'guard-integrity/sns-set-topic-attributes-aws-managed-key.json': {
    rule: 'an AWS managed key on the topic locks CloudWatch alarms out',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', effect: expect.stringContaining('alias/aws/sns') },
  },
  'guard-integrity/cloudwatch-disable-alarm-actions.json': {
    rule: 'alarmNames is a list: the call is the guard\'s when any name is; CloudWatch events arrive as source aws.monitoring',
    expected: { family: 'guard-integrity', eventSource: 'monitoring.amazonaws.com', resourceType: 'cloudwatch-alarm', resourceName: 'sesguard-prod-identity-policy-errors, sesguard-prod-dead-letter-depth' },
  },
  'guard-integrity/cloudwatch-delete-alarms.json': {
    rule: "DeleteAlarms on the guard's alarm",
    expected: { family: 'guard-integrity', resourceType: 'cloudwatch-alarm', resourceName: 'sesguard-prod-sweep-missed', effect: expect.stringContaining('deletes') },
  },
  'guard-integrity/sqs-delete-queue.json': {
    rule: 'SQS names the queue by URL; the name is its last segment',
    expected: { family: 'guard-integrity', resourceType: 'sqs-queue', resourceName: 'sesguard-prod-dead-letter', effect: expect.stringContaining('deletes') },
  },
  'guard-integrity/sqs-purge-queue.json': {
    rule: 'PurgeQueue destroys the record of what the guard failed on',
    expected: { family: 'guard-integrity', resourceType: 'sqs-queue', effect: expect.stringContaining('purges') },
  },
  'guard-integrity/sqs-set-queue-attributes-retention-one-minute.json': {
    rule: 'SetQueueAttributes values are strings',
    expected: { family: 'guard-integrity', resourceType: 'sqs-queue', effect: expect.stringContaining('MessageRetentionPeriod=60') },
  },
  'guard-integrity/lambda-put-function-event-invoke-config.json': {
    rule: 'PutFunctionEventInvokeConfig has no API-version suffix in CloudTrail',
    expected: { family: 'guard-integrity', resourceType: 'lambda-function', resourceName: 'sesguard-prod-identity-policy', effect: expect.stringContaining('0 retries') },
  },
  'guard-integrity/lambda-delete-function-concurrency.json': {
    rule: 'DeleteFunctionConcurrency20171031 removes the reserved capacity',
    expected: { family: 'guard-integrity', resourceType: 'lambda-function', resourceName: 'sesguard-prod-sweep' },
  },
  'guard-integrity/iam-put-role-permissions-boundary-deny-all.json': {
    rule: 'a permissions boundary can take every permission from a guard role',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-identity-policy-eu-west-1', effect: expect.stringContaining('AWSDenyAll') },
  },
  'guard-integrity/iam-delete-role-permissions-boundary.json': {
    rule: "DeleteRolePermissionsBoundary on a guard role",
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-sweep-eu-west-1' },
  },
  'guard-integrity/iam-create-role-named-like-guard.json': {
    rule: 'CreateRole of a role named like the guard (it used to be skipped as the guard\'s own)',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-backdoor', effect: expect.stringContaining('posing as the guard') },
  },
  'guard-integrity/iam-create-role-guard-prefix-as-path.json': {
    rule: 'CreateRole with the guard prefix as its path',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'mail-helper', effect: expect.stringContaining('/sesguard-prod-/mail-helper') },
  },
  'guard-integrity/iam-detach-user-policy-quarantine.json': {
    rule: 'detaching the quarantine policy undoes a repair',
    expected: { family: 'guard-integrity', resourceType: 'iam-policy', quarantineUndone: { principalType: 'user', principalName: 'ci-legacy', policyArn: 'arn:aws:iam::111122223333:policy/sesguard-quarantine' } },
  },
  'guard-integrity/iam-detach-group-policy-perimeter-deny.json': {
    rule: "detaching the guard's perimeter-deny policy from a group puts the IAM grant it neutralised back for every member",
    expected: { family: 'guard-integrity', resourceType: 'iam-policy', resourceName: 'arn:aws:iam::111122223333:policy/sesguard-quarantine-perimeter-deny' },
  },
  'guard-integrity/iam-detach-role-policy-quarantine.json': {
    rule: 'detaching the quarantine policy from any role (not only a guard role)',
    expected: { family: 'guard-integrity', quarantineUndone: { principalType: 'role', principalName: 'app-backend' } },
  },
  'guard-integrity/scheduler-update-schedule-disabled.json': {
    rule: "Scheduler UpdateSchedule with state DISABLED stops the sweep",
    expected: { family: 'guard-integrity', resourceType: 'scheduler-schedule', resourceName: 'sesguard-prod-sweep', effect: expect.stringContaining('disables') },
  },
  'guard-integrity/scheduler-delete-schedule.json': {
    rule: 'Scheduler DeleteSchedule',
    expected: { family: 'guard-integrity', resourceType: 'scheduler-schedule', resourceName: 'sesguard-prod-sweep' },
  },
  'guard-integrity/states-stop-execution-sweep.json': {
    rule: 'Step Functions StopExecution names the execution; its state machine (field 7) is the guard\'s sweep',
    expected: { family: 'guard-integrity', resourceType: 'state-machine', resourceName: 'arn:aws:states:eu-west-1:111122223333:execution:sesguard-prod-sweep:scheduled-2026-11-24T12-00' },
  },
  'guard-integrity/states-update-state-machine-sweep.json': {
    rule: 'Step Functions UpdateStateMachine on the sweep state machine',
    expected: { family: 'guard-integrity', resourceType: 'state-machine', resourceName: 'arn:aws:states:eu-west-1:111122223333:stateMachine:sesguard-prod-sweep' },
  },
  'guard-integrity/states-delete-state-machine-sweep.json': {
    rule: 'Step Functions DeleteStateMachine on the sweep state machine',
    expected: { family: 'guard-integrity', resourceType: 'state-machine', resourceName: 'arn:aws:states:eu-west-1:111122223333:stateMachine:sesguard-prod-sweep' },
  },
  'guard-integrity/events-disable-rule-sweep.json': {
    rule: 'DisableRule on a scheduled sweep rule',
    expected: { family: 'guard-integrity', resourceType: 'events-rule', resourceName: 'sesguard-prod-sweep' },
  },
  'guard-integrity/lambda-update-function-event-invoke-config.json': {
    rule: 'UpdateFunctionEventInvokeConfig (no API-version suffix) can drop failed events',
    expected: { family: 'guard-integrity', resourceType: 'lambda-function', resourceName: 'sesguard-prod-custom-verification', effect: expect.stringContaining('0 retries') },
  },
  'guard-integrity/lambda-delete-function-event-invoke-config.json': {
    rule: 'DeleteFunctionEventInvokeConfig removes the on-failure destination',
    expected: { family: 'guard-integrity', resourceType: 'lambda-function', resourceName: 'sesguard-prod-event-destination', effect: expect.stringContaining('dead-letter queue') },
  },
  'guard-integrity/sns-add-permission-outside-account.json': {
    rule: 'AddPermission on the alert topic lets someone publish forged alerts',
    expected: { family: 'guard-integrity', resourceType: 'sns-topic', effect: expect.stringContaining('forged alerts') },
  },
  'guard-integrity/kms-delete-alias.json': {
    rule: "DeleteAlias on the guard's key alias",
    expected: { family: 'guard-integrity', resourceType: 'kms-key', resourceName: 'alias/sesguard-prod-alerts' },
  },
  'guard-integrity/cloudwatch-put-metric-alarm-no-actions.json': {
    rule: "PutMetricAlarm redefines the guard's alarm (here: no actions, an unreachable threshold)",
    expected: { family: 'guard-integrity', resourceType: 'cloudwatch-alarm', resourceName: 'sesguard-prod-dead-letter' },
  },
  'guard-integrity/iam-create-policy-version-quarantine-allow.json': {
    rule: "CreatePolicyVersion turning the guard's revoke-sessions policy into an Allow (anything but the guard's cut-off)",
    expected: { family: 'guard-integrity', resourceType: 'iam-policy', resourceName: 'arn:aws:iam::111122223333:policy/sesguard-quarantine-revoke-sessions' },
  },
  'guard-integrity/iam-set-default-policy-version-quarantine.json': {
    rule: "SetDefaultPolicyVersion on the guard's quarantine policy",
    expected: { family: 'guard-integrity', resourceType: 'iam-policy', effect: expect.stringContaining('v1') },
  },
  'guard-integrity/iam-delete-policy-quarantine.json': {
    rule: "DeletePolicy of the guard's quarantine policy",
    expected: { family: 'guard-integrity', resourceType: 'iam-policy', effect: expect.stringContaining('nothing can be quarantined') },
  },
  'custom-verification/send-forged-by-lambda-invoke.json': {
    rule: 'a forged event parses like a real one: only CloudTrail can tell (verified before any quarantine)',
    expected: { family: 'custom-verification', operation: 'send', actor: DEV },
  },
};

const skips: Record<string, Case & { expected: { reason: SkipReason; detail: unknown } }> = {
  'skipped/failed-call-access-denied.json': {
    rule: 'a call with errorCode changed nothing; the skip says the code and the message',
    expected: { reason: 'failed-call', detail: expect.stringMatching(/^AccessDenied: User: arn:aws:iam::111122223333:user\/dev-bob is not authorized/) },
  },
  'skipped/own-role-guard-repair.json': {
    rule: "the guard's own role (the exact role ARN the deployment created) is its repair, never judged again",
    expected: { reason: 'own-role', detail: expect.stringContaining('arn:aws:iam::111122223333:role/sesguard-prod-identity-policy-eu-west-1') },
  },
  'skipped/own-role-revoke-sessions-cut-off.json': {
    rule: "the guard advancing its own revoke-sessions cut-off: not GUARD-001 (it is the guard's deny, exactly), and its own repair for iam-grant",
    expected: { reason: 'own-role', detail: expect.stringContaining('sesguard-prod-custom-verification-eu-west-1') },
  },
  'skipped/unsupported-ses-send-email-delegated.json': {
    rule: 'SendEmail is not a perimeter change',
    expected: { reason: 'unsupported-event', detail: expect.stringContaining('ses.amazonaws.com SendEmail') },
  },
  'skipped/unsupported-ses-delete-identity-policy.json': {
    rule: 'deleting an identity policy narrows the perimeter; not judged',
    expected: { reason: 'unsupported-event', detail: expect.stringContaining('DeleteIdentityPolicy') },
  },
  'skipped/not-a-guard-resource-lambda-update.json': {
    rule: 'UpdateFunctionCode on a function without the guard prefix is not a guard-integrity change',
    expected: { reason: 'unsupported-event', detail: expect.stringContaining('function orders-api is not a guard resource') },
  },
};

function sampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sampleFiles(path);
    // `<event>.state.json` is a replay sidecar standing in for what IAM would answer, not an event.
    return entry.name.endsWith('.json') && !entry.name.endsWith('.state.json') ? [relative(EVENTS_DIR, path)] : [];
  });
}

function load(file: string): { envelope: unknown; detail: { eventID: string; eventName: string; eventSource: string; eventTime: string } } {
  const envelope = JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as { detail: { eventID: string; eventName: string; eventSource: string; eventTime: string } };
  return { envelope, detail: envelope.detail };
}

describe('events/ samples', () => {
  const files = sampleFiles(EVENTS_DIR).sort();

  it('every sample has an expectation here, and every expectation a sample', () => {
    expect(files).toEqual(Object.keys({ ...changes, ...skips }).sort());
  });

  it.each(Object.entries(changes))('%s parses: %s', (file, { expected }) => {
    const { envelope, detail } = load(file);
    const parsed: ParsedEvent = parse(envelope, OPTIONS);
    expect(parsed).not.toHaveProperty('skip');
    expect(parsed).toMatchObject({ eventId: detail.eventID, eventName: detail.eventName, eventSource: detail.eventSource, eventTime: detail.eventTime, accountId: '111122223333', ...expected });
    expect(file.split('/')[0]).toBe((parsed as { family: string }).family);
  });

  it.each(Object.entries(skips))('%s is skipped: %s', (file, { expected }) => {
    const { envelope, detail } = load(file);
    expect(parse(envelope, OPTIONS)).toEqual({ skip: true, eventId: detail.eventID, eventName: detail.eventName, ...expected });
  });

  it('every SUPPORTED_EVENTS row has a sample that parses to its family (the patterns are tested against these files)', () => {
    const seen = new Set<string>();
    for (const file of Object.keys(changes)) {
      const parsed = parse(load(file).envelope, OPTIONS);
      if (!('skip' in parsed)) seen.add(`${parsed.eventSource} ${parsed.eventName} ${parsed.family}`);
    }
    const missing = SUPPORTED_EVENTS.map((e) => `${e.eventSource} ${e.eventName} ${e.family}`).filter((k) => !seen.has(k));
    expect(missing).toEqual([]);
  });
});
