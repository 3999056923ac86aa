import { describe, expect, it } from 'vitest';
import { buildEventPatterns, eventBridgeSource, type SupportedEvent } from '../../scripts/deploy/event-patterns.ts';
import { matchesEventPattern } from '../../scripts/deploy/event-pattern-matcher.ts';

const TABLE: SupportedEvent[] = [
  { eventSource: 'ses.amazonaws.com', eventName: 'PutIdentityPolicy', family: 'identity-policy' },
  { eventSource: 'ses.amazonaws.com', eventName: 'CreateEmailIdentityPolicy', family: 'identity-policy' },
  { eventSource: 'iam.amazonaws.com', eventName: 'AttachUserPolicy', family: 'iam-grant' },
  { eventSource: 'iam.amazonaws.com', eventName: 'PutRolePolicy', family: 'iam-grant' },
  { eventSource: 'iam.amazonaws.com', eventName: 'PutRolePolicy', family: 'guard-integrity' },
  { eventSource: 'iam.amazonaws.com', eventName: 'DeleteRole', family: 'guard-integrity' },
  { eventSource: 'lambda.amazonaws.com', eventName: 'DeleteFunction20150331', family: 'guard-integrity' },
  { eventSource: 'events.amazonaws.com', eventName: 'DisableRule', family: 'guard-integrity' },
];
const PREFIX = 'sesguard-prod-';
const patterns = buildEventPatterns(TABLE, { dropFailedCalls: true });

function envelope(eventSource: string, eventName: string, requestParameters: object = {}, extra: object = {}) {
  return {
    version: '0',
    source: eventBridgeSource(eventSource),
    'detail-type': 'AWS API Call via CloudTrail',
    account: '111122223333',
    region: 'us-east-1',
    detail: { eventSource, eventName, requestParameters, ...extra },
  };
}

/** Which (family, scope) patterns match an event: the routing the template will do. */
function routes(event: unknown): string[] {
  return Object.entries(patterns).flatMap(([family, scoped]) =>
    Object.entries(scoped)
      .filter(([, pattern]) => matchesEventPattern(pattern, event))
      .map(([scope]) => `${family}/${scope}`),
  );
}

describe('buildEventPatterns: every function that lists an event gets it', () => {
  const cases: { name: string; event: unknown; expected: string[] }[] = [
    { name: 'SES v1 PutIdentityPolicy goes to identity-policy, regional', event: envelope('ses.amazonaws.com', 'PutIdentityPolicy'), expected: ['identity-policy/regional'] },
    { name: 'SES v2 CreateEmailIdentityPolicy goes to identity-policy', event: envelope('ses.amazonaws.com', 'CreateEmailIdentityPolicy'), expected: ['identity-policy/regional'] },
    { name: 'IAM AttachUserPolicy goes to iam-grant, in the global (us-east-1) rule', event: envelope('iam.amazonaws.com', 'AttachUserPolicy', { userName: 'bob' }), expected: ['iam-grant/global'] },
    { name: 'PutRolePolicy, listed by two families, reaches both: each parser decides what is its own', event: envelope('iam.amazonaws.com', 'PutRolePolicy', { roleName: 'app' }), expected: ['guard-integrity/global', 'iam-grant/global'] },
    {
      // The attack of issue 11: routed by a name prefix, this reached guard-integrity only and its grant was never judged.
      name: 'PutRolePolicy on a role merely named like the guard reaches the grant judge too',
      event: envelope('iam.amazonaws.com', 'PutRolePolicy', { roleName: `${PREFIX}backdoor` }),
      expected: ['guard-integrity/global', 'iam-grant/global'],
    },
    { name: 'DeleteRole (guard-integrity only) goes to the global guard-integrity rule', event: envelope('iam.amazonaws.com', 'DeleteRole', { roleName: 'x' }), expected: ['guard-integrity/global'] },
    { name: 'regional guard-integrity: Lambda DeleteFunction (CloudTrail name with API version)', event: envelope('lambda.amazonaws.com', 'DeleteFunction20150331'), expected: ['guard-integrity/regional'] },
    { name: 'regional guard-integrity: EventBridge DisableRule', event: envelope('events.amazonaws.com', 'DisableRule'), expected: ['guard-integrity/regional'] },
    { name: 'a failed call (errorCode set) is dropped before it costs an invocation', event: envelope('ses.amazonaws.com', 'PutIdentityPolicy', {}, { errorCode: 'AccessDenied' }), expected: [] },
    { name: 'an unsupported SES call matches nothing', event: envelope('ses.amazonaws.com', 'SendEmail'), expected: [] },
    { name: 'an event name under the wrong source matches nothing', event: envelope('sns.amazonaws.com', 'PutIdentityPolicy'), expected: [] },
  ];
  it.each(cases)('$name', ({ event, expected }) => {
    expect(routes(event)).toEqual(expected);
  });

  it('puts IAM events only in the global scope and the rest only in the regional one', () => {
    expect(Object.keys(patterns['iam-grant']!)).toEqual(['global']);
    expect(Object.keys(patterns['identity-policy']!)).toEqual(['regional']);
    expect(Object.keys(patterns['guard-integrity']!).sort()).toEqual(['global', 'regional']);
  });

  it('lists exactly the event names of each source, sorted (no wider than the parser)', () => {
    expect(patterns['identity-policy']!.regional).toEqual({
      source: ['aws.ses'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['ses.amazonaws.com'], eventName: ['CreateEmailIdentityPolicy', 'PutIdentityPolicy'], errorCode: [{ exists: false }] },
    });
  });

  it('keeps failed calls when asked (dropFailedCalls: false)', () => {
    const keep = buildEventPatterns(TABLE, { dropFailedCalls: false });
    const failed = envelope('ses.amazonaws.com', 'PutIdentityPolicy', {}, { errorCode: 'AccessDenied' });
    expect(matchesEventPattern(keep['identity-policy']!.regional, failed)).toBe(true);
  });

  it.each([
    ['ses.amazonaws.com', 'aws.ses'],
    ['iam.amazonaws.com', 'aws.iam'],
    ['cloudtrail.amazonaws.com', 'aws.cloudtrail'],
    // CloudWatch's CloudTrail events carry source aws.monitoring (EventBridge events reference, events-ref-monitoring).
    ['monitoring.amazonaws.com', 'aws.monitoring'],
  ])('maps eventSource %s to EventBridge source %s', (eventSource, source) => {
    expect(eventBridgeSource(eventSource)).toBe(source);
  });
});
