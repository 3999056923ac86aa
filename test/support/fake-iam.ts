import {
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

/**
 * An in-memory IAM account behind aws-sdk-client-mock, answering the read calls the guard makes the way
 * IAM does: documents URL-encoded, lists paged with Marker/IsTruncated (`pageSize` small to exercise
 * paging), NoSuchEntity for what does not exist. Tests describe the account, then assert both what the
 * code concluded and the exact commands it sent (`stub.commandCalls(Command)`).
 */

export interface FakeIamPrincipal {
  arn?: string;
  /** Managed policy ARNs attached. */
  attached?: string[];
  /** Inline policies: name -> document (JSON text). */
  inline?: Record<string, string>;
  /** Roles: the trust policy (JSON text), returned URL-encoded by GetRole as IAM does. */
  trust?: string;
}

export interface FakeIamAccount {
  accountId: string;
  users?: Record<string, FakeIamPrincipal & { groups?: string[] }>;
  roles?: Record<string, FakeIamPrincipal>;
  groups?: Record<string, FakeIamPrincipal>;
  /** Managed policies by ARN (AWS managed ones too, arn:aws:iam::aws:policy/...). */
  policies?: Record<string, { defaultVersion: string; versions: Record<string, { document: string; createDate?: Date }> }>;
  /** Items per page for every list call; default 100. */
  pageSize?: number;
}

type IamStub = AwsClientStub<IAMClient>;

function noSuchEntity(what: string): NoSuchEntityException {
  return new NoSuchEntityException({ message: `The ${what} cannot be found.`, $metadata: { httpStatusCode: 404 } });
}

/** One page of `items` starting at `marker` (an index), as IAM pages them. */
function page<T>(items: readonly T[], marker: string | undefined, size: number): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = marker === undefined ? 0 : Number(marker.replace('page-', ''));
  const end = start + size;
  return end < items.length ? { items: items.slice(start, end), IsTruncated: true, Marker: `page-${end}` } : { items: items.slice(start), IsTruncated: false };
}

const encode = (document: string): string => encodeURIComponent(document);

export function fakeIam(account: FakeIamAccount): { stub: IamStub; client: IAMClient } {
  const stub: IamStub = mockClient(IAMClient);
  const size = account.pageSize ?? 100;
  const users = account.users ?? {};
  const roles = account.roles ?? {};
  const groups = account.groups ?? {};
  const policies = account.policies ?? {};
  const arnOf = (type: string, name: string, given?: string) => given ?? `arn:aws:iam::${account.accountId}:${type}/${name}`;
  const membersOf = (group: string) => Object.entries(users).filter(([, u]) => (u.groups ?? []).includes(group)).map(([name]) => name);
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw noSuchEntity(what);
    return value;
  };
  const attachedPage = (principal: FakeIamPrincipal, marker?: string) => {
    const p = page(principal.attached ?? [], marker, size);
    return { AttachedPolicies: p.items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })), IsTruncated: p.IsTruncated, ...(p.Marker && { Marker: p.Marker }) };
  };
  const inlineNamesPage = (principal: FakeIamPrincipal, marker?: string) => {
    const p = page(Object.keys(principal.inline ?? {}), marker, size);
    return { PolicyNames: p.items, IsTruncated: p.IsTruncated, ...(p.Marker && { Marker: p.Marker }) };
  };
  const inlineDocument = (principal: FakeIamPrincipal, name: string, what: string) => encode(must(principal.inline?.[name], what));

  stub.on(GetUserCommand).callsFake(async (i) => {
    const user = must(users[i.UserName], `user with name ${i.UserName}`);
    return { User: { UserName: i.UserName, Arn: arnOf('user', i.UserName, user.arn) } };
  });
  stub.on(GetRoleCommand).callsFake(async (i) => {
    const role = must(roles[i.RoleName], `role with name ${i.RoleName}`);
    return { Role: { RoleName: i.RoleName, Arn: arnOf('role', i.RoleName, role.arn), ...(role.trust !== undefined && { AssumeRolePolicyDocument: encode(role.trust) }) } };
  });
  stub.on(GetGroupCommand).callsFake(async (i) => {
    const group = must(groups[i.GroupName], `group with name ${i.GroupName}`);
    const p = page(membersOf(i.GroupName), i.Marker, size);
    return {
      Group: { GroupName: i.GroupName, Arn: arnOf('group', i.GroupName, group.arn) },
      Users: p.items.map((name) => ({ UserName: name, Arn: arnOf('user', name, users[name]?.arn) })),
      IsTruncated: p.IsTruncated,
      ...(p.Marker && { Marker: p.Marker }),
    };
  });
  stub.on(ListAttachedUserPoliciesCommand).callsFake(async (i) => attachedPage(must(users[i.UserName], `user ${i.UserName}`), i.Marker));
  stub.on(ListAttachedRolePoliciesCommand).callsFake(async (i) => attachedPage(must(roles[i.RoleName], `role ${i.RoleName}`), i.Marker));
  stub.on(ListAttachedGroupPoliciesCommand).callsFake(async (i) => attachedPage(must(groups[i.GroupName], `group ${i.GroupName}`), i.Marker));
  stub.on(ListUserPoliciesCommand).callsFake(async (i) => inlineNamesPage(must(users[i.UserName], `user ${i.UserName}`), i.Marker));
  stub.on(ListRolePoliciesCommand).callsFake(async (i) => inlineNamesPage(must(roles[i.RoleName], `role ${i.RoleName}`), i.Marker));
  stub.on(ListGroupPoliciesCommand).callsFake(async (i) => inlineNamesPage(must(groups[i.GroupName], `group ${i.GroupName}`), i.Marker));
  stub.on(GetUserPolicyCommand).callsFake(async (i) => ({
    UserName: i.UserName,
    PolicyName: i.PolicyName,
    PolicyDocument: inlineDocument(must(users[i.UserName], `user ${i.UserName}`), i.PolicyName, `user policy ${i.PolicyName}`),
  }));
  stub.on(GetRolePolicyCommand).callsFake(async (i) => ({
    RoleName: i.RoleName,
    PolicyName: i.PolicyName,
    PolicyDocument: inlineDocument(must(roles[i.RoleName], `role ${i.RoleName}`), i.PolicyName, `role policy ${i.PolicyName}`),
  }));
  stub.on(GetGroupPolicyCommand).callsFake(async (i) => ({
    GroupName: i.GroupName,
    PolicyName: i.PolicyName,
    PolicyDocument: inlineDocument(must(groups[i.GroupName], `group ${i.GroupName}`), i.PolicyName, `group policy ${i.PolicyName}`),
  }));
  stub.on(ListGroupsForUserCommand).callsFake(async (i) => {
    const user = must(users[i.UserName], `user ${i.UserName}`);
    const p = page(user.groups ?? [], i.Marker, size);
    return { Groups: p.items.map((name) => ({ GroupName: name, Arn: arnOf('group', name, groups[name]?.arn) })), IsTruncated: p.IsTruncated, ...(p.Marker && { Marker: p.Marker }) };
  });
  stub.on(GetPolicyCommand).callsFake(async (i) => {
    const policy = must(policies[i.PolicyArn], `policy ${i.PolicyArn}`);
    return { Policy: { Arn: i.PolicyArn, DefaultVersionId: policy.defaultVersion } };
  });
  stub.on(GetPolicyVersionCommand).callsFake(async (i) => {
    const policy = must(policies[i.PolicyArn], `policy ${i.PolicyArn}`);
    const version = must(policy.versions[i.VersionId], `policy version ${i.VersionId}`);
    return { PolicyVersion: { Document: encode(version.document), VersionId: i.VersionId, IsDefaultVersion: policy.defaultVersion === i.VersionId } };
  });
  stub.on(ListPolicyVersionsCommand).callsFake(async (i) => {
    const policy = must(policies[i.PolicyArn], `policy ${i.PolicyArn}`);
    const p = page(Object.entries(policy.versions), i.Marker, size);
    return {
      Versions: p.items.map(([id, v]) => ({ VersionId: id, IsDefaultVersion: id === policy.defaultVersion, ...(v.createDate && { CreateDate: v.createDate }) })),
      IsTruncated: p.IsTruncated,
      ...(p.Marker && { Marker: p.Marker }),
    };
  });
  stub.on(ListEntitiesForPolicyCommand).callsFake(async (i) => {
    must(policies[i.PolicyArn], `policy ${i.PolicyArn}`);
    const holding = (entries: Record<string, FakeIamPrincipal>) => Object.entries(entries).filter(([, p]) => (p.attached ?? []).includes(i.PolicyArn)).map(([name]) => name);
    const all = [
      ...holding(groups).map((name) => ({ kind: 'group' as const, name })),
      ...holding(users).map((name) => ({ kind: 'user' as const, name })),
      ...holding(roles).map((name) => ({ kind: 'role' as const, name })),
    ];
    const p = page(all, i.Marker, size);
    return {
      PolicyGroups: p.items.filter((e) => e.kind === 'group').map((e) => ({ GroupName: e.name, GroupId: `AGPA${e.name.toUpperCase()}` })),
      PolicyUsers: p.items.filter((e) => e.kind === 'user').map((e) => ({ UserName: e.name, UserId: `AIDA${e.name.toUpperCase()}` })),
      PolicyRoles: p.items.filter((e) => e.kind === 'role').map((e) => ({ RoleName: e.name, RoleId: `AROA${e.name.toUpperCase()}` })),
      IsTruncated: p.IsTruncated,
      ...(p.Marker && { Marker: p.Marker }),
    };
  });

  return { stub, client: new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } }) };
}
