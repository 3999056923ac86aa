import { describe, it, expect } from 'vitest';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyVersionCommand,
  LimitExceededException,
  ListAttachedUserPoliciesCommand,
  SetDefaultPolicyVersionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { perimeterDenyDocument } from '../../lib/families/iam-grant/perimeter-deny.ts';
import type { FakeIamAccount } from '../support/fake-iam.ts';
import { ACCOUNT, enforceConfig, sample, useGuardHarness } from './harness.ts';

/**
 * functions/iam-grant.ts end to end: IAM-SES-001, a non-administrator gaining SES perimeter actions
 * (DESIGN §3), is reverted by undoing exactly the grant (§4: an attachment is detached). IAM is global:
 * its events reach EventBridge in us-east-1, where this function runs.
 */

const h = useGuardHarness({ region: 'us-east-1' });

const SAMPLE = 'iam-grant/attach-user-policy-ses-full-access-non-admin';
const SES_FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonSESFullAccess';
const DEV_BOB = `arn:aws:iam::${ACCOUNT}:user/dev-bob`;

/**
 * The fake account shows an AttachUserPolicy/AttachRolePolicy once it is sent, as IAM does, so the re-read
 * after the repair sees perimeter-deny. Not the fake's default: one test needs a write that does not take.
 */
function attachesTake(iam: AwsClientStub<IAMClient>, account: FakeIamAccount): void {
  const attach = (principal: { attached?: string[] } | undefined, policyArn: string) => {
    if (principal) principal.attached = [...(principal.attached ?? []), policyArn];
    return {};
  };
  iam.on(AttachUserPolicyCommand).callsFake(async (input: { UserName: string; PolicyArn: string }) => attach(account.users?.[input.UserName], input.PolicyArn));
  iam.on(AttachRolePolicyCommand).callsFake(async (input: { RoleName: string; PolicyArn: string }) => attach(account.roles?.[input.RoleName], input.PolicyArn));
}

/** dev-bob holding AmazonSESFullAccess (ses:* on *), as IAM answers after the AttachUserPolicy call. */
function accountWithGrant(): FakeIamAccount & { users: NonNullable<FakeIamAccount['users']> } {
  return {
    accountId: ACCOUNT,
    users: { 'dev-bob': { attached: [SES_FULL_ACCESS] } },
    policies: { [SES_FULL_ACCESS]: { defaultVersion: 'v1', versions: { v1: { document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ses:*'], Resource: '*' }] }) } } } },
  };
}

describe('iam-grant function: AttachUserPolicy AmazonSESFullAccess (IAM-SES-001)', () => {
  it('to a non-administrator: DetachUserPolicy undoes exactly that attachment', async () => {
    const account = accountWithGrant();
    const iam = h.useFakeIam(account);
    iam.on(DetachUserPolicyCommand).callsFake(async (input: { UserName: string; PolicyArn: string }) => {
      const user = account.users[input.UserName];
      if (user) user.attached = (user.attached ?? []).filter((arn) => arn !== input.PolicyArn);
      return {};
    });
    const invoke = await h.coldStart('iam-grant', enforceConfig());
    const event = sample(SAMPLE);

    const summary = await invoke(event);

    expect(h.awsWrites()).toEqual(['DetachUserPolicyCommand']);
    expect(iam.commandCalls(DetachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'dev-bob', PolicyArn: SES_FULL_ACCESS }]);
    // The current state was read from IAM, not taken from the event: the user's attachments and the policy's default version.
    expect(iam.commandCalls(ListAttachedUserPoliciesCommand).map((c) => c.args[0].input)).toContainEqual(expect.objectContaining({ UserName: 'dev-bob' }));
    expect(iam.commandCalls(GetPolicyVersionCommand).map((c) => c.args[0].input)).toContainEqual({ PolicyArn: SES_FULL_ACCESS, VersionId: 'v1' });
    expect(account.users['dev-bob']?.attached).toEqual([]);
    // IAM-SES-002 (sending on * without ses:FromAddress/ses:Recipients) is alert-only: reported beside the revert.
    expect(summary).toEqual({
      eventId: event.detail.eventID,
      eventName: 'AttachUserPolicy',
      verdict: 'noncompliant',
      findings: ['IAM-SES-001[0]', 'IAM-SES-002[0]'],
      steps: ['iam.detach-policy:done'],
      alerted: true,
    });
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      outcome: { DataType: 'String', StringValue: 'repaired' },
      rules: { DataType: 'String.Array', StringValue: '["IAM-SES-001","IAM-SES-002"]' },
    });
    expect(published?.alert).toMatchObject({ outcome: 'repaired', severity: 'high', rules: ['IAM-SES-001', 'IAM-SES-002'], resource: { arn: DEV_BOB, family: 'iam-grant' }, errors: [] });
    expect(published?.alert.remediation).toMatchObject({
      strategy: 'revert-grant',
      steps: [{ id: 's1', action: 'iam.detach-policy', target: `user dev-bob policy ${SES_FULL_ACCESS}`, ruleIds: ['IAM-SES-001'], outcome: 'done' }],
    });
    // The re-read after the detach shows the attachment gone: that is what makes it "repaired".
    expect(published?.alert.verification).toEqual({ status: 'compliant', open: [], why: null });
    // The alert shows the attachment change itself (the policy document did not change; the attachment did).
    expect(published?.alert.document.diff).toEqual({
      kind: 'keys',
      changed: true,
      lines: ['- attached: true', '+ attached: false', `  policy: "${SES_FULL_ACCESS}"`, `  principal: "${DEV_BOB}"`],
    });
    expect(published?.alert.title).toBe('Repaired IAM-SES-001 on user/dev-bob; not repaired: IAM-SES-002');
  });

  it('delivered after dev-bob was already detached (a late or duplicate event): compliant, nothing written, and the alert says why', async () => {
    const account = accountWithGrant();
    account.users['dev-bob'] = { attached: [] };
    h.useFakeIam(account);
    const invoke = await h.coldStart('iam-grant', enforceConfig({ alerts: { notifyCompliant: true } }));

    const summary = await invoke(sample(SAMPLE));

    expect(summary).toMatchObject({ verdict: 'compliant', findings: [], steps: [], alerted: true });
    expect(h.awsWrites()).toEqual([]);
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'compliant', notes: [`The grant this event made is no longer in effect: ${SES_FULL_ACCESS} is no longer attached to user dev-bob (IAM no longer lists the attachment the event made).`] });
    expect(published?.alert.summary).toContain('is no longer attached to user dev-bob');
    expect(published?.alert.document.diff.lines).toContain('  attached: false');
  });

  it('to an administrator (adminPrincipals): no write, no alert', async () => {
    h.useFakeIam(accountWithGrant());
    const invoke = await h.coldStart('iam-grant', enforceConfig({ adminPrincipals: [DEV_BOB] }));

    expect(await invoke(sample(SAMPLE))).toMatchObject({ verdict: 'compliant', findings: [], steps: [], alerted: false });
    expect(h.awsCommands().length).toBeGreaterThan(0);
    expect(h.awsWrites()).toEqual([]);
    expect(h.sns.calls()).toEqual([]);
  });
});

describe('iam-grant function: CreatePolicyVersion (the version rollback judges what it restores)', () => {
  const MAIL_TEAM = `arn:aws:iam::${ACCOUNT}:policy/mail-team`;
  const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['ses:Get*', 'ses:List*'], Resource: '*' }] });
  const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ManagePolicies', Effect: 'Allow', Action: ['ses:PutIdentityPolicy'], Resource: '*' }] });

  it('v1 good, v2 bad (created non-default), v3 bad (created default): v1 is restored, v3 deleted, and the re-read confirms it', async () => {
    const account: FakeIamAccount = {
      accountId: ACCOUNT,
      users: { carol: { attached: [MAIL_TEAM] } },
      policies: {
        [MAIL_TEAM]: {
          defaultVersion: 'v3',
          versions: {
            v1: { document: good, createDate: new Date('2026-10-01T00:00:00Z') },
            v2: { document: bad, createDate: new Date('2026-11-01T00:00:00Z') },
            v3: { document: bad, createDate: new Date('2026-11-20T14:26:38Z') },
          },
        },
      },
    };
    const policy = account.policies?.[MAIL_TEAM];
    const iam = h.useFakeIam(account);
    iam.on(SetDefaultPolicyVersionCommand).callsFake(async (input: { VersionId: string }) => {
      if (policy) policy.defaultVersion = input.VersionId;
      return {};
    });
    iam.on(DeletePolicyVersionCommand).callsFake(async (input: { VersionId: string }) => {
      if (policy) delete policy.versions[input.VersionId];
      return {};
    });
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    const summary = await invoke(sample('iam-grant/create-policy-version-adds-put-identity-policy'));

    expect(h.awsWriteCalls()).toEqual([
      { command: 'SetDefaultPolicyVersionCommand', input: { PolicyArn: MAIL_TEAM, VersionId: 'v1' } },
      { command: 'DeletePolicyVersionCommand', input: { PolicyArn: MAIL_TEAM, VersionId: 'v3' } },
    ]);
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['iam.set-default-policy-version:done', 'iam.delete-policy-version:done'] });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', verification: { status: 'compliant' } });
    expect(published?.alert.remediation?.explanation).toMatch(/Not restored: v2 is not compliant under today's rules \(IAM-SES-001\)/);
  });
});

/**
 * Issue 11: the guard writes no policy document. An inline grant, a managed policy with no compliant
 * version and a trust policy are repaired by attaching the guard's static perimeter-deny policy; the
 * re-read judges the principal's attached policies, perimeter-deny included, so the Deny is what makes it
 * "repaired". Written before the change: the inline case sent PutRolePolicy, the managed one
 * CreatePolicyVersion.
 */
describe('iam-grant function: perimeter-deny instead of writing a document', () => {
  const PERIMETER_DENY = `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny`;
  const perimeterDeny = { defaultVersion: 'v1', versions: { v1: { document: JSON.stringify(perimeterDenyDocument(PERIMETER_DENY)) } } };
  const SEND = { Sid: 'Send', Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'app@example.com' } } };
  const WILDCARD = { Effect: 'Allow', Action: 'ses:*', Resource: '*' };
  const limitExceeded = () => new LimitExceededException({ message: 'Cannot exceed quota for PoliciesPerRole: 10', $metadata: { httpStatusCode: 409 } });

  function roleWithInline(...statements: object[]): FakeIamAccount & { roles: NonNullable<FakeIamAccount['roles']> } {
    return {
      accountId: ACCOUNT,
      roles: { 'app-backend': { inline: { 'ses-everything': JSON.stringify({ Version: '2012-10-17', Statement: statements }) } } },
      policies: { [PERIMETER_DENY]: perimeterDeny },
    };
  }
  const putRolePolicy = (...statements: object[]) =>
    sample('iam-grant/put-role-policy-ses-wildcard', (e) => {
      e.detail.requestParameters!['policyDocument'] = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    });

  it('inline policy granting the perimeter: AttachRolePolicy perimeter-deny only, and the re-read (perimeter-deny attached) says repaired', async () => {
    const account = roleWithInline(WILDCARD, SEND);
    const iam = h.useFakeIam(account);
    attachesTake(iam, account);
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    const summary = await invoke(putRolePolicy(WILDCARD, SEND));

    expect(h.awsWriteCalls()).toEqual([{ command: 'AttachRolePolicyCommand', input: { RoleName: 'app-backend', PolicyArn: PERIMETER_DENY } }]);
    expect(summary).toMatchObject({ verdict: 'noncompliant', steps: ['iam.attach-perimeter-deny:done'] });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', verification: { status: 'compliant' } });
    expect(published?.alert.remediation).toMatchObject({ strategy: 'perimeter-deny' });
    expect(published?.alert.remediation?.explanation).toContain('(perimeter-deny attached; inline policy "ses-everything" left in place)');
    // The inline policy is untouched: its Send statement still carries the role's mail.
    expect(account.roles['app-backend']?.inline?.['ses-everything']).toContain('ses:FromAddress');
  });

  it('a re-read that does not show perimeter-deny attached (the write did not take) is repair-incomplete, not repaired', async () => {
    const iam = h.useFakeIam(roleWithInline(WILDCARD, SEND));
    iam.on(AttachRolePolicyCommand).resolves({});
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    await invoke(putRolePolicy(WILDCARD, SEND));

    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repair-incomplete', verification: { status: 'open' } });
  });

  it('managed-policy quota full (LimitExceeded) and every statement violates: the inline policy is deleted instead', async () => {
    const account = roleWithInline(WILDCARD);
    const iam = h.useFakeIam(account);
    iam.on(AttachRolePolicyCommand).rejects(limitExceeded());
    iam.on(DeleteRolePolicyCommand).callsFake(async (input: { RoleName: string; PolicyName: string }) => {
      const role = account.roles[input.RoleName];
      if (role?.inline) delete role.inline[input.PolicyName];
      return {};
    });
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    const summary = await invoke(putRolePolicy(WILDCARD));

    expect(h.awsWriteCalls()).toEqual([
      { command: 'AttachRolePolicyCommand', input: { RoleName: 'app-backend', PolicyArn: PERIMETER_DENY } },
      { command: 'DeleteRolePolicyCommand', input: { RoleName: 'app-backend', PolicyName: 'ses-everything' } },
    ]);
    expect(summary).toMatchObject({ steps: ['iam.attach-perimeter-deny:done'] });
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired' });
    expect(published?.alert.remediation?.steps[0]).toMatchObject({ outcome: 'done', detail: expect.stringContaining('deleted inline policy ses-everything instead') });
  });

  it('quota full and the policy also carries a compliant statement: nothing else is sent, and the alert proposes the fix', async () => {
    const iam = h.useFakeIam(roleWithInline(WILDCARD, SEND));
    iam.on(AttachRolePolicyCommand).rejects(limitExceeded());
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    await invoke(putRolePolicy(WILDCARD, SEND));

    expect(h.awsWrites()).toEqual(['AttachRolePolicyCommand']);
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repair-failed' });
    expect(published?.alert.remediation?.explanation).toMatch(/nothing else is changed; proposed fix for a person: remove statement 0/);
  });

  it('managed policy with no compliant version: AttachUserPolicy perimeter-deny where it grants, never CreatePolicyVersion', async () => {
    const MAIL_TEAM = `arn:aws:iam::${ACCOUNT}:policy/mail-team`;
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['ses:Get*'], Resource: '*' }, { Sid: 'ManagePolicies', Effect: 'Allow', Action: ['ses:PutIdentityPolicy'], Resource: '*' }] });
    const account: FakeIamAccount & { users: NonNullable<FakeIamAccount['users']> } = {
      accountId: ACCOUNT,
      users: { carol: { attached: [MAIL_TEAM] } },
      policies: { [PERIMETER_DENY]: perimeterDeny, [MAIL_TEAM]: { defaultVersion: 'v3', versions: { v2: { document: bad, createDate: new Date('2026-11-01T00:00:00Z') }, v3: { document: bad, createDate: new Date('2026-11-20T14:26:38Z') } } } },
    };
    const iam = h.useFakeIam(account);
    attachesTake(iam, account);
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    await invoke(sample('iam-grant/create-policy-version-adds-put-identity-policy'));

    expect(h.awsWriteCalls()).toEqual([{ command: 'AttachUserPolicyCommand', input: { UserName: 'carol', PolicyArn: PERIMETER_DENY } }]);
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', verification: { status: 'compliant' } });
    expect(published?.alert.remediation?.explanation).toContain(`perimeter-deny attached; ${MAIL_TEAM} left in place`);
  });
});

describe('iam-grant function: IAM-SES-003 without UpdateAssumeRolePolicy', () => {
  const PERIMETER_DENY = `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny`;
  const MAIL_ADMIN_SES = `arn:aws:iam::${ACCOUNT}:policy/mail-admin-ses`;
  const foreignTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }] });
  const manage = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ses:PutIdentityPolicy', 'ses:CreateEmailIdentityPolicy'], Resource: `arn:aws:ses:*:${ACCOUNT}:*` }] });

  it('a foreign account may assume a perimeter-holding role: AttachRolePolicy perimeter-deny only, repaired on the re-read, trust policy left for a person', async () => {
    const account: FakeIamAccount & { roles: NonNullable<FakeIamAccount['roles']> } = {
      accountId: ACCOUNT,
      roles: { 'mail-admin': { trust: foreignTrust, attached: [MAIL_ADMIN_SES] } },
      policies: {
        [MAIL_ADMIN_SES]: { defaultVersion: 'v1', versions: { v1: { document: manage } } },
        [PERIMETER_DENY]: { defaultVersion: 'v1', versions: { v1: { document: JSON.stringify(perimeterDenyDocument(PERIMETER_DENY)) } } },
      },
    };
    const iam = h.useFakeIam(account);
    attachesTake(iam, account);
    const invoke = await h.coldStart('iam-grant', enforceConfig());

    await invoke(sample('iam-grant/update-assume-role-policy-mail-admin-outside-account'));

    expect(h.awsWriteCalls()).toEqual([{ command: 'AttachRolePolicyCommand', input: { RoleName: 'mail-admin', PolicyArn: PERIMETER_DENY } }]);
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'repaired', verification: { status: 'compliant' } });
    expect(published?.alert.remediation?.notRepaired).toEqual([{ ruleId: 'IAM-SES-003', reason: expect.stringContaining('revert it by hand') }]);
    expect(account.roles['mail-admin']?.trust).toBe(foreignTrust);
  });
});
