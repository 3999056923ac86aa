import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { claimDifferences, EventNotVerifiedError, verifyEventInCloudTrail, type EventClaim } from './verify-event.ts';
import { verifyDelays, VERIFY_MAX_WAIT_MS } from './verify-wait.ts';

const claim: EventClaim = {
  eventId: '5b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4',
  eventName: 'SendCustomVerificationEmail',
  eventSource: 'ses.amazonaws.com',
  eventTime: '2026-11-24T16:20:11Z',
  region: 'eu-west-1',
  accountId: '111122223333',
  actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/dev-bob' },
};
const recorded = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ eventID: claim.eventId, eventName: claim.eventName, eventSource: claim.eventSource, eventTime: claim.eventTime, awsRegion: claim.region, recipientAccountId: claim.accountId, userIdentity: { type: 'IAMUser', arn: claim.actor.arn }, ...overrides });

const client = new CloudTrailClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
const mock = mockClient(client);
const sleeps: number[] = [];
const options = { delays: [5_000, 10_000, 20_000], sleep: async (ms: number) => void sleeps.push(ms) };

describe('verifyEventInCloudTrail: an event is acted on only as CloudTrail recorded it', () => {
  it('looks the event up by EventId and accepts it when every field that matters agrees', async () => {
    mock.reset();
    mock.on(LookupEventsCommand).resolves({ Events: [{ EventId: claim.eventId, CloudTrailEvent: recorded() }] });
    await expect(verifyEventInCloudTrail(client, claim, options)).resolves.toBeUndefined();
    expect(mock.commandCalls(LookupEventsCommand).map((c) => c.args[0].input)).toEqual([{ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: claim.eventId }], MaxResults: 1 }]);
  });

  it('"not found yet" is retried with backoff (CloudTrail indexes events minutes late), then found', async () => {
    mock.reset();
    sleeps.length = 0;
    mock.on(LookupEventsCommand).resolvesOnce({ Events: [] }).resolvesOnce({ Events: [] }).resolves({ Events: [{ EventId: claim.eventId, CloudTrailEvent: recorded() }] });
    await verifyEventInCloudTrail(client, claim, options);
    expect(sleeps).toEqual([5_000, 10_000]);
  });

  it('a throttled lookup (two per second per account and Region) is waited out, not a failure', async () => {
    mock.reset();
    mock.on(LookupEventsCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({ Events: [{ EventId: claim.eventId, CloudTrailEvent: recorded() }] });
    await expect(verifyEventInCloudTrail(client, claim, options)).resolves.toBeUndefined();
  });

  it('never found within the bounded wait: not verified, saying how long it looked', async () => {
    mock.reset();
    sleeps.length = 0;
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    await expect(verifyEventInCloudTrail(client, claim, options)).rejects.toThrow(/not in CloudTrail's event history of eu-west-1 after 4 lookups over 35 s/);
    expect(sleeps).toEqual([5_000, 10_000, 20_000]);
  });

  it('an event claiming another region cannot be verified here (each region has its own event history)', async () => {
    mock.reset();
    await expect(verifyEventInCloudTrail(client, { ...claim, region: 'us-west-2' }, options)).rejects.toThrow(EventNotVerifiedError);
    expect(mock.commandCalls(LookupEventsCommand)).toEqual([]);
  });

  it('AccessDenied is not "forged": it propagates as the error it is', async () => {
    mock.reset();
    mock.on(LookupEventsCommand).rejects(Object.assign(new Error('not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' }));
    await expect(verifyEventInCloudTrail(client, claim, options)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('the default wait stays under what the function timeout allows (scripts/deploy/function-scope.ts)', () => {
    const total = verifyDelays().reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(VERIFY_MAX_WAIT_MS);
    expect(verifyDelays().every((d) => d >= 5_000 && d <= 60_000)).toBe(true);
  });
});

describe('claimDifferences', () => {
  it.each([
    ['another actor', { userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' } }, /userIdentity\.arn: recorded .*alice, delivered .*dev-bob/],
    ['another call', { eventName: 'ListIdentities' }, /eventName: recorded ListIdentities/],
    ['another time', { eventTime: '2026-11-24T16:20:12Z' }, /eventTime/],
    ['a call that failed', { errorCode: 'AccessDenied' }, /errorCode: recorded AccessDenied \(the call failed\)/],
    ['another account', { recipientAccountId: '444455556666' }, /recipientAccountId/],
  ])('%s is a difference', (_name, overrides, expected) => {
    expect(claimDifferences(claim, recorded(overrides)).join('; ')).toMatch(expected);
  });

  it('a record that is not JSON is a difference, not a pass', () => {
    expect(claimDifferences(claim, 'not json')).toEqual(['CloudTrailEvent: is not JSON']);
  });
});
