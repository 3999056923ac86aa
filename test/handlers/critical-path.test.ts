import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteEmailIdentityPolicyCommand, GetEmailIdentityPoliciesCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { CallTimeline } from '../support/call-timeline.ts';
import { ACCOUNT, enforceConfig, policyDocument, sample, useGuardHarness } from './harness.ts';

/**
 * The exposure window in AWS round trips (issue 15): every call the identity-policy function sends for one
 * event, and the longest chain of them that had to wait for one another (calls sent side by side count
 * once). SES and SNS answer after a few milliseconds, so calls that overlap really do; DynamoDB is the
 * emulator. The numbers are call counts, never times.
 */

const h = useGuardHarness({ region: 'eu-west-1' });
const timeline = new CallTimeline();
const IDENTITY_ARN = `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/example.com`;

interface Sender {
  send(this: unknown, command: { constructor: { name: string } }, ...rest: unknown[]): Promise<unknown>;
}
// DynamoDB's clients (the raw one Powertools uses, the document client of the baseline store) share the
// SDK's base client; SES and SNS are stubbed on their own classes by aws-sdk-client-mock.
const sdkClientBase = Object.getPrototypeOf(DynamoDBClient.prototype) as Sender;
const originalSend = sdkClientBase.send;
const answerAfter = <T>(name: string, answer: () => T): Promise<T> => timeline.record(name, () => new Promise<T>((resolve) => setTimeout(() => resolve(answer()), 3)));

beforeAll(() => {
  sdkClientBase.send = function send(this: unknown, command, ...rest) {
    return timeline.record(`DynamoDB.${command.constructor.name.replace(/Command$/, '')}`, () => originalSend.call(this, command, ...rest));
  };
});
afterAll(() => {
  sdkClientBase.send = originalSend;
});

function identityPolicies(initial: Record<string, string>): void {
  const policies = { ...initial };
  h.sesv2.on(GetEmailIdentityPoliciesCommand).callsFake(() => answerAfter('SESv2.GetEmailIdentityPolicies', () => ({ Policies: { ...policies } })));
  h.sesv2.on(DeleteEmailIdentityPolicyCommand).callsFake((input: { PolicyName: string }) =>
    answerAfter('SESv2.DeleteEmailIdentityPolicy', () => {
      delete policies[input.PolicyName];
      return {};
    }),
  );
}

beforeEach(() => {
  h.sns.on(PublishCommand).callsFake(() => answerAfter('SNS.Publish', () => ({ MessageId: 'm-1' })));
});

describe('identity-policy function: AWS round trips per event', () => {
  it('a compliant change: the state read beside the lock and the baseline fetch, then the baseline; no alert record', async () => {
    identityPolicies({
      'marketing-mailer-send': policyDocument({
        Sid: 'MarketingMailerSendsNewsletter',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/marketing-mailer` },
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: IDENTITY_ARN,
        Condition: { StringLike: { 'ses:FromAddress': 'newsletter@example.com' } },
      }),
    });
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    timeline.clear();

    expect(await invoke(sample('identity-policy/v1-put-policy-trusted-role-from-address'))).toMatchObject({ verdict: 'compliant', alerted: false });

    // Decision lock, SES read, baseline fetch (unused: compliant), baseline write, decision record. No alert records.
    expect(timeline.names().sort()).toEqual(
      ['DynamoDB.Get', 'DynamoDB.Put', 'DynamoDB.PutItem', 'DynamoDB.UpdateItem', 'SESv2.GetEmailIdentityPolicies'].sort(),
    );
    expect(timeline.criticalPath().map((c) => c.name)).toHaveLength(3);
  });

  it('a noncompliant change: 5 round trips from the event to the published alert, one SES read before the repair and one after', async () => {
    identityPolicies({ 'allow-all': policyDocument({ Sid: 'AnyoneMaySend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: IDENTITY_ARN }) });
    const invoke = await h.coldStart('identity-policy', enforceConfig());
    timeline.clear();

    expect(await invoke(sample('identity-policy/v2-create-policy-public-principal'))).toMatchObject({ verdict: 'noncompliant', steps: ['ses.delete-identity-policy:done'], alerted: true });

    expect(timeline.names().filter((n) => n === 'SESv2.GetEmailIdentityPolicies')).toHaveLength(2);
    expect(timeline.names()).toHaveLength(9);
    const path = timeline.criticalPath((c) => c.name === 'SNS.Publish').map((c) => c.name);
    // Lock/read/baseline side by side, the delete, the re-read, the alert lock beside the decision record, the publish.
    expect(path).toHaveLength(5);
    expect(path.slice(1, 3)).toEqual(['SESv2.DeleteEmailIdentityPolicy', 'SESv2.GetEmailIdentityPolicies']);
    expect(path.at(-1)).toBe('SNS.Publish');
  });
});
