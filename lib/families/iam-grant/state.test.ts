import { afterEach, describe, expect, it } from 'vitest';
import {
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ServiceFailureException,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { readIamGrant } from './state.ts';
import type { IamGrantState, IamPolicyInEffect } from './types.ts';
import { fakeIam, type FakeIamAccount } from '../../../test/support/fake-iam.ts';
import { ACCOUNT, iamChange, type IamChangeDetails } from '../../../test/support/changes.ts';

let stub: AwsClientStub<IAMClient> | undefined;
afterEach(() => {
  stub?.restore();
  stub = undefined;
});

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const SES_FULL = 'arn:aws:iam::aws:policy/AmazonSESFullAccess';
const SES_FULL_DOC = doc({ Effect: 'Allow', Action: ['ses:*'], Resource: '*' });
const READ_ONLY = `arn:aws:iam::${ACCOUNT}:policy/ReadOnlyMail`;
const READ_ONLY_DOC = doc({ Effect: 'Allow', Action: ['ses:Get*', 'ses:List*'], Resource: '*' });
const SEND_DOC = doc({ Sid: 'Send', Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'app@example.com' } } });
const DENY_DOC = doc({ Effect: 'Deny', Action: 'ses:PutIdentityPolicy', Resource: '*' });
const MARKETING = `arn:aws:iam::${ACCOUNT}:policy/Marketing`;

async function readIam(account: Omit<FakeIamAccount, 'accountId'>, details: IamChangeDetails): Promise<IamGrantState> {
  const fake = fakeIam({ accountId: ACCOUNT, ...account });
  stub = fake.stub;
  const state = await readIamGrant(fake.client, iamChange(details));
  if (state.kind !== 'iam-grant') throw new Error(`expected an iam-grant state, got ${state.kind}`);
  return state;
}

/** The inputs of every call of one command, in order. */
const inputsOf = (command: Parameters<AwsClientStub<IAMClient>['commandCalls']>[0]): unknown[] => stub?.commandCalls(command).map((call) => call.args[0].input) ?? [];

/** What a test wants to know about a policy in effect: where it came from and whether it parsed. */
const summary = (policy: IamPolicyInEffect | null) =>
  policy && { source: policy.source, kind: policy.kind, versionId: policy.versionId, viaGroup: policy.viaGroup, rawDocument: policy.rawDocument, parsed: policy.document !== null };

describe('attach: GetPolicy + GetPolicyVersion(default), and the principal effective set', () => {
  it('reads an AWS managed policy (arn:aws:iam::aws:policy/...) attached to a user with its whole effective set', async () => {
    const state = await readIam(
      {
        pageSize: 1,
        users: {
          alice: { arn: `arn:aws:iam::${ACCOUNT}:user/engineering/alice`, attached: [SES_FULL, READ_ONLY], inline: { 'send-app': SEND_DOC }, groups: ['mailers'] },
        },
        groups: { mailers: { attached: [SES_FULL], inline: { 'no-policies': DENY_DOC } } },
        policies: {
          [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } },
          [READ_ONLY]: { defaultVersion: 'v1', versions: { v1: { document: READ_ONLY_DOC } } },
        },
      },
      { operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: SES_FULL },
    );

    expect(summary(state.changedPolicy)).toEqual({ source: SES_FULL, kind: 'managed', versionId: 'v7', viaGroup: undefined, rawDocument: SES_FULL_DOC, parsed: true });
    expect(state.principals.map((p) => ({ ...p, policies: p.policies.map(summary) }))).toEqual([
      {
        principal: { type: 'user', name: 'alice' },
        // IAM's own ARN, with the path an admin pattern may match on.
        arn: `arn:aws:iam::${ACCOUNT}:user/engineering/alice`,
        policies: [
          summary({ source: SES_FULL, kind: 'managed', versionId: 'v7', rawDocument: SES_FULL_DOC, document: null }),
          summary({ source: READ_ONLY, kind: 'managed', versionId: 'v1', rawDocument: READ_ONLY_DOC, document: null }),
          summary({ source: 'inline:user/alice/send-app', kind: 'inline', rawDocument: SEND_DOC, document: null }),
          summary({ source: SES_FULL, kind: 'managed', versionId: 'v7', viaGroup: 'mailers', rawDocument: SES_FULL_DOC, document: null }),
          summary({ source: 'inline:group/mailers/no-policies', kind: 'inline', viaGroup: 'mailers', rawDocument: DENY_DOC, document: null }),
        ].map((p) => ({ ...p, parsed: true })),
        groups: ['mailers'],
      },
    ]);
    expect(state.versions).toBeUndefined();

    // IAM documents arrive URL-encoded and are decoded before parsing (rawDocument above is plain JSON).
    expect(inputsOf(GetPolicyCommand)).toEqual(expect.arrayContaining([{ PolicyArn: SES_FULL }, { PolicyArn: READ_ONLY }]));
    // A policy reached twice (directly and via the group) is read once.
    expect(inputsOf(GetPolicyCommand)).toHaveLength(2);
    expect(inputsOf(GetPolicyVersionCommand)).toEqual(expect.arrayContaining([{ PolicyArn: SES_FULL, VersionId: 'v7' }, { PolicyArn: READ_ONLY, VersionId: 'v1' }]));
    expect(inputsOf(GetPolicyVersionCommand)).toHaveLength(2);
    // Marker/IsTruncated paging: two attached policies at one per page take two calls.
    expect(inputsOf(ListAttachedUserPoliciesCommand)).toEqual([{ UserName: 'alice' }, { UserName: 'alice', Marker: 'page-1' }]);
    expect(inputsOf(ListGroupsForUserCommand)).toEqual([{ UserName: 'alice' }]);
    expect(inputsOf(GetUserCommand)).toEqual([{ UserName: 'alice' }]);
    expect(inputsOf(GetUserPolicyCommand)).toEqual([{ UserName: 'alice', PolicyName: 'send-app' }]);
  });

  it('reads a role: attached and inline policies, ARN from GetRole', async () => {
    const state = await readIam(
      {
        roles: { 'ci-deploy': { arn: `arn:aws:iam::${ACCOUNT}:role/service/ci-deploy`, attached: [SES_FULL], inline: { extra: SEND_DOC } } },
        policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } },
      },
      { operation: 'attach', principal: { type: 'role', name: 'ci-deploy' }, policyArn: SES_FULL },
    );
    expect(state.principals).toHaveLength(1);
    expect(state.principals[0]).toMatchObject({ principal: { type: 'role', name: 'ci-deploy' }, arn: `arn:aws:iam::${ACCOUNT}:role/service/ci-deploy` });
    expect(state.principals[0]?.policies.map((p) => p.source)).toEqual([SES_FULL, 'inline:role/ci-deploy/extra']);
    expect(inputsOf(GetRoleCommand)).toEqual([{ RoleName: 'ci-deploy' }]);
  });

  it('a role comes with its trust policy from the same GetRole (decoded, parsed): IAM-SES-003 judges who may assume a role that gains', async () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' });
    const state = await readIam(
      {
        roles: { 'ci-deploy': { arn: `arn:aws:iam::${ACCOUNT}:role/service/ci-deploy`, attached: [SES_FULL], trust } },
        policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } },
      },
      { operation: 'attach', principal: { type: 'role', name: 'ci-deploy' }, policyArn: SES_FULL },
    );
    expect(state.principals[0]?.trust).toMatchObject({ roleName: 'ci-deploy', roleArn: `arn:aws:iam::${ACCOUNT}:role/service/ci-deploy`, rawDocument: trust });
    expect(state.principals[0]?.trust?.document?.statements).toHaveLength(1);
    expect(inputsOf(GetRoleCommand)).toEqual([{ RoleName: 'ci-deploy' }]);
  });

  it('a group reaches every member (GetGroup paginated): the group first with its own set, then each member by name with the group policies', async () => {
    const state = await readIam(
      {
        pageSize: 2,
        users: {
          ann: { groups: ['senders'] },
          bob: { groups: ['senders'], attached: [READ_ONLY] },
          cat: { groups: ['senders', 'ops'] },
          dan: {},
        },
        groups: { senders: { attached: [SES_FULL] }, ops: { inline: { deny: DENY_DOC } } },
        policies: {
          [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } },
          [READ_ONLY]: { defaultVersion: 'v1', versions: { v1: { document: READ_ONLY_DOC } } },
        },
      },
      { operation: 'attach', principal: { type: 'group', name: 'senders' }, policyArn: SES_FULL },
    );
    expect(state.principals.map((p) => [p.principal.type, p.principal.name, p.arn, p.policies.map((policy) => `${policy.source}${policy.viaGroup ? ` via ${policy.viaGroup}` : ''}`)])).toEqual([
      ['group', 'senders', `arn:aws:iam::${ACCOUNT}:group/senders`, [SES_FULL]],
      ['user', 'ann', `arn:aws:iam::${ACCOUNT}:user/ann`, [`${SES_FULL} via senders`]],
      ['user', 'bob', `arn:aws:iam::${ACCOUNT}:user/bob`, [`${SES_FULL} via senders`]],
      ['user', 'cat', `arn:aws:iam::${ACCOUNT}:user/cat`, [`${SES_FULL} via senders`]],
    ]);
    expect(state.principals.map((p) => p.onlyViaGroup)).toEqual([undefined, 'senders', 'senders', 'senders']);
    expect(inputsOf(GetGroupCommand)).toEqual([{ GroupName: 'senders' }, { GroupName: 'senders', Marker: 'page-2' }]);
    // Members' names and ARNs come with GetGroup: no per-member call (the group's own policies decide, rules.ts).
    expect(inputsOf(GetUserCommand)).toEqual([]);
    expect(inputsOf(ListAttachedUserPoliciesCommand)).toEqual([]);
    expect(inputsOf(ListGroupsForUserCommand)).toEqual([]);
  });

  it('an AWS managed policy detached or a principal deleted since: what IAM holds now, not the event', async () => {
    const state = await readIam(
      { policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } } },
      { operation: 'attach', principal: { type: 'user', name: 'gone' }, policyArn: SES_FULL },
    );
    expect(summary(state.changedPolicy)?.source).toBe(SES_FULL);
    expect(state.principals).toEqual([]);
  });

  it('a deleted managed policy (NoSuchEntity): changedPolicy null', async () => {
    const state = await readIam({ users: { alice: {} } }, { operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: MARKETING });
    expect(state.changedPolicy).toBeNull();
    expect(state.principals).toEqual([{ principal: { type: 'user', name: 'alice' }, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies: [], groups: [] }]);
    expect(state.notInEffect).toBe(`${MARKETING} no longer exists`);
  });
});

describe('put-inline: Get{User,Role,Group}Policy', () => {
  const cases = [
    { name: 'user inline policy', principal: { type: 'user' as const, name: 'alice' }, source: 'inline:user/alice/ses-admin' },
    { name: 'role inline policy', principal: { type: 'role' as const, name: 'app' }, source: 'inline:role/app/ses-admin' },
    { name: 'group inline policy', principal: { type: 'group' as const, name: 'devs' }, source: 'inline:group/devs/ses-admin' },
  ];
  it.each(cases)('$name is the changed policy, URL-decoded, and in the principal effective set', async ({ principal, source }) => {
    const inline = { 'ses-admin': SES_FULL_DOC };
    const state = await readIam(
      { users: { alice: { inline }, member: { groups: ['devs'] } }, roles: { app: { inline } }, groups: { devs: { inline } } },
      { operation: 'put-inline', principal, policyName: 'ses-admin' },
    );
    expect(summary(state.changedPolicy)).toEqual({ source, kind: 'inline', versionId: undefined, viaGroup: undefined, rawDocument: SES_FULL_DOC, parsed: true });
    expect(state.principals[0]?.policies.map((p) => p.source)).toEqual([source]);
    if (principal.type === 'group') expect(state.principals.map((p) => p.principal.name)).toEqual(['devs', 'member']);
  });

  it('an inline policy deleted since (NoSuchEntity): changedPolicy null', async () => {
    const state = await readIam({ users: { alice: {} } }, { operation: 'put-inline', principal: { type: 'user', name: 'alice' }, policyName: 'ses-admin' });
    expect(state.changedPolicy).toBeNull();
    expect(inputsOf(GetUserPolicyCommand)).toEqual([{ UserName: 'alice', PolicyName: 'ses-admin' }]);
  });
});

describe('create-version / set-default-version: the default version, ListPolicyVersions and ListEntitiesForPolicy', () => {
  const fiveVersions = {
    defaultVersion: 'v5',
    versions: {
      v1: { document: READ_ONLY_DOC, createDate: new Date('2026-01-01T00:00:00Z') },
      v3: { document: READ_ONLY_DOC, createDate: new Date('2026-03-01T00:00:00Z') },
      v5: { document: SES_FULL_DOC, createDate: new Date('2026-11-24T05:59:00Z') },
      v2: { document: READ_ONLY_DOC, createDate: new Date('2026-02-01T00:00:00Z') },
      v4: { document: SEND_DOC, createDate: new Date('2026-04-01T00:00:00Z') },
    },
  };
  const account: Omit<FakeIamAccount, 'accountId'> = {
    pageSize: 2,
    // ann holds the policy directly and through the group: one principal, not two.
    users: { ann: { attached: [MARKETING], groups: ['marketing'] }, bob: { groups: ['marketing'] }, cat: { groups: ['marketing'] } },
    roles: { campaigns: { attached: [MARKETING] } },
    groups: { marketing: { attached: [MARKETING] } },
    policies: { [MARKETING]: fiveVersions },
  };

  it.each([
    { name: 'CreatePolicyVersion with SetAsDefault', details: { operation: 'create-version' as const, policyArn: MARKETING, versionId: 'v5', setAsDefault: true } },
    { name: 'SetDefaultPolicyVersion', details: { operation: 'set-default-version' as const, policyArn: MARKETING, versionId: 'v5' } },
  ])('$name: every holder (paginated) with its effective set, all five versions newest first', async ({ details }) => {
    const state = await readIam(account, details);
    expect(summary(state.changedPolicy)).toEqual({ source: MARKETING, kind: 'managed', versionId: 'v5', viaGroup: undefined, rawDocument: SES_FULL_DOC, parsed: true });
    // Each version with its document, so that the rollback can judge every candidate under today's rules.
    expect(state.versions?.map(({ versionId, isDefault, createDate, rawDocument, document }) => ({ versionId, isDefault, createDate, rawDocument, parsed: document !== null }))).toEqual([
      { versionId: 'v5', isDefault: true, createDate: '2026-11-24T05:59:00.000Z', rawDocument: SES_FULL_DOC, parsed: true },
      { versionId: 'v4', isDefault: false, createDate: '2026-04-01T00:00:00.000Z', rawDocument: SEND_DOC, parsed: true },
      { versionId: 'v3', isDefault: false, createDate: '2026-03-01T00:00:00.000Z', rawDocument: READ_ONLY_DOC, parsed: true },
      { versionId: 'v2', isDefault: false, createDate: '2026-02-01T00:00:00.000Z', rawDocument: READ_ONLY_DOC, parsed: true },
      { versionId: 'v1', isDefault: false, createDate: '2026-01-01T00:00:00.000Z', rawDocument: READ_ONLY_DOC, parsed: true },
    ]);
    expect(state.principals.map((p) => `${p.principal.type}/${p.principal.name}`).sort()).toEqual(['group/marketing', 'role/campaigns', 'user/ann', 'user/bob', 'user/cat']);
    expect(state.principals.find((p) => p.principal.name === 'bob')?.policies.map((p) => [p.source, p.versionId, p.viaGroup])).toEqual([[MARKETING, 'v5', 'marketing']]);
    // ann, reached directly as well as through the group, is the user read with her full set.
    const ann = state.principals.find((p) => p.principal.name === 'ann');
    expect(ann?.onlyViaGroup).toBeUndefined();
    expect(ann?.policies.map((p) => [p.source, p.viaGroup])).toEqual([[MARKETING, undefined], [MARKETING, 'marketing']]);
    expect(inputsOf(ListPolicyVersionsCommand)).toEqual([
      { PolicyArn: MARKETING },
      { PolicyArn: MARKETING, Marker: 'page-2' },
      { PolicyArn: MARKETING, Marker: 'page-4' },
    ]);
    expect(inputsOf(ListEntitiesForPolicyCommand)).toEqual([{ PolicyArn: MARKETING }, { PolicyArn: MARKETING, Marker: 'page-2' }]);
    // Each version's document is read once; the default one is shared with every holder.
    expect(inputsOf(GetPolicyVersionCommand)).toEqual(['v5', 'v4', 'v3', 'v2', 'v1'].map((VersionId) => ({ PolicyArn: MARKETING, VersionId })));
    expect(inputsOf(GetPolicyCommand)).toEqual([]);
  });

  it('a version created but not set as default: the default in effect is judged, not the new one', async () => {
    const state = await readIam(
      { ...account, policies: { [MARKETING]: { ...fiveVersions, defaultVersion: 'v4' } } },
      { operation: 'create-version', policyArn: MARKETING, versionId: 'v5', setAsDefault: false },
    );
    expect(summary(state.changedPolicy)).toMatchObject({ versionId: 'v4', rawDocument: SEND_DOC });
  });

  it('a policy deleted since (NoSuchEntity): nothing in effect, nobody gains', async () => {
    const state = await readIam({}, { operation: 'set-default-version', policyArn: MARKETING, versionId: 'v2' });
    expect(state).toEqual({ kind: 'iam-grant', changedPolicy: null, principals: [], versions: [], notInEffect: `${MARKETING} no longer exists` });
  });
});

describe('add-to-group: the group policies applied to that user plus its own', () => {
  it('lists what the user gains through the group (gainedPolicies) and its full effective set', async () => {
    const state = await readIam(
      {
        users: { eve: { groups: ['senders'], inline: { own: SEND_DOC } } },
        groups: { senders: { attached: [SES_FULL], inline: { deny: DENY_DOC } } },
        policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } },
      },
      { operation: 'add-to-group', groupName: 'senders', userName: 'eve' },
    );
    expect(state.changedPolicy).toBeNull();
    expect(state.gainedPolicies?.map((p) => [p.source, p.viaGroup])).toEqual([
      [SES_FULL, 'senders'],
      ['inline:group/senders/deny', 'senders'],
    ]);
    expect(state.principals.map((p) => [p.principal.name, p.policies.map((policy) => [policy.source, policy.viaGroup])])).toEqual([
      [
        'eve',
        [
          ['inline:user/eve/own', undefined],
          [SES_FULL, 'senders'],
          ['inline:group/senders/deny', 'senders'],
        ],
      ],
    ]);
  });
});

describe('errors', () => {
  it('an IAM failure other than NoSuchEntity propagates (the pipeline reports it; never read as "nothing granted")', async () => {
    const fake = fakeIam({ accountId: ACCOUNT, users: { alice: {} } });
    stub = fake.stub;
    fake.stub.on(ListGroupsForUserCommand).rejects(new ServiceFailureException({ message: 'Internal failure', $metadata: {} }));
    await expect(readIamGrant(fake.client, iamChange({ operation: 'put-inline', principal: { type: 'user', name: 'alice' }, policyName: 'p' }))).rejects.toMatchObject({
      name: 'ServiceFailureException',
    });
  });
});

describe('late and duplicate events: the state carries the attachment and membership truth', () => {
  it('AttachUserPolicy read after the detach: the link is absent and the state says the grant is no longer in effect', async () => {
    const state = await readIam(
      { users: { alice: { attached: [READ_ONLY] } }, policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } }, [READ_ONLY]: { defaultVersion: 'v1', versions: { v1: { document: READ_ONLY_DOC } } } } },
      { operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: SES_FULL },
    );
    expect(state.link).toEqual({ kind: 'attachment', principal: { type: 'user', name: 'alice' }, principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, policyArn: SES_FULL, present: false });
    expect(state.notInEffect).toBe(`${SES_FULL} is no longer attached to user alice (IAM no longer lists the attachment the event made)`);
  });

  it('an attachment still in place is present, and nothing is said about it', async () => {
    const state = await readIam(
      { users: { alice: { attached: [SES_FULL] } }, policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } } },
      { operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: SES_FULL },
    );
    expect(state.link).toMatchObject({ kind: 'attachment', present: true });
    expect(state.notInEffect).toBeUndefined();
  });

  it('an attachment to a group is present while the group lists it', async () => {
    const state = await readIam(
      { groups: { devs: { attached: [SES_FULL] } }, policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } } },
      { operation: 'attach', principal: { type: 'group', name: 'devs' }, policyArn: SES_FULL },
    );
    expect(state.link).toMatchObject({ kind: 'attachment', principalArn: `arn:aws:iam::${ACCOUNT}:group/devs`, present: true });
  });

  it('the principal was deleted since: no longer in effect, saying why', async () => {
    const state = await readIam(
      { policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } } },
      { operation: 'attach', principal: { type: 'role', name: 'gone' }, policyArn: SES_FULL },
    );
    expect(state.link).toMatchObject({ present: false });
    expect(state.notInEffect).toBe('role gone no longer exists');
  });

  it('AddUserToGroup read after RemoveUserFromGroup: the membership is absent', async () => {
    const state = await readIam(
      { users: { eve: {} }, groups: { senders: { attached: [SES_FULL] } }, policies: { [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } } } },
      { operation: 'add-to-group', groupName: 'senders', userName: 'eve' },
    );
    expect(state.link).toEqual({ kind: 'membership', userName: 'eve', userArn: `arn:aws:iam::${ACCOUNT}:user/eve`, groupName: 'senders', present: false });
    expect(state.notInEffect).toBe('user eve is no longer a member of group senders');
    expect(state.principals[0]?.groups).toEqual([]);
  });

  it('a membership in place is present (a group without policies still lists the user)', async () => {
    const state = await readIam({ users: { eve: { groups: ['empty'] } }, groups: { empty: {} } }, { operation: 'add-to-group', groupName: 'empty', userName: 'eve' });
    expect(state.link).toMatchObject({ kind: 'membership', present: true });
    expect(state.principals[0]?.groups).toEqual(['empty']);
  });

  it('an inline policy deleted since: no longer in effect', async () => {
    const state = await readIam({ users: { alice: {} } }, { operation: 'put-inline', principal: { type: 'user', name: 'alice' }, policyName: 'ses-admin' });
    expect(state.notInEffect).toBe('inline policy ses-admin of user alice no longer exists');
  });
});

describe('IAM calls do not grow with the members of a group', () => {
  /** A group of `n` members, each with its own policies and one other group, and SES_FULL attached to it. */
  function bigGroup(n: number): Omit<FakeIamAccount, 'accountId'> {
    const users = Object.fromEntries(Array.from({ length: n }, (_, i) => [`user${i}`, { groups: ['senders', 'other'], attached: [READ_ONLY], inline: { own: SEND_DOC } }]));
    return {
      users,
      groups: { senders: { attached: [SES_FULL], inline: { deny: DENY_DOC } }, other: { inline: { deny: DENY_DOC } } },
      policies: {
        [SES_FULL]: { defaultVersion: 'v7', versions: { v7: { document: SES_FULL_DOC } } },
        [READ_ONLY]: { defaultVersion: 'v1', versions: { v1: { document: READ_ONLY_DOC } } },
      },
    };
  }

  it('attach to a group of 500: at most 20 IAM calls (GetGroup pages, the group own policies), every member named', async () => {
    const state = await readIam(bigGroup(500), { operation: 'attach', principal: { type: 'group', name: 'senders' }, policyArn: SES_FULL });
    expect(stub?.calls().length).toBeLessThanOrEqual(20);
    expect(inputsOf(GetGroupCommand)).toHaveLength(5);
    expect(state.principals).toHaveLength(501);
    expect(state.principals[0]?.policies.map((p) => p.source)).toEqual([SES_FULL, 'inline:group/senders/deny']);
    // A member carries what the group gives it; the group's own policies decide (rules.ts).
    expect(state.principals[1]).toMatchObject({
      principal: { type: 'user', name: 'user0' },
      arn: `arn:aws:iam::${ACCOUNT}:user/user0`,
      onlyViaGroup: 'senders',
    });
    expect(state.principals[1]?.policies.map((p) => `${p.source} via ${p.viaGroup}`)).toEqual([`${SES_FULL} via senders`, 'inline:group/senders/deny via senders']);
  });
});
