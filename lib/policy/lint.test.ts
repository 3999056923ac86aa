import { describe, expect, it } from 'vitest';
import { lintPolicy, SIZE_LIMITS, type LintCode, type LintFinding, type LintOptions } from './lint.ts';
import { parsePolicy } from './parse.ts';

const ACCOUNT = '111122223333';
const IDENTITY = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/example.com`;

function lint(statements: object[], options: LintOptions = { kind: 'iam-policy' }, version = '2012-10-17'): LintFinding[] {
  const r = parsePolicy({ Version: version, Statement: statements });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return lintPolicy(r.policy, options);
}

type Row = [name: string, statements: object[], options: LintOptions | undefined, expected: Partial<LintFinding> | null];

/** One table per check: `expected` is the finding of that code the case must produce, or null for none. */
function table(code: LintCode, rows: Row[]) {
  describe(code, () => {
    it.each(rows)('%s', (_name, statements, options, expected) => {
      const found = lint(statements, options).filter((f) => f.code === code);
      if (expected === null) expect(found).toEqual([]);
      else expect(found).toContainEqual(expect.objectContaining({ code, ...expected }));
    });
  });
}

const send = (extra: object = {}) => ({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', ...extra });
const sesPolicy: LintOptions = { kind: 'identity-policy' };
const toPartner = { Principal: { AWS: 'arn:aws:iam::444455556666:root' } };

table('LINT-UNKNOWN-ACTION', [
  ['a misspelt action, with the nearest valid one suggested', [send({ Action: 'ses:SendEmial' })], undefined, { statement: 0, field: 'Action', message: expect.stringContaining('did you mean ses:SendEmail?') }],
  ['case differences are not errors (IAM actions are case-insensitive)', [send({ Action: 'SES:sendemail' })], undefined, null],
  ['an action far from any: no suggestion', [send({ Action: 'ses:Zzzzzzzzzzzzzz' })], undefined, { message: expect.not.stringContaining('did you mean') }],
  ['in NotAction too', [{ Effect: 'Deny', NotAction: 'ses:SendRawEmial', Resource: '*' }], undefined, { field: 'NotAction', message: expect.stringContaining('ses:SendRawEmail') }],
]);

table('LINT-UNKNOWN-SERVICE', [
  ['a service prefix that does not exist', [send({ Action: 'sess:SendEmail' })], undefined, { field: 'Action', message: expect.stringContaining('did you mean ses?') }],
  ['a wildcard service prefix is not judged', [send({ Action: 's*:SendEmail' })], undefined, null],
]);

table('LINT-ACTION-MATCHES-NOTHING', [
  ['a wildcard that matches no action of the service', [send({ Action: 'ses:Sned*' })], undefined, { field: 'Action' }],
  ['a wildcard that matches', [send({ Action: 'ses:Send*' })], undefined, null],
]);

table('LINT-INERT-ACTION', [
  ['an action with a trailing space (SecurityAudit v5)', [send({ Action: 'ses:SendEmail ' })], undefined, { field: 'Action', message: expect.stringContaining('"ses:SendEmail"') }],
  ['nothing after the prefix', [send({ Action: 'ses:' })], undefined, { message: expect.stringContaining('nothing after the service prefix') }],
]);

table('LINT-UNKNOWN-CONDITION-KEY', [
  ['ses:RequireTLS is not an SES condition key', [send({ Condition: { Bool: { 'ses:RequireTLS': 'true' } } })], undefined, { field: 'Condition.Bool.ses:RequireTLS' }],
  ['ses:MessageSize is not an SES condition key', [send({ Condition: { NumericLessThan: { 'ses:MessageSize': '1000' } } })], undefined, { field: 'Condition.NumericLessThan.ses:MessageSize' }],
  ['an aws: key that is not global', [send({ Condition: { StringEquals: { 'aws:SourceRegion': 'us-east-1' } } })], undefined, { message: expect.stringContaining('not one of the global condition keys') }],
  ['a global key', [send({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })], undefined, null],
  ['keys compare case-insensitively', [send({ Condition: { StringLike: { 'SES:fromaddress': '*@example.com' } } })], undefined, null],
]);

table('LINT-UNSUPPORTED-CONDITION-KEY', [
  ['ses:FromAddress on an action that does not carry it', [{ Effect: 'Allow', Action: 'ses:CreateEmailIdentityPolicy', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } }], undefined, { field: 'Condition.StringEquals.ses:FromAddress', message: expect.stringContaining('ses:CreateEmailIdentityPolicy') }],
  ['ses:FromAddress on a sending action', [send({ Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } })], undefined, null],
  ['a pattern counts when any action it covers carries the key', [send({ Action: 'ses:Send*', Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } })], undefined, null],
  ['an SES key on an S3-only statement', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } }], undefined, { message: expect.stringContaining('s3:GetObject') }],
  ['NotAction statements are not judged', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } }], undefined, null],
]);

table('LINT-MISSING-RESOURCE', [
  ['an IAM policy statement without Resource (only a Principal let it parse)', [{ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail' }], { kind: 'iam-policy' }, { field: 'Resource' }],
  ['a role trust policy has none, rightly', [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }], { kind: 'iam-policy', container: 'role-trust' }, null],
]);

table('LINT-PRINCIPAL-IN-IAM-POLICY', [
  ['a Principal in an IAM identity policy', [send({ Principal: '*' })], { kind: 'iam-policy' }, { field: 'Principal' }],
  ['a Principal in a trust policy', [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }], { kind: 'iam-policy', container: 'role-trust' }, null],
]);

table('LINT-MISSING-PRINCIPAL', [
  ['a sending authorization statement without Principal', [send({ Resource: IDENTITY })], sesPolicy, { field: 'Principal' }],
  ['with Principal', [send({ Resource: IDENTITY, ...toPartner })], sesPolicy, null],
]);

table('LINT-RESOURCE-SERVICE-MISMATCH', [
  ['an S3 ARN in an SES identity policy', [send({ Resource: 'arn:aws:s3:::bucket/*', ...toPartner })], sesPolicy, { field: 'Resource', message: expect.stringContaining('s3 ARN') }],
  ['an S3 ARN for an SES action in an IAM policy', [send({ Resource: 'arn:aws:s3:::bucket' })], undefined, { message: expect.stringContaining('grants nothing on it') }],
  ['an SES ARN for an SES action', [send({ Resource: IDENTITY })], undefined, null],
  ['NotResource naming another service is not judged', [{ Effect: 'Deny', Action: 'ses:*', NotResource: 'arn:aws:s3:::bucket' }], undefined, null],
]);

table('LINT-RESOURCE-TYPE-MISMATCH', [
  ['a template ARN for an action that acts on identities', [{ Effect: 'Allow', Action: 'ses:CreateEmailIdentityPolicy', Resource: `arn:aws:ses:*:${ACCOUNT}:template/x` }], undefined, { message: expect.stringContaining('act on identity') }],
  ['an identity ARN for a wildcard-only action', [{ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: IDENTITY }], undefined, { message: expect.stringContaining('supports only Resource "*"') }],
  ['an ARN any of the actions acts on', [{ Effect: 'Allow', Action: ['ses:PutIdentityPolicy', 'ses:CreateEmailIdentityPolicy'], Resource: IDENTITY }], undefined, null],
  ['a resource wildcard that covers the type', [{ Effect: 'Allow', Action: 'ses:CreateEmailIdentityPolicy', Resource: 'arn:aws:ses:*:*:*' }], undefined, null],
  ['a configuration set in an SES identity policy', [send({ Resource: `arn:aws:ses:us-east-1:${ACCOUNT}:configuration-set/x`, ...toPartner })], sesPolicy, { message: expect.stringContaining('not an SES identity') }],
]);

table('LINT-RESOURCE-VARIABLE-IGNORED', [
  ['a variable in the account field', [send({ Resource: 'arn:aws:ses:*:${aws:PrincipalAccount}:identity/*' })], undefined, { field: 'Resource', message: expect.stringContaining('${aws:principalaccount}') }],
  ['a variable in the resource part', [send({ Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}` })], undefined, null],
]);

describe('LINT-VARIABLE-IN-OLD-VERSION', () => {
  it('a variable in a 2008-10-17 policy is literal text', () => {
    expect(lint([send({ Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}` })], undefined, '2008-10-17')).toContainEqual(expect.objectContaining({ code: 'LINT-VARIABLE-IN-OLD-VERSION', field: 'Resource' }));
  });
  it('not in a 2012-10-17 policy', () => {
    expect(lint([send({ Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}` })]).filter((f) => f.code === 'LINT-VARIABLE-IN-OLD-VERSION')).toEqual([]);
  });
});

table('LINT-CONDITION-NEVER-TRUE', [
  ['two StringEquals-like clauses on one key with disjoint values', [send({ Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' }, StringLike: { 'aws:RequestedRegion': 'eu-*' } } })], undefined, { field: 'Condition', message: expect.stringContaining('this Allow never applies') }],
  ['NumericLessThan 0 on a count', [send({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '0' } } })], undefined, { message: expect.stringContaining('never negative') }],
  ['Null true with a positive match on the same key', [send({ Condition: { Null: { 'aws:ResourceTag/team': 'true' }, StringEquals: { 'aws:ResourceTag/team': 'mail' } } })], undefined, { message: expect.stringContaining('requires the key to be absent') }],
  ['a Deny that never applies denies nothing', [{ Effect: 'Deny', Action: 'ses:*', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '0' } } }], undefined, { message: expect.stringContaining('denies nothing') }],
  ['satisfiable conditions', [send({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' }, Bool: { 'aws:SecureTransport': 'true' } } })], undefined, null],
  ['IfExists is true when absent: not never', [send({ Condition: { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '0' } } })], undefined, null],
]);

describe('LINT-POLICY-TOO-LARGE (needs the text)', () => {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `ses:SendEmail${i}`);
  const textOf = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
  const sizeLint = (statements: object[], options: LintOptions) => {
    const text = textOf(statements);
    const r = parsePolicy(text);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return lintPolicy(r.policy, { ...options, text }).filter((f) => f.code === 'LINT-POLICY-TOO-LARGE');
  };
  it.each([
    ['a managed policy over 6,144 characters', 'managed', 400, true],
    ['a managed policy under it (whitespace does not count)', 'managed', 300, false],
    ['a user inline policy over 2,048', 'user-inline', 120, true],
    ['a role inline policy of the same size is fine (10,240)', 'role-inline', 120, false],
    ['a group inline policy over 5,120', 'group-inline', 330, true],
  ] as const)('%s', (_name, container, actions, tooLarge) => {
    const found = sizeLint([{ Effect: 'Allow', Action: filler(actions), Resource: '*' }], { kind: 'iam-policy', container });
    expect(found.length > 0).toBe(tooLarge);
    if (tooLarge) expect(found[0]!.message).toContain(String(SIZE_LIMITS[container]));
  });
  it('an SES identity policy over 4 KB', () => {
    const found = sizeLint([{ Effect: 'Allow', ...toPartner, Action: filler(300), Resource: IDENTITY }], sesPolicy);
    expect(found).toEqual([expect.objectContaining({ field: 'Document', message: expect.stringContaining('4 KB') })]);
  });
  it('no text, no size finding', () => {
    expect(lint([{ Effect: 'Allow', Action: filler(400), Resource: '*' }]).filter((f) => f.code === 'LINT-POLICY-TOO-LARGE')).toEqual([]);
  });
});

describe('findings carry line numbers when the text is given', () => {
  it('points at the statement element', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*" },\n    {\n      "Effect": "Allow",\n      "Action": "ses:SendEmial",\n      "Resource": "*"\n    }\n  ]\n}';
    const r = parsePolicy(text);
    if (!r.ok) throw new Error('parse');
    expect(lintPolicy(r.policy, { kind: 'iam-policy', text })).toEqual([expect.objectContaining({ code: 'LINT-UNKNOWN-ACTION', statement: 1, field: 'Action', line: 7 })]);
  });
  it('a single-object Statement is statement 0', () => {
    const text = '{"Version":"2012-10-17",\n"Statement":\n{"Effect":"Allow","Action":"ses:SendEmial","Resource":"*"}}';
    const r = parsePolicy(text);
    if (!r.ok) throw new Error('parse');
    expect(lintPolicy(r.policy, { kind: 'iam-policy', text })[0]).toMatchObject({ statement: 0, line: 3 });
  });
});

describe('AWS managed policies that need no lint', () => {
  it('a clean policy has no findings', () => {
    expect(lint([{ Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: `arn:aws:ses:*:${ACCOUNT}:identity/*`, Condition: { StringLike: { 'ses:FromAddress': '*@example.com' } } }])).toEqual([]);
  });
});
