import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCloudTrailEvent, type ParseOptions } from './parse.ts';
import { EVENT_PARSERS } from '../families/index.ts';
import type { Change, Skip } from './types.ts';
import { SAMPLE_PARSE_OPTIONS } from '../../test/support/sample-options.ts';

type ParsedEvent = Change | Skip;

const OPTIONS: ParseOptions = SAMPLE_PARSE_OPTIONS;
const parse = (input: unknown, options: ParseOptions = OPTIONS): ParsedEvent => parseCloudTrailEvent(input, EVENT_PARSERS, options);

type Json = Record<string, unknown>;

function sample(path: string): Json {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../events/${path}`, import.meta.url)), 'utf8')) as Json;
}

/** A sample with `detail` (and its nested objects) changed by `edit`; the sample itself is untouched. */
function edited(path: string, edit: (envelope: Json & { detail: Json & { requestParameters: Json; userIdentity: Json } }) => void): Json {
  const envelope = structuredClone(sample(path)) as Json & { detail: Json & { requestParameters: Json; userIdentity: Json } };
  edit(envelope);
  return envelope;
}

function asSkip(parsed: ParsedEvent): Skip {
  expect(parsed).toHaveProperty('skip', true);
  return parsed as Skip;
}

const V2_POLICY = 'identity-policy/v2-create-policy-public-principal.json';

describe('parseCloudTrailEvent: malformed input is a skip that names the field', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['null is not an envelope', null, /^event: /],
    ['a string is not an envelope', 'PutIdentityPolicy', /^event: /],
    ['an array is not an envelope', [sample(V2_POLICY)], /^event: /],
    ['missing detail', edited(V2_POLICY, (e) => delete (e as Json).detail), /^detail: /],
    ['detail is a string (EventBridge always sends an object)', edited(V2_POLICY, (e) => ((e as Json).detail = '{}')), /^detail: /],
    ['missing detail-type', edited(V2_POLICY, (e) => delete e['detail-type']), /^detail-type: /],
    ['eventName of the wrong type', edited(V2_POLICY, (e) => (e.detail.eventName = 42)), /^detail\.eventName: /],
    ['missing eventID (every CloudTrail record has one)', edited(V2_POLICY, (e) => delete e.detail.eventID), /^detail\.eventID: /],
    ['eventTime that is not a time', edited(V2_POLICY, (e) => (e.detail.eventTime = 'yesterday')), /^detail\.eventTime: must be an ISO 8601 time/],
    ['unknown eventSource (not <service>.amazonaws.com)', edited(V2_POLICY, (e) => (e.detail.eventSource = 'ses')), /^detail\.eventSource: must be an AWS service event source/],
    ['missing userIdentity', edited(V2_POLICY, (e) => delete (e.detail as Json).userIdentity), /^detail\.userIdentity: /],
    ['userIdentity without type', edited(V2_POLICY, (e) => delete e.detail.userIdentity.type), /^detail\.userIdentity\.type: /],
    ['requestParameters of the wrong type', edited(V2_POLICY, (e) => (e.detail.requestParameters = ['example.com'] as unknown as Json)), /^detail\.requestParameters: /],
    ['policy parameter of the wrong type', edited(V2_POLICY, (e) => (e.detail.requestParameters.policy = 17)), /^detail\.requestParameters\.policy: must be a JSON policy string or a policy object/],
    ['policy parameter that is an array', edited(V2_POLICY, (e) => (e.detail.requestParameters.policy = [])), /^detail\.requestParameters\.policy: /],
    ['SES v2 policy event without emailIdentity', edited(V2_POLICY, (e) => delete e.detail.requestParameters.emailIdentity), /^detail\.requestParameters\.emailIdentity: /],
    ['SES v1 policy event without identity', edited('identity-policy/v1-put-policy-trusted-role-from-address.json', (e) => delete e.detail.requestParameters.identity), /^detail\.requestParameters\.identity: /],
    ['requestParameters null where the call needs them', edited(V2_POLICY, (e) => (e.detail.requestParameters = null as unknown as Json)), /^detail\.requestParameters\.emailIdentity: /],
    [
      'SES v1 destination without a name',
      edited('event-destination/v1-create-sns-same-account.json', (e) => delete (e.detail.requestParameters.eventDestination as Json).name),
      /^detail\.requestParameters\.eventDestination\.name: is required/,
    ],
    [
      'SNS destination without a topic ARN',
      edited('event-destination/v2-create-sns-cross-account.json', (e) => ((e.detail.requestParameters.eventDestination as Json).snsDestination = {})),
      /^detail\.requestParameters\.eventDestination\.snsDestination\.topicArn: /,
    ],
    ['AttachUserPolicy with a policy ARN that is not one', edited('iam-grant/attach-user-policy-ses-full-access-non-admin.json', (e) => (e.detail.requestParameters.policyArn = 'AmazonSESFullAccess')), /^detail\.requestParameters\.policyArn: must be an IAM policy ARN/],
    ['SetDefaultPolicyVersion with a bad version id', edited('iam-grant/set-default-policy-version.json', (e) => (e.detail.requestParameters.versionId = '4')), /^detail\.requestParameters\.versionId: must be a policy version id/],
    ['CreatePolicyVersion with setAsDefault as a string', edited('iam-grant/create-policy-version-not-default.json', (e) => (e.detail.requestParameters.setAsDefault = 'false')), /^detail\.requestParameters\.setAsDefault: /],
    ['DisableRule without a rule name', edited('guard-integrity/events-disable-rule.json', (e) => (e.detail.requestParameters = {})), /^detail\.requestParameters\.name: /],
    ['envelope source that disagrees with eventSource', edited(V2_POLICY, (e) => (e.source = 'aws.iam')), /^source: "aws.iam" does not match detail.eventSource ses.amazonaws.com/],
    [
      'no recipientAccountId and no envelope account',
      edited(V2_POLICY, (e) => {
        delete e.detail.recipientAccountId;
        delete e.account;
      }),
      /^detail\.recipientAccountId: is required/,
    ],
  ];

  it.each(cases)('%s', (_name, input, detail) => {
    const skip = asSkip(parse(input, OPTIONS));
    expect(skip.reason).toBe('malformed');
    expect(skip.detail).toMatch(detail);
  });

  it('a malformed skip still says which event it was when the ids can be read', () => {
    const input = edited(V2_POLICY, (e) => (e.detail.requestParameters.policy = 17));
    const detail = (input as { detail: Json }).detail;
    expect(asSkip(parse(input, OPTIONS))).toMatchObject({ eventId: detail.eventID, eventName: 'CreateEmailIdentityPolicy' });
  });
});

describe('parseCloudTrailEvent: skips', () => {
  it('a failed call is skipped even when its parameters would not parse (it changed nothing)', () => {
    const input = edited('skipped/failed-call-access-denied.json', (e) => (e.detail.requestParameters = {}));
    expect(asSkip(parse(input, OPTIONS)).reason).toBe('failed-call');
  });

  it('a failed call without errorMessage reports the code alone', () => {
    const input = edited('skipped/failed-call-access-denied.json', (e) => delete e.detail.errorMessage);
    expect(asSkip(parse(input, OPTIONS))).toMatchObject({ reason: 'failed-call', detail: 'AccessDenied' });
  });

  const GUARD_ROLE = 'arn:aws:iam::111122223333:role/sesguard-prod-identity-policy-eu-west-1';
  it.each([
    ["the guard role's exact ARN", [GUARD_ROLE], 'own-role'],
    ['the exact ARN in another case (IAM role names are unique regardless of case)', [GUARD_ROLE.replace('sesguard-prod-identity-policy', 'SesGuard-Prod-Identity-Policy')], 'own-role'],
    // Patterns are never patterns: the deployed environment refuses them, and here they match nothing.
    ['a role ARN pattern is not a way to name the guard', ['arn:aws:iam::111122223333:role/sesguard-prod-*'], 'judged'],
    ['a session ARN pattern is not a way to name the guard', ['arn:aws:sts::111122223333:assumed-role/sesguard-prod-identity-policy-eu-west-1/*'], 'judged'],
    ["another stage's role is not this guard", ['arn:aws:iam::111122223333:role/sesguard-dev-identity-policy-eu-west-1'], 'judged'],
    ['no own roles configured: nothing is skipped as own', [], 'judged'],
  ])("guard's own role: %s", (_name, ownRoleArns, outcome) => {
    const parsed = parse(sample('skipped/own-role-guard-repair.json'), { ...OPTIONS, ownRoleArns });
    if (outcome === 'own-role') expect(asSkip(parsed).reason).toBe('own-role');
    else expect(parsed).toMatchObject({ family: 'identity-policy', operation: 'update' });
  });

  /** The attacks of issue 11: each of these roles was skipped as the guard's own by `role/sesguard-prod-*`. */
  it.each([
    ['a role named like the guard', 'sesguard-prod-backdoor'],
    ['the guard prefix as a path', 'sesguard-prod-/helper'],
    ['a mixed-case look-alike', 'SesGuard-Prod-x'],
  ])('%s (role/%s) is judged, not skipped as the guard', (_name, rolePath) => {
    const roleName = rolePath.split('/').pop()!;
    const input = edited(V2_POLICY, (e) => {
      e.detail.userIdentity = {
        type: 'AssumedRole',
        arn: `arn:aws:sts::111122223333:assumed-role/${roleName}/s`,
        accountId: '111122223333',
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${rolePath}` } },
      };
    });
    expect(parse(input, OPTIONS)).toMatchObject({ family: 'identity-policy', actor: { sessionIssuerArn: `arn:aws:iam::111122223333:role/${rolePath}` } });
  });

  it("a guard-integrity change is never skipped for its actor, even the guard's own role", () => {
    const input = edited('guard-integrity/cloudtrail-stop-logging.json', (e) => {
      e.detail.userIdentity = structuredClone((sample('skipped/own-role-guard-repair.json') as { detail: { userIdentity: Json } }).detail.userIdentity);
    });
    expect(parse(input, OPTIONS)).toMatchObject({ family: 'guard-integrity', actor: { sessionIssuerArn: GUARD_ROLE } });
  });

  it('an IAM user whose name looks like a guard role is not the guard', () => {
    const input = edited(V2_POLICY, (e) => (e.detail.userIdentity.arn = 'arn:aws:iam::111122223333:user/sesguard-prod-identity-policy'));
    expect(parse(input, OPTIONS)).toMatchObject({ family: 'identity-policy' });
  });

  it('an event of another detail-type is unsupported, not malformed', () => {
    const input = edited(V2_POLICY, (e) => (e['detail-type'] = 'AWS Service Event via CloudTrail'));
    expect(asSkip(parse(input, OPTIONS)).reason).toBe('unsupported-event');
  });

  it('a known AWS service the guard does not watch is unsupported', () => {
    const input = edited(V2_POLICY, (e) => {
      e.source = 'aws.s3';
      e.detail.eventSource = 's3.amazonaws.com';
      e.detail.eventName = 'PutBucketPolicy';
    });
    expect(asSkip(parse(input, OPTIONS))).toMatchObject({ reason: 'unsupported-event', detail: 's3.amazonaws.com PutBucketPolicy is not an event the guard judges' });
  });

  it('Lambda names without the API-version suffix are not what CloudTrail records, so they are unsupported', () => {
    const input = edited('guard-integrity/lambda-delete-function.json', (e) => (e.detail.eventName = 'DeleteFunction'));
    expect(asSkip(parse(input, OPTIONS)).reason).toBe('unsupported-event');
  });
});

describe('parseCloudTrailEvent: routing of events two families share', () => {
  const guardRole = 'guard-integrity/iam-put-role-policy-guard-role.json';

  /** Each function parses with its own family's parsers only, as its generated entry does. */
  const byFamily = (family: string, input: unknown, options: ParseOptions = OPTIONS): ParsedEvent =>
    parseCloudTrailEvent(input, EVENT_PARSERS.filter((p) => p.family === family), options);

  it.each([
    ["the guard's own role: GUARD-001 alone (the guard never repairs itself)", 'sesguard-prod-event-destination-eu-west-1', OPTIONS.guardResourcePrefix, true, false],
    ["the guard's own role in another case (role names are unique regardless of case)", 'SESGUARD-PROD-Event-Destination-EU-WEST-1', OPTIONS.guardResourcePrefix, true, false],
    // Issue 11: a name-prefix route sent this to guard-integrity only, and the grant was never judged.
    ['a role merely named like the guard: judged as a grant AND alerted as GUARD-001', 'sesguard-prod-backdoor', OPTIONS.guardResourcePrefix, true, true],
    ['a look-alike in another case: both', 'SesGuard-Prod-x', OPTIONS.guardResourcePrefix, true, true],
    ['any other role: a grant only', 'app-backend', OPTIONS.guardResourcePrefix, false, true],
    ['an empty prefix makes no role a look-alike', 'sesguard-prod-backdoor', '', false, true],
  ])('PutRolePolicy on %s', (_name, roleName, guardResourcePrefix, guardIntegrity, iamGrant) => {
    const input = edited(guardRole, (e) => (e.detail.requestParameters.roleName = roleName));
    const options = { ...OPTIONS, guardResourcePrefix };
    const gi = byFamily('guard-integrity', input, options);
    const grant = byFamily('iam-grant', input, options);
    if (guardIntegrity) expect(gi).toMatchObject({ family: 'guard-integrity', resourceType: 'iam-role', resourceName: roleName });
    else expect(gi).toMatchObject({ skip: true, reason: 'unsupported-event' });
    if (iamGrant) expect(grant).toMatchObject({ family: 'iam-grant', operation: 'put-inline', principal: { type: 'role', name: roleName } });
    else expect(grant).toMatchObject({ skip: true, reason: 'unsupported-event', detail: expect.stringContaining("one of the guard's own roles") });
  });

  it('GUARD-001 says when a role only poses as the guard', () => {
    const input = edited(guardRole, (e) => (e.detail.requestParameters.roleName = 'sesguard-prod-backdoor'));
    expect(byFamily('guard-integrity', input)).toMatchObject({ effect: expect.stringContaining('named like the guard') });
  });

  it("DeleteRole on a role that is not the guard's is skipped with the reason", () => {
    const input = edited('guard-integrity/iam-delete-role.json', (e) => (e.detail.requestParameters.roleName = 'legacy-batch'));
    expect(asSkip(parse(input, OPTIONS))).toMatchObject({ reason: 'unsupported-event', detail: expect.stringContaining("role legacy-batch is not one of the guard's roles") });
  });

  it('an SNS topic whose ARN merely contains the prefix elsewhere is not the guard topic', () => {
    const input = edited('guard-integrity/sns-delete-topic.json', (e) => (e.detail.requestParameters.topicArn = 'arn:aws:sns:eu-west-1:111122223333:orders-sesguard-prod-alerts'));
    expect(asSkip(parse(input, OPTIONS)).reason).toBe('unsupported-event');
  });

  it('CloudTrail changes matter whatever the trail is called', () => {
    const input = edited('guard-integrity/cloudtrail-stop-logging.json', (e) => (e.detail.requestParameters.name = 'org-trail'));
    expect(parse(input, OPTIONS)).toMatchObject({ family: 'guard-integrity', resourceType: 'cloudtrail', resourceName: 'org-trail' });
  });
});

describe('parseCloudTrailEvent: normalisation', () => {
  it('accountId falls back to the envelope account when recipientAccountId is absent', () => {
    const input = edited(V2_POLICY, (e) => {
      delete e.detail.recipientAccountId;
      e.account = '111122223333';
    });
    expect(parse(input, OPTIONS)).toMatchObject({ accountId: '111122223333' });
  });

  it('recipientAccountId wins over the envelope account (events forwarded across buses)', () => {
    const input = edited(V2_POLICY, (e) => (e.account = '999988887777'));
    expect(parse(input, OPTIONS)).toMatchObject({ accountId: '111122223333' });
  });

  it('a policy recorded as an object is kept as that object', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const input = edited(V2_POLICY, (e) => (e.detail.requestParameters.policy = doc));
    expect(parse(input, OPTIONS)).toMatchObject({ requestedPolicy: doc });
  });

  it('an omitted policy (CloudTrail drops oversized parameters) still yields the change, without requestedPolicy', () => {
    const input = edited(V2_POLICY, (e) => delete e.detail.requestParameters.policy);
    const parsed = parse(input, OPTIONS);
    expect(parsed).toMatchObject({ family: 'identity-policy', target: { identity: 'example.com', policyName: 'allow-all' } });
    expect(parsed).not.toHaveProperty('requestedPolicy');
  });

  it.each([
    ['SNSDestination/TopicARN (SES v1 as documented)', { SNSDestination: { TopicARN: 'arn:aws:sns:eu-west-1:444455556666:t' } }],
    ['sNSDestination/topicARN (CloudTrail lower-cases the first letter)', { sNSDestination: { topicARN: 'arn:aws:sns:eu-west-1:444455556666:t' } }],
    ['snsDestination/topicArn (SES v2 spelling)', { snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:444455556666:t' } }],
  ])('v1 SNS destination member casing %s', (_name, members) => {
    const input = edited('event-destination/v1-create-sns-same-account.json', (e) => {
      e.detail.requestParameters.eventDestination = { name: 'd', enabled: true, matchingEventTypes: ['send'], ...members };
    });
    expect(parse(input, OPTIONS)).toMatchObject({
      apiVersion: 'v1',
      requestedDestination: { name: 'd', enabled: true, matchingEventTypes: ['SEND'], snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:444455556666:t' } },
    });
  });

  it('a destination without Enabled is disabled, as SES treats it', () => {
    const input = edited('event-destination/v2-create-sns-cross-account.json', (e) => delete (e.detail.requestParameters.eventDestination as Json).enabled);
    expect(parse(input, OPTIONS)).toMatchObject({ requestedDestination: { enabled: false } });
  });

  it.each([
    ['an unqualified name', 'sesguard-prod-iam-grant'],
    ['a full ARN', 'arn:aws:lambda:eu-west-1:111122223333:function:sesguard-prod-iam-grant'],
    ['a qualified ARN', 'arn:aws:lambda:eu-west-1:111122223333:function:sesguard-prod-iam-grant:$LATEST'],
    ['a partial ARN', '111122223333:function:sesguard-prod-iam-grant'],
  ])('Lambda FunctionName given as %s names the function', (_name, functionName) => {
    const input = edited('guard-integrity/lambda-update-function-configuration.json', (e) => (e.detail.requestParameters.functionName = functionName));
    expect(parse(input, OPTIONS)).toMatchObject({ resourceType: 'lambda-function', resourceName: 'sesguard-prod-iam-grant' });
  });

  it('CreatePolicyVersion without responseElements still yields the change, without a version id', () => {
    const input = edited('iam-grant/create-policy-version-adds-put-identity-policy.json', (e) => (e.detail.responseElements = null));
    const parsed = parse(input, OPTIONS);
    expect(parsed).toMatchObject({ operation: 'create-version', setAsDefault: true });
    expect(parsed).not.toHaveProperty('versionId');
  });

  it('CreatePolicyVersion without setAsDefault does not make the version default (IAM default false)', () => {
    const input = edited('iam-grant/create-policy-version-adds-put-identity-policy.json', (e) => delete e.detail.requestParameters.setAsDefault);
    expect(parse(input, OPTIONS)).toMatchObject({ setAsDefault: false });
  });
});

describe('parseCloudTrailEvent never throws', () => {
  it('on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parse(value, OPTIONS);
        expect(parsed).toHaveProperty('skip', true);
        expect((parsed as Skip).detail.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  const samples = ['identity-policy/v1-put-policy-trusted-role-from-address.json', 'event-destination/v1-update-firehose-cross-account-stream.json', 'iam-grant/create-policy-version-adds-put-identity-policy.json', 'guard-integrity/sns-unsubscribe.json'];

  it('on real samples with any field of detail or requestParameters replaced by arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.boolean(), fc.string({ maxLength: 24 }), fc.jsonValue(), (file, inParameters, key, value) => {
        const input = edited(file, (e) => {
          const target = inParameters ? e.detail.requestParameters : e.detail;
          const keys = Object.keys(target);
          target[keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key] = value;
        });
        const parsed = parse(input, OPTIONS);
        if ('skip' in parsed) expect(['malformed', 'failed-call', 'own-role', 'unsupported-event']).toContain(parsed.reason);
        else expect(parsed.eventId.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('on hostile values: getters that throw', () => {
    const hostile = Object.defineProperty({}, 'detail', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(asSkip(parse(hostile, OPTIONS))).toMatchObject({ reason: 'malformed', detail: expect.stringContaining('boom') });
  });
});
