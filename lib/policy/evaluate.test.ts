import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate } from './evaluate.ts';
import { parsePolicy } from './parse.ts';
import type { ContextValue, EvaluationDecision, LabelledPolicy, Policy, PolicySet, StatementRef } from './types.ts';

function doc(statements: object[], version = '2012-10-17'): Policy {
  const r = parsePolicy({ Version: version, Statement: statements });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.policy;
}

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const IDENTITY = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/example.com`;
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

interface Case {
  name: string;
  identity?: object[][];
  resourcePolicy?: object[];
  version?: string;
  action?: string;
  resource?: string;
  principal?: string;
  context?: Record<string, ContextValue>;
  decision: EvaluationDecision;
  statements?: Array<Partial<StatementRef>>;
}

function setOf(c: Case): PolicySet {
  const identityPolicies: LabelledPolicy[] = (c.identity ?? []).map((s, i) => ({ label: `id${i}`, policy: doc(s, c.version) }));
  return {
    identityPolicies,
    ...(c.resourcePolicy ? { resourcePolicy: { label: 'rp', policy: doc(c.resourcePolicy, c.version) } } : {}),
  };
}

const allowSend = { Sid: 'Send', Effect: 'Allow', Action: 'ses:SendEmail', Resource: IDENTITY };

const cases: Case[] = [
  { name: 'no statement matches: implicit deny', identity: [[allowSend]], action: 'ses:SendRawEmail', decision: 'ImplicitDeny', statements: [] },
  { name: 'an Allow matches: allow, citing it', identity: [[allowSend]], decision: 'Allow', statements: [{ policy: 'id0', index: 0, sid: 'Send', effect: 'Allow' }] },
  { name: 'no policies at all: implicit deny', identity: [], decision: 'ImplicitDeny' },
  { name: 'action names match case-insensitively', identity: [[allowSend]], action: 'SES:sendemail', decision: 'Allow' },
  { name: 'action wildcards * and ?', identity: [[{ Effect: 'Allow', Action: 'ses:Send?mail*', Resource: '*' }]], action: 'ses:SendEmail', decision: 'Allow' },
  { name: 'resources match case-sensitively', identity: [[allowSend]], resource: IDENTITY.replace('example', 'Example'), decision: 'ImplicitDeny' },
  { name: 'resource wildcard within the resource segment', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/*` }]], decision: 'Allow' },
  {
    name: 'a wildcard in the account segment does not swallow the colon before the resource',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:us-east-1:*:example.com' }]],
    resource: `arn:aws:ses:us-east-1:${ACCOUNT}:identity:example.com`,
    decision: 'ImplicitDeny',
  },
  { name: 'a short ARN: its trailing * spans the remaining segments', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:*' }]], decision: 'Allow' },
  { name: 'a short ARN ending in a region prefix matches that region', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:us-*' }]], decision: 'Allow' },
  { name: 'a short ARN ending in a region prefix does not match another region', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:eu-*' }]], decision: 'ImplicitDeny' },
  { name: 'a short ARN names its service exactly', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:sns:*' }]], decision: 'ImplicitDeny' },
  { name: 'a short ARN in NotResource excludes what it spans', identity: [[{ Effect: 'Allow', Action: 'ses:*', NotResource: 'arn:aws:ses:us-*' }]], decision: 'ImplicitDeny' },
  { name: 'a short ARN in a Deny denies what it spans', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }, { Effect: 'Deny', Action: 'ses:*', Resource: 'arn:aws:ses:*' }]], decision: 'ExplicitDeny' },
  // iam-simulate (src/action/action.ts, core engine case edgeCases/whitespaceActions.json): an action with
  // whitespace matches no request action; AWS later removed the stray spaces from SecurityAudit v7,
  // ReadOnlyAccess v63 and ViewOnlyAccess v2, the fixes one makes to actions that had no effect.
  { name: 'an Action with a trailing space grants nothing', identity: [[{ Effect: 'Allow', Action: 'ses:SendEmail ', Resource: '*' }]], decision: 'ImplicitDeny' },
  { name: 'an Action with a space after the colon grants nothing', identity: [[{ Effect: 'Allow', Action: 'ses: *', Resource: '*' }]], decision: 'ImplicitDeny' },
  { name: 'an empty action after the prefix grants nothing', identity: [[{ Effect: 'Allow', Action: 'ses:', Resource: '*' }]], decision: 'ImplicitDeny' },
  { name: 'a whitespace action in NotAction excludes nothing', identity: [[{ Effect: 'Allow', NotAction: 'ses:SendEmail ', Resource: '*' }]], decision: 'Allow' },
  { name: 'a whitespace action in a Deny denies nothing', identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }, { Effect: 'Deny', Action: 'ses: SendEmail', Resource: '*' }]], decision: 'Allow' },
  {
    name: 'an Allow on ForAnyValue:...IfExists does not apply to a request without the key (denied)',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: '*', Condition: { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['team'] } } }]],
    context: {},
    decision: 'ImplicitDeny',
  },
  // "You can use a policy variable in the Resource element, but only in the resource portion of the ARN
  // [after the fifth colon]" (IAM User Guide, reference_policies_variables, "Where you can use policy
  // variables"); iam-simulate matches the segments before it literally. A variable there is text.
  {
    name: 'a variable before the fifth colon of a Resource ARN is not substituted (Allow grants nothing)',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:*:${aws:PrincipalAccount}:*' }]],
    context: { 'aws:PrincipalAccount': ACCOUNT },
    decision: 'ImplicitDeny',
  },
  {
    name: 'a variable before the fifth colon of a Resource ARN is not substituted (Deny denies nothing)',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }, { Effect: 'Deny', Action: 'ses:*', Resource: 'arn:aws:ses:${aws:RequestedRegion}:*:*' }]],
    context: { 'aws:RequestedRegion': 'us-east-1' },
    decision: 'Allow',
  },
  {
    name: 'a variable in the resource portion of the ARN is substituted',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}` }]],
    resource: `arn:aws:ses:us-east-1:${ACCOUNT}:identity/alice`,
    context: { 'aws:username': 'alice' },
    decision: 'Allow',
  },
  {
    name: 'explicit deny beats allow, citing only the deny',
    identity: [[allowSend], [{ Sid: 'NoSes', Effect: 'Deny', Action: 'ses:*', Resource: '*' }]],
    decision: 'ExplicitDeny',
    statements: [{ policy: 'id1', index: 0, sid: 'NoSes', effect: 'Deny' }],
  },
  {
    name: 'every matching allow is cited',
    identity: [[allowSend, { Effect: 'Allow', Action: 'ses:Send*', Resource: '*' }]],
    decision: 'Allow',
    statements: [{ index: 0, sid: 'Send' }, { index: 1 }],
  },
  { name: 'NotAction allows everything except the listed actions', identity: [[{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]], decision: 'Allow' },
  { name: 'NotAction does not allow the listed actions', identity: [[{ Effect: 'Allow', NotAction: 'ses:Send*', Resource: '*' }]], decision: 'ImplicitDeny' },
  { name: 'NotResource allows every other resource', identity: [[{ Effect: 'Allow', Action: 'ses:*', NotResource: `arn:aws:ses:*:*:identity/other.com` }]], decision: 'Allow' },
  { name: 'NotResource excludes the listed resource', identity: [[{ Effect: 'Allow', Action: 'ses:*', NotResource: IDENTITY }]], decision: 'ImplicitDeny' },
  {
    name: 'Deny with NotResource denies outside the listed resources',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }, { Effect: 'Deny', Action: 'ses:*', NotResource: `arn:aws:ses:*:*:identity/other.com` }]],
    decision: 'ExplicitDeny',
  },
  {
    name: 'all conditions in a block AND together',
    identity: [[{ ...allowSend, Condition: { StringLike: { 'ses:FromAddress': '*@example.com' }, Bool: { 'aws:SecureTransport': 'true' } } }]],
    context: { 'ses:FromAddress': 'a@example.com', 'aws:SecureTransport': false },
    decision: 'ImplicitDeny',
  },
  {
    name: 'conditions satisfied: allow',
    identity: [[{ ...allowSend, Condition: { StringLike: { 'ses:FromAddress': '*@example.com' }, Bool: { 'aws:SecureTransport': 'true' } } }]],
    context: { 'ses:FromAddress': 'a@example.com', 'aws:SecureTransport': true },
    decision: 'Allow',
  },
  {
    name: 'deny unless recipients are all internal (ForAllValues in a Deny with StringNotLike)',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }, { Effect: 'Deny', Action: 'ses:SendEmail', Resource: '*', Condition: { 'ForAnyValue:StringNotLike': { 'ses:Recipients': '*@example.com' } } }]],
    context: { 'ses:Recipients': ['a@example.com', 'x@evil.com'] },
    decision: 'ExplicitDeny',
  },
  {
    name: 'variables in Resource: ${aws:username}',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}.example.com` }]],
    resource: `arn:aws:ses:us-east-1:${ACCOUNT}:identity/alice.example.com`,
    context: { 'aws:username': 'alice' },
    decision: 'Allow',
  },
  {
    name: 'an unresolved Resource variable matches nothing',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}*` }]],
    decision: 'ImplicitDeny',
  },
  {
    name: 'a 2008-10-17 document keeps ${...} in Resource literal',
    version: '2008-10-17',
    identity: [[{ Effect: 'Allow', Action: 'ses:*', Resource: `arn:aws:ses:*:${ACCOUNT}:identity/\${aws:username}*` }]],
    context: { 'aws:username': 'example.com' },
    decision: 'ImplicitDeny',
  },
  // Same-account resource policies
  {
    name: 'a same-account resource policy naming the user allows on its own',
    resourcePolicy: [{ Sid: 'RP', Effect: 'Allow', Principal: { AWS: USER }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: USER,
    decision: 'Allow',
    statements: [{ policy: 'rp', index: 0, sid: 'RP' }],
  },
  {
    name: 'a same-account resource policy naming only the account delegates to IAM',
    resourcePolicy: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: USER,
    decision: 'ImplicitDeny',
  },
  {
    name: 'a resource policy for another principal does not apply',
    resourcePolicy: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: USER,
    decision: 'ImplicitDeny',
  },
  {
    name: 'a resource policy naming a role applies to its sessions',
    resourcePolicy: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Mailer` }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Mailer/i-123`,
    decision: 'Allow',
  },
  {
    name: 'a resource policy Deny for "*" beats an identity Allow',
    identity: [[allowSend]],
    resourcePolicy: [{ Effect: 'Deny', Principal: '*', Action: 'ses:*', Resource: IDENTITY, Condition: { StringNotLike: { 'ses:FromAddress': '*@example.com' } } }],
    principal: USER,
    context: { 'ses:FromAddress': 'x@evil.com' },
    decision: 'ExplicitDeny',
    statements: [{ policy: 'rp', index: 0 }],
  },
  {
    name: 'NotPrincipal Deny spares the named principal',
    identity: [[allowSend]],
    resourcePolicy: [{ Effect: 'Deny', NotPrincipal: { AWS: USER }, Action: 'ses:*', Resource: IDENTITY }],
    principal: USER,
    decision: 'Allow',
  },
  {
    name: 'NotPrincipal Deny hits everyone else',
    identity: [[allowSend]],
    resourcePolicy: [{ Effect: 'Deny', NotPrincipal: { AWS: USER }, Action: 'ses:*', Resource: IDENTITY }],
    principal: `arn:aws:iam::${ACCOUNT}:user/bob`,
    decision: 'ExplicitDeny',
  },
  // Cross-account (SES sending authorization)
  {
    name: 'cross-account: the resource policy alone is not enough',
    resourcePolicy: [{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: `arn:aws:iam::${OTHER}:user/carol`,
    decision: 'ImplicitDeny',
  },
  {
    name: 'cross-account: resource policy and the caller\'s identity policy together allow',
    identity: [[{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }]],
    resourcePolicy: [{ Sid: 'Delegate', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: `arn:aws:iam::${OTHER}:user/carol`,
    decision: 'Allow',
    statements: [{ policy: 'id0', index: 0 }, { policy: 'rp', index: 0, sid: 'Delegate' }],
  },
  {
    name: 'cross-account: identity allow without the resource policy is denied',
    identity: [[{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }]],
    resourcePolicy: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: `arn:aws:iam::${OTHER}:user/carol`,
    decision: 'ImplicitDeny',
  },
  {
    name: 'a service principal is matched by Service',
    resourcePolicy: [{ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    principal: 'ses.amazonaws.com',
    decision: 'Allow',
  },
  {
    name: 'an anonymous caller only meets a "*" principal',
    resourcePolicy: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ses:SendEmail', Resource: IDENTITY }],
    decision: 'ImplicitDeny',
  },
];

describe('evaluate', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = evaluate(
      { action: c.action ?? 'ses:SendEmail', resource: c.resource ?? IDENTITY, ...(c.principal ? { principal: c.principal } : {}), context: c.context ?? {} },
      setOf(c),
    );
    expect(result.decision).toBe(c.decision);
    if (c.decision === 'ImplicitDeny') expect(result.statements).toEqual([]);
    if (c.statements) {
      expect(result.statements).toHaveLength(c.statements.length);
      c.statements.forEach((s, i) => expect(result.statements[i]).toMatchObject(s));
    }
  });

  it('reuses the compiled policy for the same object and stays correct across requests', () => {
    const set = setOf({ name: '', identity: [[{ ...allowSend, Condition: { StringEquals: { 'ses:FromAddress': 'a@example.com' } } }]], decision: 'Allow' });
    const req = (from: string) => evaluate({ action: 'ses:SendEmail', resource: IDENTITY, context: { 'ses:FromAddress': from } }, set).decision;
    expect([req('a@example.com'), req('b@example.com'), req('a@example.com')]).toEqual(['Allow', 'ImplicitDeny', 'Allow']);
  });
});

describe('evaluate never throws on any policy the parser accepts', () => {
  const value = fc.oneof(fc.constantFrom('*', 'ses:*', 'ses:Send?mail', IDENTITY, 'arn:aws:ses:*:*:identity/${aws:username}*', '${*}', '10', 'true', '::1/0', '2026-01-01', '1767225600'), fc.string());
  const operator = fc.constantFrom('StringEquals', 'StringNotLike', 'ForAllValues:StringLike', 'ForAnyValue:StringNotEqualsIfExists', 'NumericLessThan', 'DateGreaterThan', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnLike', 'ArnNotEquals', 'Null');
  const statement = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })),
    Resource: fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })),
    Condition: fc.dictionary(operator, fc.dictionary(fc.constantFrom('ses:FromAddress', 'ses:Recipients', 'aws:SourceIp', 'aws:CurrentTime', 'k'), fc.oneof(value, fc.array(value))), { maxKeys: 3 }),
  });
  const context = fc.dictionary(fc.constantFrom('ses:FromAddress', 'ses:Recipients', 'aws:SourceIp', 'aws:CurrentTime', 'aws:username', 'k'), fc.oneof(fc.string(), fc.array(fc.string()), fc.integer(), fc.boolean()));
  it('for arbitrary statements, requests and contexts', () => {
    fc.assert(fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), fc.string(), fc.string(), context, (statements, action, resource, ctx) => {
      const r = parsePolicy({ Version: '2012-10-17', Statement: statements });
      if (!r.ok) return;
      const result = evaluate({ action, resource, context: ctx }, { identityPolicies: [{ label: 'p', policy: r.policy }] });
      expect(['Allow', 'ExplicitDeny', 'ImplicitDeny']).toContain(result.decision);
    }), { numRuns: 1000 });
  });
});
