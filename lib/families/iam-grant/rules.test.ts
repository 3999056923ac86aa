import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../config/schema.ts';
import { judgeAll as judge } from '../../rules/test-fixtures.ts';
import { ctx, iamGrantState, iamPolicy, OWN_ACCOUNT } from '../../rules/test-fixtures.ts';

const ALICE = `arn:aws:iam::${OWN_ACCOUNT}:user/alice`;
const ADMIN = `arn:aws:iam::${OWN_ACCOUNT}:role/ses-admin`;
const MANAGED = `arn:aws:iam::${OWN_ACCOUNT}:policy/ses-ops`;

function doc(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

const allowAll = { Sid: 'SesAll', Effect: 'Allow', Action: 'ses:*', Resource: '*' };

interface Case {
  name: string;
  changed: object;
  principal?: string;
  others?: object[];
  config?: ConfigInput;
  expected: string[];
  reason?: RegExp;
}

/** `RULE@statement` for each finding, sorted. */
function verdict(c: Case): { ids: string[]; reasons: string[] } {
  const changed = iamPolicy(MANAGED, c.changed);
  const others = (c.others ?? []).map((d, i) => iamPolicy(`inline:user/alice/other-${i}`, d));
  const findings = judge(iamGrantState(changed, [{ arn: c.principal ?? ALICE, others }]), ctx(c.config));
  return { ids: findings.map((f) => `${f.ruleId}@${f.statement?.index ?? '-'}`).sort(), reasons: findings.map((f) => f.reason) };
}

const PERIMETER: Case[] = [
  { name: 'ses:* on * gives a non-administrator every perimeter action', changed: doc(allowAll), expected: ['IAM-SES-001@0', 'IAM-SES-002@0'], reason: /user\/alice is not an administrator and gains every SES action \(so every perimeter action/ },
  { name: 'the same grant to an administrator is fine', changed: doc(allowAll), principal: ADMIN, config: { adminPrincipals: [ADMIN] }, expected: [] },
  {
    name: 'ses:PutIdentityPolicy alone is a perimeter action',
    changed: doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:identity/*` }),
    expected: ['IAM-SES-001@0'],
    reason: /gains ses:PutIdentityPolicy through statement 0/,
  },
  {
    name: 'event destination writes (v1/v2 share the names) are perimeter actions',
    changed: doc({ Effect: 'Allow', Action: ['ses:CreateConfigurationSetEventDestination', 'ses:UpdateConfigurationSetEventDestination'], Resource: '*' }),
    expected: ['IAM-SES-001@0'],
  },
  {
    name: 'custom verification send and template writes are perimeter actions',
    changed: doc({ Effect: 'Allow', Action: ['ses:SendCustomVerificationEmail', 'ses:CreateCustomVerificationEmailTemplate'], Resource: '*' }),
    expected: ['IAM-SES-001@0'],
  },
  { name: 'read-only SES access gains nothing', changed: doc({ Effect: 'Allow', Action: ['ses:Get*', 'ses:List*'], Resource: '*' }), expected: [] },
  {
    name: 'a grant denied by a Deny in the same policy is not a grant',
    changed: doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*' }, { Effect: 'Deny', Action: 'ses:PutIdentityPolicy', Resource: '*' }),
    expected: [],
  },
  {
    name: 'a grant denied by another policy of the principal is not a grant',
    changed: doc({ Effect: 'Allow', Action: ['ses:PutIdentityPolicy', 'ses:CreateEmailIdentityPolicy'], Resource: '*' }),
    others: [doc({ Effect: 'Deny', Action: ['ses:PutIdentityPolicy', 'ses:*EmailIdentityPolicy'], Resource: '*' })],
    expected: [],
  },
  {
    name: 'a partial Deny leaves the rest of the grant, and the finding says what was denied',
    changed: doc({ Effect: 'Allow', Action: ['ses:PutIdentityPolicy', 'ses:CreateEmailIdentityPolicy'], Resource: '*' }),
    others: [doc({ Effect: 'Deny', Action: 'ses:PutIdentityPolicy', Resource: '*' })],
    expected: ['IAM-SES-001@0'],
    reason: /gains ses:CreateEmailIdentityPolicy .*\(ses:PutIdentityPolicy denied elsewhere\)/,
  },
  {
    name: 'a conditional Deny (MFA) still leaves the grant usable, so it counts',
    changed: doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*' }),
    others: [doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })],
    expected: ['IAM-SES-001@0'],
  },
  {
    name: 'a conditional grant (source IP) is still a grant',
    changed: doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }),
    expected: ['IAM-SES-001@0'],
  },
  {
    name: 'a Deny on one identity does not cancel a grant on all identities',
    changed: doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: `arn:aws:ses:*:${OWN_ACCOUNT}:identity/*` }),
    others: [doc({ Effect: 'Deny', Action: 'ses:PutIdentityPolicy', Resource: `arn:aws:ses:*:${OWN_ACCOUNT}:identity/example.com` })],
    expected: ['IAM-SES-001@0'],
  },
  {
    name: 'NotAction that excludes only SES grants nothing here',
    changed: doc({ Effect: 'Allow', NotAction: 'ses:*', Resource: '*' }),
    expected: [],
  },
];

const SENDING: Case[] = [
  { name: 'ses:SendEmail on * with no From/Recipients condition', changed: doc({ Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: '*' }), expected: ['IAM-SES-002@0'], reason: /ses:SendEmail, ses:SendRawEmail as any identity/ },
  {
    name: 'sending on * restricted by ses:FromAddress',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'app@example.com' } } }),
    expected: [],
  },
  {
    name: 'sending on * restricted by ses:Recipients (ForAllValues, as the SES IAM guide writes it)',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendRawEmail', Resource: '*', Condition: { 'ForAllValues:StringLike': { 'ses:Recipients': '*@example.com' } } }),
    expected: [],
  },
  {
    name: 'sending on every identity ARN (identity/*) is sending on *',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: 'arn:aws:ses:*:*:identity/*' }),
    expected: ['IAM-SES-002@0'],
  },
  { name: 'sending as one identity is scoped already', changed: doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:identity/example.com` }), expected: [] },
  {
    name: 'a condition on a caller-set key (source IP) does not restrict what is sent',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }),
    expected: ['IAM-SES-002@0'],
  },
  {
    name: 'NotResource excluding only the region IAM events arrive in still sends as any identity elsewhere',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendEmail', NotResource: 'arn:aws:ses:us-east-1:*:*' }),
    expected: ['IAM-SES-002@0'],
    reason: /as any identity of the account in every region its NotResource does not exclude/,
  },
  {
    name: 'every identity of one other region is every identity there',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendRawEmail', Resource: `arn:aws:ses:eu-west-1:${OWN_ACCOUNT}:identity/*` }),
    expected: ['IAM-SES-002@0'],
    reason: /in region eu-west-1/,
  },
  {
    name: 'every identity of another account is not this account\'s identities',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: 'arn:aws:ses:*:999988887777:identity/*' }),
    expected: [],
  },
  {
    name: 'templated sending is not SendEmail/SendRawEmail',
    changed: doc({ Effect: 'Allow', Action: 'ses:SendTemplatedEmail', Resource: '*' }),
    expected: [],
  },
];

describe('IAM-SES-001 non-administrator gains perimeter actions', () => {
  it.each(PERIMETER)('$name', (c) => {
    const { ids, reasons } = verdict(c);
    expect(ids).toEqual(c.expected);
    if (c.reason) expect(reasons.join('\n')).toMatch(c.reason);
  });

  it('is attributed to the granting statement of the changed policy and asks to revert that grant', () => {
    const changed = iamPolicy(MANAGED, doc({ Effect: 'Allow', Action: 'ses:ListIdentities', Resource: '*' }, { Sid: 'Widen', Effect: 'Allow', Action: 'ses:UpdateEmailIdentityPolicy', Resource: '*' }));
    const findings = judge(iamGrantState(changed, [{ arn: ALICE }]), ctx());
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'IAM-SES-001',
        severity: 'high',
        action: 'revert',
        resource: MANAGED,
        statement: { index: 1, sid: 'Widen' },
        fix: { kind: 'revert-grant', policySource: MANAGED, principalArn: ALICE, statementIndex: 1 },
      }),
    ]);
  });

  it('judges each principal the change reaches, skipping administrators', () => {
    const changed = iamPolicy(MANAGED, doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*' }));
    const bob = `arn:aws:iam::${OWN_ACCOUNT}:user/bob`;
    const findings = judge(iamGrantState(changed, [{ arn: ALICE }, { arn: ADMIN }, { arn: bob }]), ctx({ adminPrincipals: [ADMIN] }));
    expect(findings.map((f) => (f.fix.kind === 'revert-grant' ? f.fix.principalArn : ''))).toEqual([ALICE, bob]);
  });

  it('a policy nobody holds gains nobody anything, and a deleted policy has nothing to judge', () => {
    const changed = iamPolicy(MANAGED, doc(allowAll));
    expect(judge({ kind: 'iam-grant', changedPolicy: changed, principals: [] }, ctx()).map((f) => f.ruleId)).toEqual(['IAM-SES-002']);
    expect(judge({ kind: 'iam-grant', changedPolicy: null, principals: [] }, ctx())).toEqual([]);
  });
});

describe('IAM-SES-002 unrestricted sending on *', () => {
  it.each(SENDING)('$name', (c) => {
    const { ids, reasons } = verdict(c);
    expect(ids).toEqual(c.expected);
    if (c.reason) expect(reasons.join('\n')).toMatch(c.reason);
  });

  it('is an alert by default and not raised when only administrators hold the policy', () => {
    const changed = iamPolicy(MANAGED, doc({ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }));
    expect(judge(iamGrantState(changed, [{ arn: ALICE }]), ctx()).map((f) => [f.ruleId, f.severity, f.action])).toEqual([['IAM-SES-002', 'medium', 'alert']]);
    expect(judge(iamGrantState(changed, [{ arn: ADMIN }]), ctx({ adminPrincipals: [ADMIN] }))).toEqual([]);
  });
});

describe('AddUserToGroup: the membership is the grant', () => {
  const groupPolicy = { ...iamPolicy(`inline:group/mail-admins/ses-all`, doc(allowAll)), viaGroup: 'mail-admins' };
  const membership = (adminPrincipals: string[] = []) =>
    judge(
      {
        kind: 'iam-grant',
        changedPolicy: null,
        gainedPolicies: [groupPolicy],
        principals: [{ principal: { type: 'user', name: 'alice' }, arn: ALICE, policies: [groupPolicy] }],
      },
      ctx({ adminPrincipals }),
    );

  it('a non-administrator joining a group that holds ses:* gains the perimeter through the group policy', () => {
    const findings = membership();
    expect(findings.map((f) => `${f.ruleId}@${f.resource}`).sort()).toEqual([
      'IAM-SES-001@inline:group/mail-admins/ses-all',
      'IAM-SES-002@inline:group/mail-admins/ses-all',
    ]);
  });

  it('an administrator joining the same group gains nothing the guard objects to', () => {
    expect(membership([ALICE])).toEqual([]);
  });
});

describe('late events: a grant that no longer exists is not judged as if it were in place', () => {
  it('AttachUserPolicy delivered after the detach: the user no longer holds the policy, so nothing is gained', () => {
    const changed = iamPolicy(MANAGED, doc(allowAll));
    const state = iamGrantState(changed, [{ arn: ALICE }]);
    const detached = { ...state, principals: state.principals.map((p) => ({ ...p, policies: [] })) };
    expect(judge(detached, ctx())).toEqual([]);
  });

  it('AddUserToGroup delivered after the removal: the group policies do not count for a user outside the group', () => {
    const groupPolicy = { ...iamPolicy('inline:group/mail-admins/ses-all', doc(allowAll)), viaGroup: 'mail-admins' };
    const state = { kind: 'iam-grant' as const, changedPolicy: null, gainedPolicies: [groupPolicy], principals: [{ principal: { type: 'user' as const, name: 'alice' }, arn: ALICE, policies: [], groups: [] }] };
    expect(judge(state, ctx())).toEqual([]);
  });

  it('a state that says the grant is no longer in effect is judged compliant, whatever the documents say', () => {
    const changed = iamPolicy(MANAGED, doc(allowAll));
    expect(judge({ ...iamGrantState(changed, [{ arn: ALICE }]), notInEffect: 'policy ses-ops is no longer attached to user alice' }, ctx())).toEqual([]);
  });

  it('the same policy held directly still counts when only the group membership went away', () => {
    const direct = iamPolicy(MANAGED, doc(allowAll));
    const viaGroup = { ...direct, viaGroup: 'mail-admins' };
    const state = { kind: 'iam-grant' as const, changedPolicy: null, gainedPolicies: [viaGroup], principals: [{ principal: { type: 'user' as const, name: 'alice' }, arn: ALICE, policies: [direct] }] };
    // The membership is the grant; without it the user holds the policy anyway, but not through this change.
    expect(judge(state, ctx())).toEqual([]);
  });
});

/**
 * Grants the one-probe rule judged compliant (each reproduced against it first): the probe was one
 * resource in the event's region (IAM events always arrive in us-east-1), built from the policy's own
 * pattern, with an empty context. The rule now asks whether the principal can gain the action on ANY SES
 * resource of a trusted account in ANY region, variables unknown, and says where.
 */
describe('IAM-SES-001 judges every region and resource a grant can reach', () => {
  const findingsFor = (changed: object, principal = ALICE) =>
    judge(iamGrantState(iamPolicy(MANAGED, changed), [{ arn: principal }]), ctx()).filter((f) => f.ruleId === 'IAM-SES-001');

  it.each([
    {
      name: 'Resource arn:aws:ses:*:*:identity/* (the probe took account * for a cross-account request)',
      changed: doc({ Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: 'arn:aws:ses:*:*:identity/*' }),
      where: /ses:PutIdentityPolicy .*Resource "arn:aws:ses:\*:\*:identity\/\*"/,
    },
    {
      name: 'ses:* on arn:aws:ses:*:*:* (only the alert-only IAM-SES-002 remained)',
      changed: doc({ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:*:*:*' }),
      where: /every SES action/,
    },
    {
      name: 'NotResource arn:aws:ses:us-east-1:*:* (the one region probed is the one excluded)',
      changed: doc({ Effect: 'Allow', Action: 'ses:*', NotResource: 'arn:aws:ses:us-east-1:*:*' }),
      where: /in us-east-2/,
    },
    {
      name: 'Allow ses:* and Deny ses:* on us-east-1 only',
      changed: doc({ Effect: 'Allow', Action: 'ses:*', Resource: '*' }, { Effect: 'Deny', Action: 'ses:*', Resource: 'arn:aws:ses:us-east-1:*:*' }),
      where: /in us-east-2/,
    },
    {
      name: 'a Resource with ${aws:username}, attached to a user named like an identity',
      changed: doc({ Effect: 'Allow', Action: 'ses:UpdateEmailIdentityPolicy', Resource: `arn:aws:ses:*:${OWN_ACCOUNT}:identity/\${aws:username}` }),
      principal: `arn:aws:iam::${OWN_ACCOUNT}:user/example.com`,
      where: /identity\/example\.com/,
    },
  ])('$name', ({ changed, principal, where }) => {
    const findings = findingsFor(changed, principal);
    expect(findings.map((f) => `${f.ruleId}@${f.statement?.index}`)).toEqual(['IAM-SES-001@0']);
    expect(findings[0]?.reason).toMatch(where);
  });

  it('a grant on another account only (not trusted) gains nothing in the perimeter', () => {
    expect(findingsFor(doc({ Effect: 'Allow', Action: 'ses:*', Resource: 'arn:aws:ses:*:444455556666:*' }))).toEqual([]);
  });

  it('a Deny of the whole service on every resource cancels it', () => {
    expect(findingsFor(doc({ Effect: 'Allow', Action: 'ses:*', NotResource: 'arn:aws:ses:us-east-1:*:*' }, { Effect: 'Deny', Action: 'ses:*', Resource: '*' }))).toEqual([]);
  });

  it('a Deny on every SES ARN leaves the v1 policy actions, which IAM authorizes on "*" (they have no resource type)', () => {
    const findings = findingsFor(doc({ Effect: 'Allow', Action: 'ses:*', NotResource: 'arn:aws:ses:us-east-1:*:*' }, { Effect: 'Deny', Action: 'ses:*', Resource: 'arn:aws:ses:*:*:*' }));
    expect(findings[0]?.reason).toMatch(/gains ses:PutIdentityPolicy, ses:DeleteIdentityPolicy through statement 0 .*on any resource \(\*\)/);
  });
});

describe('a group change: the group\'s own policies decide, its members (read by name only) join its finding', () => {
  const GROUP = `arn:aws:iam::${OWN_ACCOUNT}:group/senders`;
  const member = (name: string, changed: ReturnType<typeof iamPolicy>) => ({
    principal: { type: 'user' as const, name },
    arn: `arn:aws:iam::${OWN_ACCOUNT}:user/${name}`,
    policies: [{ ...changed, viaGroup: 'senders' }],
    groups: ['senders'],
    onlyViaGroup: 'senders',
  });
  function groupState(changedDoc: object, names: string[]) {
    const changed = iamPolicy(MANAGED, changedDoc);
    return {
      kind: 'iam-grant' as const,
      changedPolicy: changed,
      principals: [{ principal: { type: 'group' as const, name: 'senders' }, arn: GROUP, policies: [changed] }, ...names.map((n) => member(n, changed))],
    };
  }
  const perimeter = (findings: ReturnType<typeof judge>) => findings.filter((f) => f.ruleId === 'IAM-SES-001');

  it('one finding, the group\'s, naming its non-administrator members (ten, then a count)', () => {
    const names = Array.from({ length: 12 }, (_, i) => `user${i}`);
    const findings = perimeter(judge(groupState(doc(allowAll), [...names, 'boss']), ctx({ adminPrincipals: [`arn:aws:iam::${OWN_ACCOUNT}:user/boss`] })));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.fix).toMatchObject({ kind: 'revert-grant', principalArn: GROUP });
    expect(findings[0]?.reason).toContain('its 12 non-administrator members gain it too: user0, user1, user2, user3, user4, user5, user6, user7, user8, user9 and 2 more');
    expect(findings[0]?.reason).not.toContain('boss');
  });

  it('a group that is an administrator: each member is judged on the group policies, and says what was not read', () => {
    const findings = perimeter(judge(groupState(doc(allowAll), ['ann']), ctx({ adminPrincipals: [GROUP] })));
    expect(findings.map((f) => f.fix.kind === 'revert-grant' && f.fix.principalArn)).toEqual([`arn:aws:iam::${OWN_ACCOUNT}:user/ann`]);
    expect(findings[0]?.reason).toContain("only the policies group senders gives this member were read");
  });

  it('a grant the group does not gain (a Deny in the group policy) is no member\'s either', () => {
    const denied = doc(allowAll, { Effect: 'Deny', Action: 'ses:*', Resource: '*' });
    expect(perimeter(judge(groupState(denied, ['ann', 'bob']), ctx()))).toEqual([]);
  });
});
