import { describe, expect, it } from 'vitest';
import { compileCondition } from './conditions.ts';
import { contextLookup } from './evaluate.ts';
import type { ContextValue } from './types.ts';

type Case = [name: string, operator: string, key: string, values: string[], context: Record<string, ContextValue>, expected: boolean];

function run(operator: string, key: string, values: string[], context: Record<string, ContextValue>, variables = true): boolean {
  return compileCondition({ operator, key, values }, variables)(contextLookup(context));
}

const table = (cases: Case[]) =>
  it.each(cases)('%s', (_name, operator, key, values, context, expected) => {
    expect(run(operator, key, values, context)).toBe(expected);
  });

describe('String operators', () => {
  table([
    ['StringEquals matches exactly', 'StringEquals', 'ses:FromAddress', ['a@example.com'], { 'ses:FromAddress': 'a@example.com' }, true],
    ['StringEquals is case-sensitive', 'StringEquals', 'ses:FromAddress', ['a@example.com'], { 'ses:FromAddress': 'A@example.com' }, false],
    ['StringEquals treats * literally', 'StringEquals', 'ses:FromAddress', ['*@example.com'], { 'ses:FromAddress': 'a@example.com' }, false],
    ['several values OR together', 'StringEquals', 'aws:SourceAccount', ['111122223333', '444455556666'], { 'aws:SourceAccount': '444455556666' }, true],
    ['condition key names are case-insensitive', 'StringEquals', 'AWS:SourceAccount', ['111122223333'], { 'aws:sourceaccount': '111122223333' }, true],
    ['a missing key makes a positive operator false', 'StringEquals', 'ses:FromAddress', ['a@example.com'], {}, false],
    ['StringNotEquals is NOR over the values', 'StringNotEquals', 'aws:SourceAccount', ['111122223333', '444455556666'], { 'aws:SourceAccount': '444455556666' }, false],
    ['StringNotEquals matches a value outside the list', 'StringNotEquals', 'aws:SourceAccount', ['111122223333', '444455556666'], { 'aws:SourceAccount': '999999999999' }, true],
    ['StringNotEquals on a missing key is true (AWS: negated operators match absent keys)', 'StringNotEquals', 'aws:SourceAccount', ['1'], {}, true],
    ['StringEqualsIgnoreCase ignores case', 'StringEqualsIgnoreCase', 'ses:FromDisplayName', ['Billing'], { 'ses:FromDisplayName': 'BILLING' }, true],
    ['StringNotEqualsIgnoreCase ignores case', 'StringNotEqualsIgnoreCase', 'ses:FromDisplayName', ['Billing'], { 'ses:FromDisplayName': 'billing' }, false],
    ['StringLike * spans any run', 'StringLike', 'ses:FromAddress', ['*@example.com'], { 'ses:FromAddress': 'noreply@example.com' }, true],
    ['StringLike ? is one character', 'StringLike', 'ses:FromAddress', ['?@example.com'], { 'ses:FromAddress': 'ab@example.com' }, false],
    ['StringLike is case-sensitive', 'StringLike', 'ses:FromAddress', ['*@example.com'], { 'ses:FromAddress': 'a@EXAMPLE.com' }, false],
    ['StringLike does not treat regex characters specially', 'StringLike', 'ses:FromAddress', ['a.b@example.com'], { 'ses:FromAddress': 'aXb@example.com' }, false],
    ['StringNotLike excludes matches', 'StringNotLike', 'ses:FromAddress', ['*@example.com'], { 'ses:FromAddress': 'x@evil.com' }, true],
    ['StringNotLike on a missing key is true', 'StringNotLike', 'ses:FromAddress', ['*@example.com'], {}, true],
    ['a single-valued operator on a multivalued key does not match (set operator required)', 'StringLike', 'ses:Recipients', ['*@example.com'], { 'ses:Recipients': ['a@example.com', 'b@example.com'] }, false],
    ['numbers in the context compare as strings', 'StringEquals', 'aws:MultiFactorAuthAge', ['30'], { 'aws:MultiFactorAuthAge': 30 }, true],
  ]);
});

describe('...IfExists', () => {
  table([
    ['IfExists on a missing key is true', 'StringEqualsIfExists', 'ses:FromAddress', ['a@example.com'], {}, true],
    ['IfExists on a present key compares normally', 'StringEqualsIfExists', 'ses:FromAddress', ['a@example.com'], { 'ses:FromAddress': 'b@example.com' }, false],
    ['NumericLessThanIfExists on a missing key is true', 'NumericLessThanIfExists', 'aws:MultiFactorAuthAge', ['3600'], {}, true],
    ['IfExists operators are case-insensitive in name', 'stringlikeifexists', 'ses:FromAddress', ['*'], {}, true],
    // The set operator is evaluated first: ForAnyValue over no values is false, whatever IfExists says
    // (iam-simulate src/condition/condition.ts forAnyValueMatch: a missing key "failedBecauseMissing").
    ['ForAnyValue:...IfExists on a missing key is false (the set operator decides)', 'ForAnyValue:StringLikeIfExists', 'ses:Recipients', ['*@example.com'], {}, false],
    ['ForAnyValue:...IfExists on an empty set is false', 'ForAnyValue:StringLikeIfExists', 'ses:Recipients', ['*@example.com'], { 'ses:Recipients': [] }, false],
    ['ForAnyValue:...IfExists on a present key compares normally', 'ForAnyValue:StringLikeIfExists', 'ses:Recipients', ['*@example.com'], { 'ses:Recipients': ['a@example.com'] }, true],
    ['ForAllValues:...IfExists on a missing key is true', 'ForAllValues:StringLikeIfExists', 'ses:Recipients', ['*@example.com'], {}, true],
  ]);
});

describe('ForAllValues / ForAnyValue on multivalued keys', () => {
  table([
    ['ForAllValues: every request value must match one policy value', 'ForAllValues:StringLike', 'ses:Recipients', ['*@example.com', '*@example.org'], { 'ses:Recipients': ['a@example.com', 'b@example.org'] }, true],
    ['ForAllValues: one outsider fails it', 'ForAllValues:StringLike', 'ses:Recipients', ['*@example.com'], { 'ses:Recipients': ['a@example.com', 'x@evil.com'] }, false],
    ['ForAllValues on a missing key is true (AWS documented)', 'ForAllValues:StringLike', 'ses:Recipients', ['*@example.com'], {}, true],
    ['ForAllValues on an empty set is true', 'ForAllValues:StringLike', 'ses:Recipients', ['*@example.com'], { 'ses:Recipients': [] }, true],
    ['ForAllValues:StringNotLike: no request value may match', 'ForAllValues:StringNotLike', 'ses:Recipients', ['*@evil.com'], { 'ses:Recipients': ['a@example.com', 'x@evil.com'] }, false],
    ['ForAnyValue: one match is enough', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': ['team', 'env'] }, true],
    ['ForAnyValue: no match', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': ['team'] }, false],
    ['ForAnyValue on a missing key is false', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], {}, false],
    ['ForAnyValue on an empty set is false', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': [] }, false],
    ['ForAnyValue:StringNotEquals: some value outside the list', 'ForAnyValue:StringNotEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': ['env', 'team'] }, true],
    ['a set operator on a single value treats it as a one-element set', 'ForAllValues:StringEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': 'env' }, true],
  ]);
});

describe('Numeric operators', () => {
  table([
    ['NumericEquals', 'NumericEquals', 'k', ['10'], { k: '10' }, true],
    ['NumericEquals compares numbers, not text', 'NumericEquals', 'k', ['10'], { k: '10.0' }, true],
    ['NumericNotEquals', 'NumericNotEquals', 'k', ['10', '11'], { k: 12 }, true],
    ['NumericLessThan', 'NumericLessThan', 'k', ['10'], { k: 9 }, true],
    ['NumericLessThan is strict', 'NumericLessThan', 'k', ['10'], { k: 10 }, false],
    ['NumericLessThanEquals', 'NumericLessThanEquals', 'k', ['10'], { k: 10 }, true],
    ['NumericGreaterThan', 'NumericGreaterThan', 'k', ['10'], { k: 10.5 }, true],
    ['NumericGreaterThanEquals', 'NumericGreaterThanEquals', 'k', ['10'], { k: 9 }, false],
    ['a non-numeric request value never matches', 'NumericLessThan', 'k', ['10'], { k: 'abc' }, false],
    ['a non-numeric request value does not satisfy a negated operator either', 'NumericNotEquals', 'k', ['10'], { k: 'abc' }, false],
    ['a non-numeric policy value never matches', 'NumericEquals', 'k', ['ten'], { k: '10' }, false],
  ]);
});

describe('Date operators (ISO 8601 and epoch seconds)', () => {
  table([
    ['DateLessThan with ISO values', 'DateLessThan', 'aws:CurrentTime', ['2026-01-01T00:00:00Z'], { 'aws:CurrentTime': '2025-12-31T23:59:59Z' }, true],
    ['DateGreaterThan with ISO values', 'DateGreaterThan', 'aws:CurrentTime', ['2026-01-01T00:00:00Z'], { 'aws:CurrentTime': '2025-12-31T23:59:59Z' }, false],
    ['epoch seconds in the policy compare with ISO in the request', 'DateEquals', 'aws:CurrentTime', ['1767225600'], { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, true],
    ['epoch seconds in the request', 'DateGreaterThanEquals', 'aws:EpochTime', ['2026-01-01'], { 'aws:EpochTime': 1767225600 }, true],
    ['DateNotEquals', 'DateNotEquals', 'aws:CurrentTime', ['2026-01-01T00:00:00Z'], { 'aws:CurrentTime': '2026-01-02T00:00:00Z' }, true],
    ['DateLessThanEquals on the boundary', 'DateLessThanEquals', 'aws:CurrentTime', ['2026-01-01T00:00:00Z'], { 'aws:CurrentTime': '2026-01-01T00:00:00.000Z' }, true],
    ['an unparsable date never matches', 'DateLessThan', 'aws:CurrentTime', ['2026-01-01T00:00:00Z'], { 'aws:CurrentTime': 'yesterday' }, false],
  ]);
});

describe('Bool, Binary, Null', () => {
  table([
    ['Bool true', 'Bool', 'aws:SecureTransport', ['true'], { 'aws:SecureTransport': true }, true],
    ['Bool is case-insensitive in its values', 'Bool', 'aws:SecureTransport', ['TRUE'], { 'aws:SecureTransport': 'true' }, true],
    ['Bool false does not match true', 'Bool', 'aws:SecureTransport', ['false'], { 'aws:SecureTransport': true }, false],
    ['Bool with a non-boolean request value does not match', 'Bool', 'aws:SecureTransport', ['true'], { 'aws:SecureTransport': 'yes' }, false],
    ['Bool on a missing key is false (deny-if-insecure statements use BoolIfExists)', 'Bool', 'aws:SecureTransport', ['false'], {}, false],
    ['BinaryEquals compares base64 bytes', 'BinaryEquals', 'k', ['QmluYXJ5VmFsdWU='], { k: 'QmluYXJ5VmFsdWU=' }, true],
    ['BinaryEquals differing bytes', 'BinaryEquals', 'k', ['QmluYXJ5VmFsdWU='], { k: 'QmluYXJ5VmFsdWF=' }, false],
    ['BinaryEquals invalid base64 request value', 'BinaryEquals', 'k', ['QmluYXJ5VmFsdWU='], { k: '!!!' }, false],
    ['Null true matches an absent key', 'Null', 'aws:TokenIssueTime', ['true'], {}, true],
    ['Null true does not match a present key', 'Null', 'aws:TokenIssueTime', ['true'], { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }, false],
    ['Null false matches a present key', 'Null', 'aws:TokenIssueTime', ['false'], { 'aws:TokenIssueTime': 'x' }, true],
    ['Null true matches an empty multivalued key', 'Null', 'aws:TagKeys', ['true'], { 'aws:TagKeys': [] }, true],
  ]);
});

describe('IpAddress / NotIpAddress (IPv4 and IPv6 CIDR)', () => {
  table([
    ['IPv4 inside the CIDR', 'IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '203.0.113.77' }, true],
    ['IPv4 outside the CIDR', 'IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '203.0.114.1' }, false],
    ['a bare address is a /32', 'IpAddress', 'aws:SourceIp', ['203.0.113.5'], { 'aws:SourceIp': '203.0.113.5' }, true],
    ['/0 matches every IPv4 address', 'IpAddress', 'aws:SourceIp', ['0.0.0.0/0'], { 'aws:SourceIp': '8.8.8.8' }, true],
    ['IPv6 inside the CIDR', 'IpAddress', 'aws:SourceIp', ['2001:db8::/32'], { 'aws:SourceIp': '2001:db8:abcd::1' }, true],
    ['IPv6 outside the CIDR', 'IpAddress', 'aws:SourceIp', ['2001:db8::/32'], { 'aws:SourceIp': '2001:db9::1' }, false],
    ['an IPv4 CIDR never matches an IPv6 address', 'IpAddress', 'aws:SourceIp', ['0.0.0.0/0'], { 'aws:SourceIp': '2001:db8::1' }, false],
    ['IPv4-mapped IPv6 compares as IPv4', 'IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '::ffff:203.0.113.9' }, true],
    ['NotIpAddress outside every CIDR', 'NotIpAddress', 'aws:SourceIp', ['203.0.113.0/24', '2001:db8::/32'], { 'aws:SourceIp': '198.51.100.1' }, true],
    ['NotIpAddress inside one CIDR', 'NotIpAddress', 'aws:SourceIp', ['203.0.113.0/24', '2001:db8::/32'], { 'aws:SourceIp': '2001:db8::5' }, false],
    ['NotIpAddress on a missing key is true', 'NotIpAddress', 'aws:SourceIp', ['203.0.113.0/24'], {}, true],
    ['an invalid request address never matches', 'IpAddress', 'aws:SourceIp', ['0.0.0.0/0'], { 'aws:SourceIp': '300.1.1.1' }, false],
  ]);
});

describe('Arn operators (segment-wise, wildcards allowed in ArnEquals and ArnLike)', () => {
  const topic = 'arn:aws:sns:us-east-1:111122223333:ses-events';
  table([
    ['ArnEquals exact', 'ArnEquals', 'aws:SourceArn', [topic], { 'aws:SourceArn': topic }, true],
    ['ArnLike with a region wildcard', 'ArnLike', 'aws:SourceArn', ['arn:aws:sns:*:111122223333:*'], { 'aws:SourceArn': topic }, true],
    ['ArnEquals also accepts wildcards', 'ArnEquals', 'aws:SourceArn', ['arn:aws:sns:us-east-1:111122223333:ses-*'], { 'aws:SourceArn': topic }, true],
    ['a wildcard does not spill into the next segment', 'ArnLike', 'aws:SourceArn', ['arn:aws:sns:us-east-1*:ses-events'], { 'aws:SourceArn': topic }, false],
    ['ARN matching is case-sensitive', 'ArnLike', 'aws:SourceArn', ['arn:aws:sns:us-east-1:111122223333:SES-events'], { 'aws:SourceArn': topic }, false],
    ['ArnNotLike on another account', 'ArnNotLike', 'aws:SourceArn', ['arn:aws:sns:*:444455556666:*'], { 'aws:SourceArn': topic }, true],
    ['ArnNotEquals on a missing key is true', 'ArnNotEquals', 'aws:SourceArn', [topic], {}, true],
    ['a request value that is not an ARN never matches', 'ArnLike', 'aws:SourceArn', ['*'], { 'aws:SourceArn': 'not-an-arn' }, false],
  ]);
});

describe('policy variables in condition values', () => {
  table([
    ['${aws:username} substitutes the caller', 'StringEquals', 'ses:FromAddress', ['${aws:username}@example.com'], { 'aws:username': 'alice', 'ses:FromAddress': 'alice@example.com' }, true],
    ['a variable value is literal inside StringLike', 'StringLike', 'ses:FromAddress', ['${aws:username}@example.com'], { 'aws:username': '*', 'ses:FromAddress': 'alice@example.com' }, false],
    ['${aws:PrincipalTag/x} substitutes a tag', 'StringLike', 'ses:FromAddress', ['*@${aws:PrincipalTag/domain}'], { 'aws:PrincipalTag/domain': 'example.com', 'ses:FromAddress': 'a@example.com' }, true],
    ['an unresolved variable without default never matches', 'StringEquals', 'ses:FromAddress', ['${aws:username}@example.com'], { 'ses:FromAddress': '@example.com' }, false],
    ['an unresolved variable does not satisfy a negated operator either', 'StringNotEquals', 'ses:FromAddress', ['${aws:username}@example.com'], { 'ses:FromAddress': 'a@example.com' }, false],
    ['a default fills an unresolved variable', 'StringEquals', 'ses:FromAddress', ["${aws:PrincipalTag/team, 'ops'}@example.com"], { 'ses:FromAddress': 'ops@example.com' }, true],
    ['${*} is a literal star in StringLike', 'StringLike', 'k', ['a${*}b'], { k: 'a*b' }, true],
    ['${*} does not act as a wildcard', 'StringLike', 'k', ['a${*}b'], { k: 'axxb' }, false],
    ['${?} and ${$} are literal', 'StringEquals', 'k', ['${?}${$}'], { k: '?$' }, true],
    ['a multivalued key is not substituted', 'StringEquals', 'k', ['${aws:TagKeys}'], { k: 'a', 'aws:TagKeys': ['a'] }, false],
    ['variables in ArnLike', 'ArnLike', 'aws:SourceArn', ['arn:aws:sns:*:${aws:PrincipalAccount}:*'], { 'aws:PrincipalAccount': '111122223333', 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:t' }, true],
  ]);

  it('2008-10-17 documents have no policy variables: ${...} is literal text', () => {
    expect(run('StringEquals', 'k', ['${aws:username}'], { k: '${aws:username}', 'aws:username': 'alice' }, false)).toBe(true);
    expect(run('StringEquals', 'k', ['${aws:username}'], { k: 'alice', 'aws:username': 'alice' }, false)).toBe(false);
  });
});
