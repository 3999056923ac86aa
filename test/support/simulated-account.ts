import {
  CreateEmailIdentityPolicyCommand,
  DeleteConfigurationSetEventDestinationCommand,
  DeleteEmailIdentityPolicyCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetCustomVerificationEmailTemplateCommand,
  GetEmailIdentityPoliciesCommand,
  ListConfigurationSetsCommand,
  ListCustomVerificationEmailTemplatesCommand,
  ListEmailIdentitiesCommand,
  NotFoundException,
  SESv2Client,
  TooManyRequestsException,
  UpdateEmailIdentityPolicyCommand,
  type EventDestination,
} from '@aws-sdk/client-sesv2';
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { Clock } from '../../lib/aws/clock.ts';
import { fakeIam, type FakeIamAccount } from './fake-iam.ts';

/**
 * An in-memory SES + IAM account behind aws-sdk-client-mock, shaped like AWS where the sweep depends on it:
 * every list call pages (NextToken / Marker, with IAM returning fewer items than MaxItems asked for), SES
 * answers NotFound and AccessDenied per resource, and each API is limited to `callsPerSecond` on the given
 * (simulated) clock, answering TooManyRequestsException / Throttling beyond it, as SES documents for
 * GetEmailIdentityPolicies. `throttleShare` throttles that share of otherwise-allowed calls on top
 * (seeded, reproducible). Repairs write back into the same maps, so a re-read sees them.
 */
export interface SimulatedAccountOptions {
  accountId?: string;
  clock: Clock;
  /** Calls per second per API (SES's documented 1/s); undefined: no limit. */
  callsPerSecond?: number;
  /** Share of calls throttled regardless of rate (0..1). */
  throttleShare?: number;
  seed?: number;
  /** identity -> policy name -> document text. */
  identities: Map<string, Record<string, string>>;
  /** Identities whose policies the caller may not read. */
  deniedIdentities?: Set<string>;
  configurationSets?: Map<string, EventDestination[]>;
  templates?: Map<string, { from: string; success: string; failure: string }>;
  iam?: FakeIamAccount;
  /** Page sizes AWS actually returns (at most what was asked). */
  sesPageSize?: number;
  iamPageSize?: number;
}

export interface SimulatedAccount {
  sesv2: AwsClientStub<SESv2Client>;
  iam: AwsClientStub<IAMClient>;
  calls: Map<string, number>;
  throttled: Map<string, number>;
  /** Uses `share` of the rate budget of `operation` at the current time (another caller: the event path). */
  spend(operation: string): boolean;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pageOf<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; next?: string } {
  const start = token === undefined ? 0 : Number(token.replace('tok-', ''));
  const end = start + size;
  return end < items.length ? { items: items.slice(start, end), next: `tok-${end}` } : { items: items.slice(start) };
}

export function simulatedAccount(options: SimulatedAccountOptions): SimulatedAccount {
  const accountId = options.accountId ?? '111122223333';
  const random = prng(options.seed ?? 42);
  const calls = new Map<string, number>();
  const throttled = new Map<string, number>();
  const nextAllowed = new Map<string, number>();
  const interval = options.callsPerSecond === undefined ? 0 : 1000 / options.callsPerSecond;

  const admit = (operation: string): boolean => {
    const now = options.clock.now();
    if (interval > 0 && now < (nextAllowed.get(operation) ?? 0)) return false;
    if (interval > 0) nextAllowed.set(operation, now + interval);
    return true;
  };
  const limited = <I, O>(operation: string, service: 'ses' | 'iam', handler: (input: I) => O | Promise<O>) => async (input: I): Promise<O> => {
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    if (!admit(operation) || (options.throttleShare !== undefined && random() < options.throttleShare)) {
      throttled.set(operation, (throttled.get(operation) ?? 0) + 1);
      if (service === 'ses') throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
      const error = new Error('Rate exceeded');
      error.name = 'Throttling';
      Object.assign(error, { $metadata: { httpStatusCode: 400 } });
      throw error;
    }
    return handler(input);
  };

  const sesv2 = mockClient(SESv2Client);
  const sesSize = options.sesPageSize ?? 1000;
  const notFound = (what: string) => new NotFoundException({ message: `${what} does not exist.`, $metadata: { httpStatusCode: 404 } });
  sesv2.on(ListEmailIdentitiesCommand).callsFake(
    limited('ListEmailIdentities', 'ses', (i: { NextToken?: string; PageSize?: number }) => {
      const p = pageOf([...options.identities.keys()], i.NextToken, Math.min(sesSize, i.PageSize ?? 100));
      return { EmailIdentities: p.items.map((name) => ({ IdentityName: name, IdentityType: name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN' })), ...(p.next && { NextToken: p.next }) };
    }),
  );
  sesv2.on(GetEmailIdentityPoliciesCommand).callsFake(
    limited('GetEmailIdentityPolicies', 'ses', (i: { EmailIdentity?: string }) => {
      const name = i.EmailIdentity ?? '';
      if (options.deniedIdentities?.has(name)) {
        throw Object.assign(new Error(`not authorized to perform ses:GetEmailIdentityPolicies on ${name}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      }
      const policies = options.identities.get(name);
      if (!policies) throw notFound(`Email identity ${name}`);
      return { Policies: { ...policies } };
    }),
  );
  const write = (i: { EmailIdentity?: string; PolicyName?: string; Policy?: string }) => {
    const policies = options.identities.get(i.EmailIdentity ?? '');
    if (!policies) throw notFound(`Email identity ${i.EmailIdentity}`);
    policies[i.PolicyName ?? ''] = i.Policy ?? '';
    return {};
  };
  sesv2.on(CreateEmailIdentityPolicyCommand).callsFake(limited('CreateEmailIdentityPolicy', 'ses', write));
  sesv2.on(UpdateEmailIdentityPolicyCommand).callsFake(limited('UpdateEmailIdentityPolicy', 'ses', write));
  sesv2.on(DeleteEmailIdentityPolicyCommand).callsFake(
    limited('DeleteEmailIdentityPolicy', 'ses', (i: { EmailIdentity?: string; PolicyName?: string }) => {
      const policies = options.identities.get(i.EmailIdentity ?? '');
      if (!policies || !Object.hasOwn(policies, i.PolicyName ?? '')) throw notFound(`Policy ${i.PolicyName}`);
      delete policies[i.PolicyName ?? ''];
      return {};
    }),
  );
  const sets = options.configurationSets ?? new Map<string, EventDestination[]>();
  sesv2.on(ListConfigurationSetsCommand).callsFake(
    limited('ListConfigurationSets', 'ses', (i: { NextToken?: string; PageSize?: number }) => {
      const p = pageOf([...sets.keys()], i.NextToken, Math.min(sesSize, i.PageSize ?? 100));
      return { ConfigurationSets: p.items, ...(p.next && { NextToken: p.next }) };
    }),
  );
  sesv2.on(GetConfigurationSetEventDestinationsCommand).callsFake(
    limited('GetConfigurationSetEventDestinations', 'ses', (i: { ConfigurationSetName?: string }) => {
      const destinations = sets.get(i.ConfigurationSetName ?? '');
      if (!destinations) throw notFound(`Configuration set ${i.ConfigurationSetName}`);
      return { EventDestinations: destinations.map((d) => ({ ...d })) };
    }),
  );
  sesv2.on(DeleteConfigurationSetEventDestinationCommand).callsFake(
    limited('DeleteConfigurationSetEventDestination', 'ses', (i: { ConfigurationSetName?: string; EventDestinationName?: string }) => {
      const destinations = sets.get(i.ConfigurationSetName ?? '') ?? [];
      sets.set(i.ConfigurationSetName ?? '', destinations.filter((d) => d.Name !== i.EventDestinationName));
      return {};
    }),
  );
  const templates = options.templates ?? new Map();
  sesv2.on(ListCustomVerificationEmailTemplatesCommand).callsFake(
    limited('ListCustomVerificationEmailTemplates', 'ses', (i: { NextToken?: string; PageSize?: number }) => {
      const p = pageOf([...templates.keys()], i.NextToken, Math.min(50, i.PageSize ?? 50));
      return { CustomVerificationEmailTemplates: p.items.map((name) => ({ TemplateName: name })), ...(p.next && { NextToken: p.next }) };
    }),
  );
  sesv2.on(GetCustomVerificationEmailTemplateCommand).callsFake(
    limited('GetCustomVerificationEmailTemplate', 'ses', (i: { TemplateName?: string }) => {
      const t = templates.get(i.TemplateName ?? '');
      if (!t) throw notFound(`Template ${i.TemplateName}`);
      return { TemplateName: i.TemplateName, FromEmailAddress: t.from, TemplateSubject: 'Verify', TemplateContent: '<p>hi</p>', SuccessRedirectionURL: t.success, FailureRedirectionURL: t.failure };
    }),
  );

  const iamAccount: FakeIamAccount = options.iam ?? { accountId };
  const { stub: iam } = fakeIam({ ...iamAccount, accountId });
  const users = iamAccount.users ?? {};
  const roles = iamAccount.roles ?? {};
  const groups = iamAccount.groups ?? {};
  const policies = iamAccount.policies ?? {};
  const iamSize = options.iamPageSize ?? 100;
  const arnOf = (type: string, name: string, given?: string) => given ?? `arn:aws:iam::${accountId}:${type}/${name}`;
  const inlineList = (inline: Record<string, string> | undefined) => Object.entries(inline ?? {}).map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: encodeURIComponent(doc) }));
  const attachedList = (attached: string[] | undefined) => (attached ?? []).map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() }));
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake(
    limited('GetAccountAuthorizationDetails', 'iam', (i: { Marker?: string; MaxItems?: number }) => {
      const all = [
        ...Object.entries(users).map(([name, u]) => ({ kind: 'user' as const, name, u })),
        ...Object.entries(groups).map(([name, u]) => ({ kind: 'group' as const, name, u })),
        ...Object.entries(roles).map(([name, u]) => ({ kind: 'role' as const, name, u })),
        ...Object.keys(policies).map((name) => ({ kind: 'policy' as const, name, u: {} })),
      ];
      // "IAM might return fewer results, even when there are more": never more than iamSize a page.
      const p = pageOf(all, i.Marker, Math.min(iamSize, i.MaxItems ?? 100));
      return {
        UserDetailList: p.items.filter((e) => e.kind === 'user').map((e) => ({
          UserName: e.name,
          Arn: arnOf('user', e.name, e.u.arn),
          UserPolicyList: inlineList(e.u.inline),
          AttachedManagedPolicies: attachedList(e.u.attached),
          GroupList: (users[e.name]?.groups ?? []).slice(),
        })),
        GroupDetailList: p.items.filter((e) => e.kind === 'group').map((e) => ({ GroupName: e.name, Arn: arnOf('group', e.name, e.u.arn), GroupPolicyList: inlineList(e.u.inline), AttachedManagedPolicies: attachedList(e.u.attached) })),
        RoleDetailList: p.items.filter((e) => e.kind === 'role').map((e) => ({
          RoleName: e.name,
          Arn: arnOf('role', e.name, e.u.arn),
          RolePolicyList: inlineList(e.u.inline),
          AttachedManagedPolicies: attachedList(e.u.attached),
          AssumeRolePolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'),
        })),
        Policies: p.items.filter((e) => e.kind === 'policy').map((e) => {
          const policy = policies[e.name]!;
          return {
            Arn: e.name,
            DefaultVersionId: policy.defaultVersion,
            PolicyVersionList: Object.entries(policy.versions).map(([VersionId, v]) => ({ VersionId, IsDefaultVersion: VersionId === policy.defaultVersion, Document: encodeURIComponent(v.document) })),
          };
        }),
        IsTruncated: p.next !== undefined,
        ...(p.next && { Marker: p.next }),
      };
    }),
  );
  const detach = (entries: Record<string, { attached?: string[] }>, op: string) =>
    limited(op, 'iam', (i: { UserName?: string; RoleName?: string; GroupName?: string; PolicyArn?: string }) => {
      const owner = entries[i.UserName ?? i.RoleName ?? i.GroupName ?? ''];
      if (owner) owner.attached = (owner.attached ?? []).filter((arn) => arn !== i.PolicyArn);
      return {};
    });
  iam.on(DetachUserPolicyCommand).callsFake(detach(users, 'DetachUserPolicy'));
  iam.on(DetachRolePolicyCommand).callsFake(detach(roles, 'DetachRolePolicy'));
  iam.on(DetachGroupPolicyCommand).callsFake(detach(groups, 'DetachGroupPolicy'));
  const attach = (entries: Record<string, { attached?: string[] }>, op: string) =>
    limited(op, 'iam', (i: { UserName?: string; RoleName?: string; GroupName?: string; PolicyArn?: string }) => {
      const owner = entries[i.UserName ?? i.RoleName ?? i.GroupName ?? ''];
      if (owner && i.PolicyArn !== undefined && !(owner.attached ?? []).includes(i.PolicyArn)) owner.attached = [...(owner.attached ?? []), i.PolicyArn];
      return {};
    });
  iam.on(AttachUserPolicyCommand).callsFake(attach(users, 'AttachUserPolicy'));
  iam.on(AttachRolePolicyCommand).callsFake(attach(roles, 'AttachRolePolicy'));
  iam.on(AttachGroupPolicyCommand).callsFake(attach(groups, 'AttachGroupPolicy'));
  iam.on(PutUserPolicyCommand).callsFake(
    limited('PutUserPolicy', 'iam', (i: { UserName?: string; PolicyName?: string; PolicyDocument?: string }) => {
      const user = users[i.UserName ?? ''];
      if (user) user.inline = { ...user.inline, [i.PolicyName ?? '']: i.PolicyDocument ?? '' };
      return {};
    }),
  );
  iam.on(DeleteUserPolicyCommand).callsFake(
    limited('DeleteUserPolicy', 'iam', (i: { UserName?: string; PolicyName?: string }) => {
      const user = users[i.UserName ?? ''];
      if (user?.inline) delete user.inline[i.PolicyName ?? ''];
      return {};
    }),
  );

  return { sesv2, iam, calls, throttled, spend: (operation) => admit(operation) };
}

export const SAMPLE_REGION = 'eu-west-1';
