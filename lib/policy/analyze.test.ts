import { describe, expect, it } from 'vitest';
import { analyzePolicy, analyzeStatement } from './analyze.ts';
import { actionsOfService } from './action-catalog.ts';
import { parsePolicy } from './parse.ts';
import type { Policy } from './types.ts';

function policy(statements: object[]): Policy {
  const r = parsePolicy({ Version: '2012-10-17', Statement: statements });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.policy;
}

const IDENTITY = 'arn:aws:ses:us-east-1:111122223333:identity/example.com';

describe('analyzeStatement: which actions a statement covers', () => {
  const sesCount = actionsOfService('ses').length;

  const cases: Array<[string, object, string | undefined, (g: ReturnType<typeof analyzeStatement>) => void]> = [
    ['a literal action is canonicalised from the catalogue (IAM action names are case-insensitive)', { Action: 'SES:sendemail' }, 'ses',
      (g) => { expect(g.actions).toEqual(['ses:SendEmail']); expect(g.allActions).toBe(false); }],
    ['a wildcard expands to every matching catalogue action', { Action: 'ses:Send*' }, 'ses',
      (g) => { expect(g.actions).toEqual(expect.arrayContaining(['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail', 'ses:SendBulkTemplatedEmail', 'ses:SendCustomVerificationEmail'])); expect(g.actions.every((a) => a.startsWith('ses:Send'))).toBe(true); }],
    ['`?` matches exactly one character', { Action: 'ses:SendEmai?' }, 'ses', (g) => expect(g.actions).toEqual(['ses:SendEmail'])],
    ['`ses:*` covers the whole service', { Action: 'ses:*' }, 'ses',
      (g) => { expect(g.allActions).toBe(true); expect(g.actions).toHaveLength(sesCount); }],
    ['`*` covers the whole service asked about', { Action: '*' }, 'ses', (g) => { expect(g.allActions).toBe(true); expect(g.actions).toHaveLength(sesCount); }],
    ['actions of another service are not counted when a service is asked about', { Action: ['iam:PassRole', 'ses:SendRawEmail'] }, 'ses',
      (g) => expect(g.actions).toEqual(['ses:SendRawEmail'])],
    ['without a service, every named service is expanded', { Action: ['iam:PassRole', 'ses:SendRawEmail'] }, undefined,
      (g) => expect(g.actions).toEqual(['iam:PassRole', 'ses:SendRawEmail'])],
    ['NotAction grants every other action of the service', { NotAction: 'ses:Send*' }, 'ses',
      (g) => { expect(g.actions).toContain('ses:PutIdentityPolicy'); expect(g.actions).not.toContain('ses:SendEmail'); expect(g.allActions).toBe(false); }],
    ['NotAction naming another service grants all of this one', { NotAction: 'iam:*' }, 'ses',
      (g) => { expect(g.allActions).toBe(true); expect(g.actions).toHaveLength(sesCount); }],
    ['an action the catalogue does not know grants nothing', { Action: 'ses:SendEmails' }, 'ses', (g) => expect(g.actions).toEqual([])],
  ];
  it.each(cases)('%s', (_name, st, service, check) => {
    const p = policy([{ Effect: 'Allow', Resource: '*', ...st }]);
    check(analyzeStatement(p.statements[0]!, 'p', service));
  });
});

describe('analyzePolicy: resources, principals and condition keys for rules', () => {
  it('cites each statement by index and Sid and lower-cases the condition keys', () => {
    const p = policy([
      {
        Sid: 'Delegate',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::444455556666:root'] },
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: IDENTITY,
        Condition: {
          StringLike: { 'ses:FromAddress': '*@example.com' },
          StringEquals: { 'aws:PrincipalOrgID': 'o-abc', 'AWS:SourceAccount': '444455556666' },
          'ForAllValues:StringLike': { 'ses:FromAddress': ['x'] },
        },
      },
      { Effect: 'Deny', NotPrincipal: { AWS: '111122223333' }, Action: 'ses:*', NotResource: IDENTITY },
    ]);
    const grants = analyzePolicy(p, 'identity-policy:example.com/p1', 'ses');
    expect(grants).toHaveLength(2);
    expect(grants[0]).toMatchObject({
      ref: { policy: 'identity-policy:example.com/p1', index: 0, sid: 'Delegate', effect: 'Allow' },
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      allActions: false,
      resources: [IDENTITY],
      notResources: [],
      principal: { wildcard: false, AWS: ['arn:aws:iam::444455556666:root'] },
      conditionKeys: ['ses:fromaddress', 'aws:principalorgid', 'aws:sourceaccount'],
    });
    expect(grants[0]?.conditions).toHaveLength(4);
    expect(grants[1]).toMatchObject({
      ref: { policy: 'identity-policy:example.com/p1', index: 1, effect: 'Deny' },
      allActions: true,
      resources: [],
      notResources: [IDENTITY],
      notPrincipal: { AWS: ['111122223333'] },
      conditionKeys: [],
    });
    expect(grants[1]?.ref).not.toHaveProperty('sid');
  });

  it('a trust-policy statement without Resource applies to the resource it is attached to (`*`)', () => {
    const p = policy([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(analyzePolicy(p, 'trust')[0]).toMatchObject({ resources: ['*'], actions: ['sts:AssumeRole'] });
  });
});
