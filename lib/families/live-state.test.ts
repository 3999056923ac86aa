import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetConfigurationSetEventDestinationsCommand,
  GetCustomVerificationEmailTemplateCommand,
  GetEmailIdentityPoliciesCommand,
  NotFoundException,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { IAMClient } from '@aws-sdk/client-iam';
import { StateRegionMismatchError } from './state-errors.ts';
import { familyById, type KnownState } from './index.ts';
import { REQUEST_TIMEOUTS } from '../aws/client-factory.ts';
import type { Change } from '../cloudtrail/types.ts';
import { eventDestinationChange, guardChange, identityPolicyChange, sendChange, templateChange } from '../../test/support/changes.ts';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const sesMock = mockClient(SESv2Client);
const iamMock = mockClient(IAMClient);
afterEach(() => {
  sesMock.reset();
  iamMock.reset();
});

/** Each family's live reader, with clients as the functions make them (SES in the change's region, IAM in us-east-1). */
const reader = (region = 'eu-west-1') => ({
  read(change: Change) {
    const family = familyById(change.family);
    if (!family) throw new Error(`no family ${change.family}`);
    const connection = family.connect((Client, service) => new Client({ region: service === 'IAM' ? 'us-east-1' : region, credentials, maxAttempts: 3, retryMode: 'standard', requestHandler: REQUEST_TIMEOUTS }));
    return connection.read(change) as Promise<KnownState>;
  },
});

const SEND_ONLY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowPartnerToSend',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Resource: 'arn:aws:ses:eu-west-1:111122223333:identity/example.com',
      Condition: { StringLike: { 'ses:FromAddress': 'noreply@example.com' } },
    },
  ],
});

const notFound = (message: string) => new NotFoundException({ message, $metadata: { httpStatusCode: 404 } });

describe('identity policy: sesv2 GetEmailIdentityPolicies', () => {
  const cases: Array<{ name: string; policies?: Record<string, string>; error?: Error; expected: { rawDocument: string | null; parsed: boolean } }> = [
    { name: 'the named policy is returned as AWS holds it and parsed', policies: { SendOnly: SEND_ONLY, Other: '{}' }, expected: { rawDocument: SEND_ONLY, parsed: true } },
    { name: 'a URL-encoded document is decoded before parsing', policies: { SendOnly: encodeURIComponent(SEND_ONLY) }, expected: { rawDocument: SEND_ONLY, parsed: true } },
    { name: 'a policy no longer on the identity is absent (rawDocument null)', policies: { Other: SEND_ONLY }, expected: { rawDocument: null, parsed: false } },
    { name: 'an identity with no policies at all: absent', policies: {}, expected: { rawDocument: null, parsed: false } },
    { name: 'a deleted identity (NotFoundException): absent', error: notFound('Email identity example.com does not exist.'), expected: { rawDocument: null, parsed: false } },
  ];
  it.each(cases)('$name', async ({ policies, error, expected }) => {
    if (error) sesMock.on(GetEmailIdentityPoliciesCommand).rejects(error);
    else sesMock.on(GetEmailIdentityPoliciesCommand).resolves({ Policies: policies });
    const state = await reader().read(identityPolicyChange());
    expect(state).toMatchObject({
      kind: 'identity-policy',
      identity: 'example.com',
      identityArn: 'arn:aws:ses:eu-west-1:111122223333:identity/example.com',
      policyName: 'SendOnly',
      rawDocument: expected.rawDocument,
    });
    if (state.kind !== 'identity-policy') throw new Error('wrong kind');
    if (expected.parsed) {
      expect(state.document?.statements[0]).toMatchObject({ sid: 'AllowPartnerToSend', effect: 'Allow', action: ['ses:SendEmail', 'ses:SendRawEmail'] });
      expect(state.parseErrors).toBeUndefined();
    } else {
      expect(state.document).toBeNull();
    }
    expect(sesMock.commandCalls(GetEmailIdentityPoliciesCommand).map((c) => c.args[0].input)).toEqual([{ EmailIdentity: 'example.com' }]);
  });

  it('reports a document it cannot parse as parseErrors naming the field (never guesses)', async () => {
    sesMock.on(GetEmailIdentityPoliciesCommand).resolves({ Policies: { SendOnly: '{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"ses:SendEmail","Resource":"*"}]}' } });
    const state = await reader().read(identityPolicyChange());
    expect(state).toMatchObject({ kind: 'identity-policy', document: null });
    expect(state.kind === 'identity-policy' && state.parseErrors?.some((e) => e.startsWith('Statement[0].Effect'))).toBe(true);
  });

  it('lets any other SES error through: throttling is not "absent"', async () => {
    sesMock.on(GetEmailIdentityPoliciesCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(reader().read(identityPolicyChange())).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });

  it('refuses to read a change from another region (it would find nothing and call it deleted)', async () => {
    await expect(reader('us-west-2').read(identityPolicyChange())).rejects.toBeInstanceOf(StateRegionMismatchError);
    expect(sesMock.calls()).toHaveLength(0);
  });
});

describe('event destination: sesv2 GetConfigurationSetEventDestinations', () => {
  const sesDestinations = [
    { Name: 'to-cloudwatch', Enabled: true, MatchingEventTypes: ['SEND' as const], CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'tag', DimensionValueSource: 'MESSAGE_TAG' as const, DefaultDimensionValue: 'none' }] } },
    { Name: 'to-sns', Enabled: true, MatchingEventTypes: ['BOUNCE' as const, 'COMPLAINT' as const], SnsDestination: { TopicArn: 'arn:aws:sns:eu-west-1:999988887777:exfil' } },
    { Name: 'to-firehose', MatchingEventTypes: ['DELIVERY' as const], KinesisFirehoseDestination: { DeliveryStreamArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/mail', IamRoleArn: 'arn:aws:iam::111122223333:role/ses-firehose' } },
    { Name: 'to-bus', Enabled: false, MatchingEventTypes: ['OPEN' as const], EventBridgeDestination: { EventBusArn: 'arn:aws:events:eu-west-1:999988887777:event-bus/default' } },
    { Name: 'to-pinpoint', Enabled: true, MatchingEventTypes: ['CLICK' as const], PinpointDestination: { ApplicationArn: 'arn:aws:mobiletargeting:eu-west-1:111122223333:apps/abc' } },
  ];
  const cases = [
    { name: 'SNS topic', destinationName: 'to-sns', expected: { name: 'to-sns', enabled: true, matchingEventTypes: ['BOUNCE', 'COMPLAINT'], snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:999988887777:exfil' } } },
    {
      name: 'Firehose stream with its role (Enabled omitted means disabled)',
      destinationName: 'to-firehose',
      expected: { name: 'to-firehose', enabled: false, matchingEventTypes: ['DELIVERY'], kinesisFirehoseDestination: { deliveryStreamArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/mail', iamRoleArn: 'arn:aws:iam::111122223333:role/ses-firehose' } },
    },
    { name: 'EventBridge bus (v2 only)', destinationName: 'to-bus', expected: { name: 'to-bus', enabled: false, matchingEventTypes: ['OPEN'], eventBridgeDestination: { eventBusArn: 'arn:aws:events:eu-west-1:999988887777:event-bus/default' } } },
    { name: 'Pinpoint application (v2 only)', destinationName: 'to-pinpoint', expected: { name: 'to-pinpoint', enabled: true, matchingEventTypes: ['CLICK'], pinpointDestination: { applicationArn: 'arn:aws:mobiletargeting:eu-west-1:111122223333:apps/abc' } } },
    {
      name: 'CloudWatch dimensions',
      destinationName: 'to-cloudwatch',
      expected: { name: 'to-cloudwatch', enabled: true, matchingEventTypes: ['SEND'], cloudWatchDestination: { dimensionConfigurations: [{ dimensionName: 'tag', dimensionValueSource: 'MESSAGE_TAG', defaultDimensionValue: 'none' }] } },
    },
    { name: 'a destination no longer in the set is absent', destinationName: 'deleted-since', expected: null },
  ];
  it.each(cases)('$name', async ({ destinationName, expected }) => {
    sesMock.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: sesDestinations });
    const state = await reader().read(eventDestinationChange({ target: { configurationSet: 'transactional', destinationName } }));
    expect(state).toEqual({
      kind: 'event-destination',
      configurationSet: 'transactional',
      configurationSetArn: 'arn:aws:ses:eu-west-1:111122223333:configuration-set/transactional',
      destination: expected,
    });
    expect(sesMock.commandCalls(GetConfigurationSetEventDestinationsCommand).map((c) => c.args[0].input)).toEqual([{ ConfigurationSetName: 'transactional' }]);
  });

  it('a deleted configuration set (NotFoundException): destination absent', async () => {
    sesMock.on(GetConfigurationSetEventDestinationsCommand).rejects(notFound('Configuration set <transactional> does not exist.'));
    expect(await reader().read(eventDestinationChange())).toMatchObject({ kind: 'event-destination', destination: null });
  });
});

describe('custom verification: sesv2 GetCustomVerificationEmailTemplate', () => {
  it('reads the template as SES holds it now', async () => {
    sesMock.on(GetCustomVerificationEmailTemplateCommand).resolves({
      TemplateName: 'welcome',
      FromEmailAddress: 'verify@example.com',
      TemplateSubject: 'Please verify',
      TemplateContent: '<p>Hi</p>',
      SuccessRedirectionURL: 'https://example.com/ok',
      FailureRedirectionURL: 'https://example.com/fail',
    });
    expect(await reader().read(templateChange())).toEqual({
      kind: 'verification-template',
      templateName: 'welcome',
      templateArn: 'arn:aws:ses:eu-west-1:111122223333:custom-verification-email-template/welcome',
      template: {
        fromEmailAddress: 'verify@example.com',
        templateSubject: 'Please verify',
        templateContent: '<p>Hi</p>',
        successRedirectionURL: 'https://example.com/ok',
        failureRedirectionURL: 'https://example.com/fail',
      },
    });
    expect(sesMock.commandCalls(GetCustomVerificationEmailTemplateCommand).map((c) => c.args[0].input)).toEqual([{ TemplateName: 'welcome' }]);
  });

  it('a deleted template (NotFoundException): template null', async () => {
    sesMock.on(GetCustomVerificationEmailTemplateCommand).rejects(notFound('Template welcome does not exist.'));
    expect(await reader().read(templateChange())).toMatchObject({ kind: 'verification-template', template: null });
  });

  it('sending is an action: the state comes from the change and nothing is read', async () => {
    expect(await reader().read(sendChange())).toEqual({ kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'victim@example.org' });
    expect(sesMock.calls()).toHaveLength(0);
  });
});

describe('guard integrity', () => {
  it('is judged from the event: nothing is read', async () => {
    const change = guardChange();
    expect(await reader().read(change)).toEqual({ kind: 'guard-integrity', change });
    expect(sesMock.calls()).toHaveLength(0);
    expect(iamMock.calls()).toHaveLength(0);
  });
});
