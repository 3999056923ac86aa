import { describe, expect, it } from 'vitest';
import { envelopeOf, historyEntries, recogniseHistory } from './sources.ts';

const record = { eventVersion: '1.09', eventID: 'e-1', eventTime: '2026-11-24T06:00:00Z', eventSource: 'ses.amazonaws.com', eventName: 'PutIdentityPolicy', awsRegion: 'eu-west-1', recipientAccountId: '111122223333', userIdentity: { type: 'IAMUser' } };

describe('CloudTrail history formats', () => {
  it.each([
    { name: 'an EventBridge envelope', value: envelopeOf(record), format: 'eventbridge-envelope' },
    { name: 'a raw record', value: record, format: 'cloudtrail-record' },
    { name: 'an S3 log file', value: { Records: [record] }, format: 'cloudtrail-log-file' },
    { name: 'lookup-events output', value: { Events: [{ EventId: 'e-1', CloudTrailEvent: JSON.stringify(record) }] }, format: 'lookup-events' },
    { name: 'a list of records', value: [record, record], format: 'event-list' },
    { name: 'an IAM policy', value: { Version: '2012-10-17', Statement: [] }, format: undefined },
    { name: 'an empty list', value: [], format: undefined },
  ])('$name -> $format', ({ value, format }) => {
    expect(recogniseHistory(value)).toBe(format);
  });

  it('wraps a record in the envelope EventBridge delivers for it (source from eventSource, detail-type from eventType)', () => {
    expect(envelopeOf(record)).toEqual({
      version: '0',
      id: 'e-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ses',
      account: '111122223333',
      time: '2026-11-24T06:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: record,
    });
    expect(envelopeOf({ ...record, eventType: 'AwsConsoleSignIn' })['detail-type']).toBe('AWS Console Sign In via CloudTrail');
  });

  it('a CloudTrailEvent that is not a JSON string is a problem of that entry only', () => {
    const entries = historyEntries({ Events: [{ CloudTrailEvent: '{oops' }, { CloudTrailEvent: JSON.stringify(record) }, { EventId: 'x' }] })?.entries ?? [];
    expect(entries.map((e) => e.problem?.split(':')[0] ?? 'ok')).toEqual(['Events[0].CloudTrailEvent', 'ok', 'Events[2].CloudTrailEvent']);
    expect(entries[1]).toMatchObject({ position: 'Events[1]', record, wrapped: true });
  });
});
