import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCloudTrailEvent, type ParseOptions } from '../cloudtrail/parse.ts';
import { EVENT_PARSERS } from './index.ts';
import { SUPPORTED_EVENTS } from './index.ts';
import type { Change, Skip, SkipReason } from '../cloudtrail/types.ts';

type ParsedEvent = Change | Skip;

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
const OPTIONS: ParseOptions = { ownRoleArns: ['arn:aws:iam::111122223333:role/sesguard-prod-*'], guardResourcePrefix: 'sesguard-prod-' };
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
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-identity-policy', region: 'us-east-1' },
  },
  'guard-integrity/iam-delete-role-policy.json': {
    rule: 'DeleteRolePolicy on a guard role',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-iam-grant', effect: expect.stringContaining('sesguard-repair') },
  },
  'guard-integrity/iam-put-role-policy-guard-role.json': {
    rule: "PutRolePolicy on the guard's own role is guard-integrity, not an iam-grant",
    expected: { family: 'guard-integrity', eventName: 'PutRolePolicy', resourceType: 'iam-role', resourceName: 'sesguard-prod-event-destination' },
  },
  'guard-integrity/iam-attach-role-policy-guard-role.json': {
    rule: "AttachRolePolicy on the guard's own role is guard-integrity, not an iam-grant",
    expected: { family: 'guard-integrity', eventName: 'AttachRolePolicy', resourceName: 'sesguard-prod-custom-verification', effect: expect.stringContaining('AWSDenyAll') },
  },
  'guard-integrity/iam-detach-role-policy.json': {
    rule: 'DetachRolePolicy strips the guard of its permissions',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-guard-integrity' },
  },
  'guard-integrity/iam-update-assume-role-policy.json': {
    rule: 'UpdateAssumeRolePolicy changes who can act as the guard',
    expected: { family: 'guard-integrity', resourceType: 'iam-role', resourceName: 'sesguard-prod-identity-policy', effect: expect.stringContaining('trust policy') },
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
};

const skips: Record<string, Case & { expected: { reason: SkipReason; detail: unknown } }> = {
  'skipped/failed-call-access-denied.json': {
    rule: 'a call with errorCode changed nothing; the skip says the code and the message',
    expected: { reason: 'failed-call', detail: expect.stringMatching(/^AccessDenied: User: arn:aws:iam::111122223333:user\/dev-bob is not authorized/) },
  },
  'skipped/own-role-guard-repair.json': {
    rule: "the guard's own role (session issuer sesguard-prod-*) is its repair, never judged again",
    expected: { reason: 'own-role', detail: expect.stringContaining('arn:aws:iam::111122223333:role/sesguard-prod-identity-policy') },
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
    expected: { reason: 'unsupported-event', detail: expect.stringContaining('orders-api, which is not a guard resource') },
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
