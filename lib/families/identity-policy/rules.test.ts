import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../config/schema.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { ctx, identityPolicyState, OWN_ACCOUNT } from '../../rules/test-fixtures.ts';

const IDENTITY = `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:identity/example.com`;
const DELEGATE = '123456789012';
const TRUST_DELEGATE: ConfigInput = { trustedAccounts: [OWN_ACCOUNT, DELEGATE] };
const ORG = 'o-a1b2c3d4e5';

function doc(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

function allow(principal: unknown, extra: object = {}): object {
  return { Effect: 'Allow', Principal: principal, Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: IDENTITY, ...extra };
}

/** Every finding as `RULE@statement`, sorted: a case states the whole verdict, so a spurious finding fails it too. */
function verdict(document: object, config: ConfigInput = {}): string[] {
  return judge(identityPolicyState(document), ctx(config))
    .map((f) => `${f.ruleId}@${f.statement?.index ?? '-'}`)
    .sort();
}

interface Case {
  name: string;
  document: object;
  config?: ConfigInput;
  expected: string[];
}

/**
 * AWS's sending-authorization policy examples (SES Developer Guide, "Sending policy examples"), with
 * the identity in account 888888888888 and the delegate sender in 123456789012 as in the guide.
 */
const AWS_EXAMPLES: Case[] = [
  {
    name: 'delegate account, From pinned (restricting the "From" address): compliant when the delegate account is trusted',
    document: doc(allow({ AWS: [DELEGATE] }, { Sid: 'AuthorizeFromAddress', Condition: { StringEquals: { 'ses:FromAddress': 'marketing@example.com' } } })),
    config: TRUST_DELEGATE,
    expected: [],
  },
  {
    name: 'delegate account, From pinned, delegate NOT trusted: SES-IDP-002 (principal outside trusted accounts)',
    document: doc(allow({ AWS: [DELEGATE] }, { Condition: { StringEquals: { 'ses:FromAddress': 'marketing@example.com' } } })),
    expected: ['SES-IDP-002@0'],
  },
  {
    name: 'specifying the delegate sender only (account): trusted, but any From address -> SES-IDP-005',
    document: doc(allow({ AWS: [DELEGATE] }, { Sid: 'AuthorizeAccount' })),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
  {
    name: 'specifying the delegate sender (two IAM users in other accounts): SES-IDP-002 and SES-IDP-005',
    document: doc(allow({ AWS: ['arn:aws:iam::111122223333:user/John', 'arn:aws:iam::444455556666:user/Jane'] }, { Sid: 'AuthorizeIAMUser' })),
    expected: ['SES-IDP-002@0', 'SES-IDP-005@0'],
  },
  {
    name: 'specifying the delegate sender (Amazon Cognito, no source condition): SES-IDP-003 confused deputy, SES-IDP-005',
    document: doc(allow({ Service: ['cognito-idp.amazonaws.com'] }, { Sid: 'AuthorizeService' })),
    expected: ['SES-IDP-003@0', 'SES-IDP-005@0'],
  },
  {
    name: 'Amazon Cognito pinned with aws:SourceAccount and aws:SourceArn of the own account, From pinned: compliant',
    document: doc(
      allow(
        { Service: ['cognito-idp.amazonaws.com'] },
        {
          Condition: {
            StringEquals: { 'aws:SourceAccount': OWN_ACCOUNT, 'ses:FromAddress': 'no-reply@example.com' },
            ArnLike: { 'aws:SourceArn': `arn:aws:cognito-idp:us-east-1:${OWN_ACCOUNT}:userpool/us-east-1_EXAMPLE` },
          },
        },
      ),
    ),
    expected: [],
  },
  {
    name: 'restricting the time (aws:CurrentTime window) pins no sender: SES-IDP-005',
    document: doc(
      allow({ AWS: [DELEGATE] }, { Condition: { DateGreaterThan: { 'aws:CurrentTime': '2018-08-01T12:00Z' }, DateLessThan: { 'aws:CurrentTime': '2018-08-31T12:00Z' } } }),
    ),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
  {
    name: 'restricting the API version (ses:ApiVersion) pins no sender: SES-IDP-005',
    document: doc(allow({ AWS: [DELEGATE] }, { Action: ['ses:SendRawEmail'], Condition: { StringEquals: { 'ses:ApiVersion': '2' } } })),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
  {
    name: 'restricting recipients (ForAllValues:StringLike ses:Recipients) pins no From: SES-IDP-005',
    document: doc(allow({ AWS: [DELEGATE] }, { Condition: { 'ForAllValues:StringLike': { 'ses:Recipients': ['*@example.com'] } } })),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
  {
    name: 'restricting the display name (ses:FromDisplayName) pins no From address: SES-IDP-005',
    document: doc(allow({ AWS: [DELEGATE] }, { Condition: { StringLike: { 'ses:FromDisplayName': 'Marketing' } } })),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
  {
    name: 'multiple statements: From-pinned delegate is fine, "*" limited by aws:SourceIp is not (IP is caller-controlled)',
    document: doc(
      allow({ AWS: [DELEGATE] }, { Sid: 'AuthorizeMarketer', Condition: { StringEquals: { 'ses:FromAddress': 'marketing@example.com' } } }),
      allow('*', { Sid: 'AuthorizeIP', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' }, StringEquals: { 'ses:FromAddress': 'ops@example.com' } } }),
    ),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-001@1'],
  },
  {
    name: 'policy anatomy example (account granted UpdateEmailIdentityPolicy and friends): SES-IDP-004',
    document: doc({
      Sid: 'AuthorizeAccount',
      Effect: 'Allow',
      Resource: IDENTITY,
      Principal: { AWS: [DELEGATE] },
      Action: ['ses:GetEmailIdentity', 'ses:UpdateEmailIdentityPolicy', 'ses:ListRecommendations', 'ses:CreateEmailIdentityPolicy', 'ses:DeleteEmailIdentity'],
    }),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-004@0'],
  },
];

const ANY_PRINCIPAL: Case[] = [
  { name: 'SES-IDP-001: "*" with no condition', document: doc(allow('*', { Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } })), expected: ['SES-IDP-001@0'] },
  { name: 'SES-IDP-001: {"AWS":"*"} is the same as "*"', document: doc(allow({ AWS: '*' }, { Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } })), expected: ['SES-IDP-001@0'] },
  {
    name: 'SES-IDP-001: "*" pinned by aws:PrincipalOrgID to a trusted org is compliant',
    document: doc(allow('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: [],
  },
  {
    name: 'SES-IDP-001: aws:PrincipalOrgID of an org that is not trusted does not pin',
    document: doc(allow('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz', 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: StringEqualsIfExists lets a request without aws:PrincipalOrgID through',
    document: doc(allow('*', { Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: ForAllValues is true when the key is absent, so it does not pin',
    document: doc(allow('*', { Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: ForAnyValue is false when the key is absent, so with trusted values it pins',
    document: doc(allow('*', { Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': ORG }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: [],
  },
  {
    name: 'SES-IDP-001: a negated operator excludes instead of requiring',
    document: doc(allow('*', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: aws:UserAgent and aws:Referer are set by the caller',
    document: doc(allow('*', { Condition: { StringLike: { 'aws:UserAgent': 'internal-mailer/*', 'aws:Referer': 'https://example.com/*', 'ses:FromAddress': 'a@example.com' } } })),
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: aws:PrincipalArn in the own account pins',
    document: doc(allow('*', { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWN_ACCOUNT}:role/mailer-*` }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    expected: [],
  },
  {
    name: 'SES-IDP-001: aws:PrincipalArn with a wildcard account does not pin',
    document: doc(allow('*', { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/mailer' }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: aws:PrincipalAccount listing one untrusted account among trusted ones does not pin',
    document: doc(allow('*', { Condition: { StringEquals: { 'aws:PrincipalAccount': [OWN_ACCOUNT, '999999999999'], 'ses:FromAddress': 'a@example.com' } } })),
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: aws:PrincipalAccount with a wildcard value does not pin',
    document: doc(allow('*', { Condition: { StringLike: { 'aws:PrincipalAccount': '8888*', 'ses:FromAddress': 'a@example.com' } } })),
    expected: ['SES-IDP-001@0'],
  },
  {
    name: 'SES-IDP-001: aws:SourceAccount of the own account pins "*" (caller-uncontrolled)',
    document: doc(allow('*', { Condition: { StringEquals: { 'aws:SourceAccount': OWN_ACCOUNT, 'ses:FromAddress': 'a@example.com' } } })),
    expected: [],
  },
  { name: 'Deny statements never make a policy noncompliant', document: doc({ Effect: 'Deny', Principal: '*', Action: 'ses:*', Resource: IDENTITY }), expected: [] },
];

const NAMED_PRINCIPALS: Case[] = [
  { name: 'SES-IDP-002: the own account (bare id) is trusted by default', document: doc(allow({ AWS: OWN_ACCOUNT })), expected: [] },
  { name: 'SES-IDP-002: a role in the own account is trusted by default', document: doc(allow({ AWS: `arn:aws:iam::${OWN_ACCOUNT}:role/mailer` })), expected: [] },
  { name: 'SES-IDP-002: an account root ARN outside trusted accounts', document: doc(allow({ AWS: 'arn:aws:iam::999999999999:root' })), expected: ['SES-IDP-002@0', 'SES-IDP-005@0'] },
  {
    name: 'SES-IDP-002: an assumed-role session ARN outside trusted accounts',
    document: doc(allow({ AWS: 'arn:aws:sts::999999999999:assumed-role/Mailer/s1' })),
    expected: ['SES-IDP-002@0', 'SES-IDP-005@0'],
  },
  {
    name: 'SES-IDP-002: a unique principal id (deleted principal) cannot be attributed to a trusted account',
    document: doc(allow({ AWS: 'AIDAJQABLZS4A3QDU576Q' })),
    expected: ['SES-IDP-002@0', 'SES-IDP-005@0'],
  },
  {
    name: 'SES-IDP-002: an outside account pinned by aws:PrincipalOrgID to a trusted org is compliant',
    document: doc(allow({ AWS: '999999999999' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: [],
  },
  {
    name: 'SES-IDP-002: explicit trustedAccounts replace the own-account default',
    document: doc(allow({ AWS: OWN_ACCOUNT })),
    config: { trustedAccounts: [DELEGATE] },
    expected: ['SES-IDP-002@0'],
  },
];

const SERVICES: Case[] = [
  {
    name: 'SES-IDP-003: aws:SourceAccount of an untrusted account does not pin a service',
    document: doc(allow({ Service: 'sns.amazonaws.com' }, { Condition: { StringEquals: { 'aws:SourceAccount': '999999999999', 'ses:FromAddress': 'a@example.com' } } })),
    expected: ['SES-IDP-003@0'],
  },
  {
    name: 'SES-IDP-003: aws:SourceArn in the own account pins a service',
    document: doc(allow({ Service: 'sns.amazonaws.com' }, { Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${OWN_ACCOUNT}:topic` }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    expected: [],
  },
  {
    name: 'SES-IDP-003: aws:PrincipalOrgID is absent from service requests, so it does not pin a service',
    document: doc(allow({ Service: 'sns.amazonaws.com' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'ses:FromAddress': 'a@example.com' } } })),
    config: { trustedOrgIds: [ORG] },
    expected: ['SES-IDP-003@0'],
  },
  {
    name: 'SES-IDP-003: an aws:SourceArn without an account (S3 bucket) cannot be attributed',
    document: doc(allow({ Service: 's3.amazonaws.com' }, { Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket' }, StringEquals: { 'ses:FromAddress': 'a@example.com' } } })),
    expected: ['SES-IDP-003@0'],
  },
];

const ACTIONS: Case[] = [
  { name: 'SES-IDP-004: ses:* grants every SES action', document: doc(allow({ AWS: OWN_ACCOUNT }, { Action: 'ses:*' })), expected: ['SES-IDP-004@0'] },
  {
    name: 'SES-IDP-004: ses:Send* also reaches SendCustomVerificationEmail',
    document: doc(allow({ AWS: OWN_ACCOUNT }, { Action: 'ses:Send*' })),
    expected: ['SES-IDP-004@0'],
  },
  {
    name: 'SES-IDP-004: every sending action (v1 and v2, SendBounce) is allowed',
    document: doc(
      allow({ AWS: OWN_ACCOUNT }, { Action: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail', 'ses:SendBulkTemplatedEmail', 'ses:SendBulkEmail', 'ses:SendBounce'] }),
    ),
    expected: [],
  },
  {
    name: 'SES-IDP-004: action names are case-insensitive (AWS examples write SES:SendEmail)',
    document: doc(allow({ AWS: OWN_ACCOUNT }, { Action: ['SES:SendEmail', 'SES:SendRawEmail'] })),
    expected: [],
  },
  { name: 'SES-IDP-004: NotAction grants everything not listed', document: doc({ Effect: 'Allow', Principal: { AWS: OWN_ACCOUNT }, NotAction: 'ses:SendEmail', Resource: IDENTITY }), expected: ['SES-IDP-004@0'] },
  { name: 'SES-IDP-004: a Deny of ses:* is not a grant', document: doc({ Effect: 'Deny', Principal: { AWS: DELEGATE }, Action: 'ses:*', Resource: IDENTITY }), expected: [] },
];

/**
 * Amazon Cognito's own documented pattern ("Authorizing Amazon Cognito to send Amazon SES email on your
 * behalf"): the service principal email.cognito-idp.amazonaws.com, SendEmail/SendRawEmail (written
 * "SES:..."), pinned to the own account with aws:SourceAccount and to a user pool with aws:SourceArn. An AWS
 * service sending for the own account is not delegated sending: no SES-IDP-005.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-ses-authorization-to-send-email.html
 */
const cognito = (sourceAccount: string, poolAccount = sourceAccount) =>
  doc({
    Sid: 'stmnt1234567891234',
    Effect: 'Allow',
    Principal: { Service: ['email.cognito-idp.amazonaws.com'] },
    Action: ['SES:SendEmail', 'SES:SendRawEmail'],
    Resource: IDENTITY,
    Condition: {
      StringEquals: { 'aws:SourceAccount': sourceAccount },
      ArnLike: { 'aws:SourceArn': `arn:aws:cognito-idp:us-east-1:${poolAccount}:userpool/us-east-1_EXAMPLE` },
    },
  });

const COGNITO: Case[] = [
  { name: "AWS's Cognito pattern pinned to the own account: compliant (not delegation)", document: cognito(OWN_ACCOUNT), expected: [] },
  { name: 'pinned by aws:SourceArn alone to a user pool of the own account: not delegation either', document: doc(allow({ Service: 'email.cognito-idp.amazonaws.com' }, { Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cognito-idp:us-east-1:${OWN_ACCOUNT}:userpool/*` } } })), expected: [] },
  { name: 'the same pattern for a user pool of another (trusted) account: that is delegation, From must be restricted', document: cognito(DELEGATE), config: TRUST_DELEGATE, expected: ['SES-IDP-005@0'] },
  { name: 'any principal pinned to the own account by aws:PrincipalAccount: the own account, not delegation', document: doc(allow('*', { Condition: { StringEquals: { 'aws:PrincipalAccount': OWN_ACCOUNT } } })), expected: [] },
];

const FROM_ADDRESS: Case[] = [
  { name: 'SES-IDP-005: the own account sending is not delegation', document: doc(allow({ AWS: OWN_ACCOUNT })), expected: [] },
  {
    name: 'SES-IDP-005: StringLike on a domain of From addresses restricts',
    document: doc(allow({ AWS: DELEGATE }, { Condition: { StringLike: { 'ses:FromAddress': '*@marketing.example.com' } } })),
    config: TRUST_DELEGATE,
    expected: [],
  },
  {
    name: 'SES-IDP-005: StringLike "*" on ses:FromAddress restricts nothing',
    document: doc(allow({ AWS: DELEGATE }, { Condition: { StringLike: { 'ses:FromAddress': '*' } } })),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
  {
    name: 'SES-IDP-005: StringNotEquals on ses:FromAddress excludes one address, allows the rest',
    document: doc(allow({ AWS: DELEGATE }, { Condition: { StringNotEquals: { 'ses:FromAddress': 'ceo@example.com' } } })),
    config: TRUST_DELEGATE,
    expected: ['SES-IDP-005@0'],
  },
];

const NOT_PRINCIPAL: Case[] = [
  {
    name: 'SES-IDP-006: Allow with NotPrincipal allows everyone else',
    document: doc({ Effect: 'Allow', NotPrincipal: { AWS: '999999999999' }, Action: 'ses:SendEmail', Resource: IDENTITY }),
    expected: ['SES-IDP-005@0', 'SES-IDP-006@0'],
  },
  {
    name: 'SES-IDP-006: Deny with NotPrincipal is a restriction, not a grant',
    document: doc(allow({ AWS: OWN_ACCOUNT }), { Effect: 'Deny', NotPrincipal: { AWS: OWN_ACCOUNT }, Action: 'ses:*', Resource: IDENTITY }),
    expected: [],
  },
];

describe('identity policy rules on AWS sending-authorization examples', () => {
  it.each(AWS_EXAMPLES)('$name', ({ document, config, expected }) => {
    expect(verdict(document, config)).toEqual(expected);
  });
});

describe.each([
  ['SES-IDP-001 any principal', ANY_PRINCIPAL],
  ['SES-IDP-002 named principals', NAMED_PRINCIPALS],
  ['SES-IDP-003 service principals', SERVICES],
  ['SES-IDP-004 non-sending actions', ACTIONS],
  ['SES-IDP-005 From address', FROM_ADDRESS],
  ['SES-IDP-005 an AWS service for the own account (Cognito)', COGNITO],
  ['SES-IDP-006 NotPrincipal', NOT_PRINCIPAL],
] as const)('%s', (_title, cases) => {
  it.each(cases)('$name', ({ document, config, expected }) => {
    expect(verdict(document, config)).toEqual(expected);
  });
});

describe('identity policy findings carry what a security engineer needs', () => {
  it('names the statement, the principal and the missing pin, and asks to drop that statement only', () => {
    const findings = judge(identityPolicyState(doc(allow({ AWS: OWN_ACCOUNT }), allow('*', { Sid: 'Open', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }))), ctx());
    const open = findings.find((f) => f.ruleId === 'SES-IDP-001');
    expect(open).toMatchObject({
      ruleId: 'SES-IDP-001',
      severity: 'critical',
      action: 'revert',
      resource: IDENTITY,
      statement: { index: 1, sid: 'Open' },
      fix: { kind: 'drop-statement', statementIndex: 1, sid: 'Open' },
    });
    expect(open?.reason).toMatch(/Statement 1 \(Sid "Open"\).*any principal.*aws:SourceIp is set by the caller/);
  });

  it('a deleted policy (no document) has nothing to judge', () => {
    const state = { ...identityPolicyState(doc(allow('*'))), rawDocument: null, document: null };
    expect(judge(state, ctx())).toEqual([]);
  });
});

describe('SES-IDP-005 says how to fix it: restrict the From address, not "remove the statement"', () => {
  it('its fix is adding a ses:FromAddress condition to the statement (the statement still carries mail)', () => {
    const finding = judge(identityPolicyState(doc(allow({ AWS: DELEGATE }, { Sid: 'AuthorizeAccount' }))), ctx(TRUST_DELEGATE)).find((f) => f.ruleId === 'SES-IDP-005');
    expect(finding?.fix).toEqual({ kind: 'repair', what: 'add a ses:FromAddress condition (StringEquals or StringLike on the addresses 123456789012 may send from) to statement 0 (Sid "AuthorizeAccount")' });
    expect(finding?.statement).toEqual({ index: 0, sid: 'AuthorizeAccount' });
  });
});

describe('SES-IDP-004 reasons stay one readable sentence', () => {
  it.each([
    ['NotAction', { Effect: 'Allow', Principal: { AWS: OWN_ACCOUNT }, NotAction: 'ses:SendEmail', Resource: IDENTITY }, /grants 888888888888 every SES action except ses:SendEmail on example.com/],
    ['ses:*', { Effect: 'Allow', Principal: { AWS: OWN_ACCOUNT }, Action: 'ses:*', Resource: IDENTITY }, /grants 888888888888 every SES action on/],
    ['many actions', { Effect: 'Allow', Principal: { AWS: OWN_ACCOUNT }, Action: ['ses:Get*', 'ses:List*'], Resource: IDENTITY }, /and \d+ more actions on example.com/],
    ['another service', { Effect: 'Allow', Principal: { AWS: OWN_ACCOUNT }, Action: ['ses:SendEmail', 'sns:Publish'], Resource: IDENTITY }, /grants 888888888888 sns:Publish on/],
  ] as const)('%s', (_name, statement, reason) => {
    const finding = judge(identityPolicyState(doc(statement)), ctx()).find((f) => f.ruleId === 'SES-IDP-004');
    expect(finding?.reason).toMatch(reason);
  });
});
