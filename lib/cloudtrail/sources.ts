import { CLOUDTRAIL_API_CALL, eventBridgeSourceOf } from './record.ts';
import { isRecord } from '../json-value.ts';

/**
 * CloudTrail history as it is stored and exported, turned into the EventBridge envelopes the guard's
 * functions receive, so `sesguard replay` judges a team's own history with the runtime's code:
 * - an EventBridge envelope (`detail-type`, `detail`): as is;
 * - a raw CloudTrail record (`eventVersion`, `eventID`, `eventSource`, ...): wrapped;
 * - a CloudTrail log file as a trail writes it to S3, `{"Records": [...]}` (CloudTrail User Guide,
 *   "CloudTrail log file examples"), gunzipped by the reader: each record wrapped;
 * - `aws cloudtrail lookup-events` output, `{"Events": [{..., "CloudTrailEvent": "<record as JSON text>"}]}`
 *   (CloudTrail API Reference, LookupEvents and the Event data type): each CloudTrailEvent parsed and wrapped;
 * - a JSON array of envelopes or records.
 */

export type HistoryFormat = 'eventbridge-envelope' | 'cloudtrail-record' | 'cloudtrail-log-file' | 'lookup-events' | 'event-list';

export const HISTORY_FORMAT_NAMES: Record<HistoryFormat, string> = {
  'eventbridge-envelope': 'an EventBridge envelope of a CloudTrail event',
  'cloudtrail-record': 'a CloudTrail record',
  'cloudtrail-log-file': 'a CloudTrail log file ({"Records": [...]})',
  'lookup-events': 'aws cloudtrail lookup-events output',
  'event-list': 'a list of CloudTrail events',
};

/** One event of a history input, as the envelope the guard judges. */
export interface HistoryEntry {
  envelope: unknown;
  /** Where in the input (`Records[3]`, `Events[0]`), empty for a single-event input. */
  position: string;
  /** The CloudTrail record itself (`detail`), when the entry has one. */
  record?: Record<string, unknown>;
  /** A raw record wrapped here (history as stored), rather than an envelope EventBridge delivered. */
  wrapped: boolean;
  /** Why the entry cannot be read (a CloudTrailEvent string that is not JSON); the envelope is then undefined. */
  problem?: string;
}


function isEnvelope(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && 'detail-type' in value && 'detail' in value;
}

function isCloudTrailRecord(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value['eventName'] === 'string' && typeof value['eventSource'] === 'string' && ('eventID' in value || 'eventVersion' in value);
}

/** Which history format `value` is, or undefined when it is none of them. */
export function recogniseHistory(value: unknown): HistoryFormat | undefined {
  if (isEnvelope(value)) return 'eventbridge-envelope';
  if (isCloudTrailRecord(value)) return 'cloudtrail-record';
  if (isRecord(value) && Array.isArray(value['Records'])) return 'cloudtrail-log-file';
  if (isRecord(value) && Array.isArray(value['Events']) && value['Events'].some((e) => isRecord(e) && 'CloudTrailEvent' in e)) return 'lookup-events';
  if (Array.isArray(value) && value.length > 0 && value.every((v) => isEnvelope(v) || isCloudTrailRecord(v))) return 'event-list';
  return undefined;
}

/**
 * EventBridge's detail-type for a CloudTrail record's eventType (EventBridge User Guide, "Events from AWS
 * services"): only API calls are what the guard's rules listen to; the others are kept so the parser says
 * why they are skipped.
 */
const DETAIL_TYPES: Record<string, string> = {
  AwsApiCall: CLOUDTRAIL_API_CALL,
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
};

/** The envelope EventBridge would have delivered for a CloudTrail record. */
export function envelopeOf(record: Record<string, unknown>): Record<string, unknown> {
  const eventSource = typeof record['eventSource'] === 'string' && record['eventSource'].includes('.') ? record['eventSource'] : undefined;
  const eventType = typeof record['eventType'] === 'string' ? record['eventType'] : 'AwsApiCall';
  return {
    version: '0',
    id: typeof record['eventID'] === 'string' ? record['eventID'] : 'unknown',
    'detail-type': DETAIL_TYPES[eventType] ?? `${eventType} via CloudTrail`,
    source: eventSource ? eventBridgeSourceOf(eventSource) : 'aws.unknown',
    ...(typeof record['recipientAccountId'] === 'string' && { account: record['recipientAccountId'] }),
    ...(typeof record['eventTime'] === 'string' && { time: record['eventTime'] }),
    ...(typeof record['awsRegion'] === 'string' && { region: record['awsRegion'] }),
    resources: [],
    detail: record,
  };
}

function entryOf(value: unknown, position: string): HistoryEntry {
  if (isEnvelope(value)) return { envelope: value, position, wrapped: false, ...(isRecord(value['detail']) && { record: value['detail'] }) };
  if (isRecord(value)) return { envelope: envelopeOf(value), position, record: value, wrapped: true };
  return { envelope: undefined, position, wrapped: true, problem: `${position || '(root)'}: is not a CloudTrail record` };
}

/** Every event of a history input, in the order the input lists them. */
export function historyEntries(value: unknown): { format: HistoryFormat; entries: HistoryEntry[] } | undefined {
  const format = recogniseHistory(value);
  switch (format) {
    case undefined:
      return undefined;
    case 'eventbridge-envelope':
    case 'cloudtrail-record':
      return { format, entries: [entryOf(value, '')] };
    case 'cloudtrail-log-file':
      return { format, entries: ((value as Record<string, unknown>)['Records'] as unknown[]).map((r, i) => entryOf(r, `Records[${i}]`)) };
    case 'event-list':
      return { format, entries: (value as unknown[]).map((v, i) => entryOf(v, `[${i}]`)) };
    case 'lookup-events':
      return {
        format,
        entries: ((value as Record<string, unknown>)['Events'] as unknown[]).map((event, i): HistoryEntry => {
          const position = `Events[${i}]`;
          const text = isRecord(event) ? event['CloudTrailEvent'] : undefined;
          if (typeof text !== 'string') return { envelope: undefined, position, wrapped: true, problem: `${position}.CloudTrailEvent: must be the record as a JSON string` };
          let record: unknown;
          try {
            record = JSON.parse(text);
          } catch (error) {
            return { envelope: undefined, position, wrapped: true, problem: `${position}.CloudTrailEvent: is not JSON (${(error as Error).message})` };
          }
          return entryOf(record, position);
        }),
      };
  }
}
