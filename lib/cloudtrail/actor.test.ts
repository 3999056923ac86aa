import { describe, it, expect } from 'vitest';
import { actorFromUserIdentity, UserIdentitySchema } from './actor.ts';
import type { Actor } from './types.ts';

/** https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html */
const cases: Array<[string, unknown, Actor]> = [
  [
    'Root: the account root user, arn :root',
    { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
    { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
  ],
  [
    'IAMUser: long-term credentials of a user',
    { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/dev-bob', accountId: '111122223333', userName: 'dev-bob', accessKeyId: 'AKIAEXAMPLE' },
    { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/dev-bob', accountId: '111122223333' },
  ],
  [
    'AssumedRole: the role is the session issuer, and the session start is kept for "deny sessions issued before now"',
    {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:alice',
      arn: 'arn:aws:sts::111122223333:assumed-role/mail-admin/alice',
      accountId: '111122223333',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: 'arn:aws:iam::111122223333:role/mail-admin', accountId: '111122223333', userName: 'mail-admin' },
        attributes: { creationDate: '2026-11-20T08:02:11Z', mfaAuthenticated: 'true' },
      },
    },
    {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:alice',
      arn: 'arn:aws:sts::111122223333:assumed-role/mail-admin/alice',
      accountId: '111122223333',
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/mail-admin',
      sessionCreatedAt: '2026-11-20T08:02:11Z',
    },
  ],
  [
    'FederatedUser: GetFederationToken session; its issuer is an IAM user, never reported as a role',
    {
      type: 'FederatedUser',
      principalId: '111122223333:partner',
      arn: 'arn:aws:sts::111122223333:federated-user/partner',
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/broker' }, attributes: { creationDate: '2026-11-20T08:00:00Z' } },
    },
    { type: 'FederatedUser', principalId: '111122223333:partner', arn: 'arn:aws:sts::111122223333:federated-user/partner', accountId: '111122223333' },
  ],
  ['AWSService: a service acting on its own, named by invokedBy', { type: 'AWSService', invokedBy: 'ses.amazonaws.com' }, { type: 'AWSService', invokedBy: 'ses.amazonaws.com' }],
  [
    'AWSAccount: another account calling into this one, with no ARN',
    { type: 'AWSAccount', principalId: 'AIDAOUTSIDE', accountId: '444455556666' },
    { type: 'AWSAccount', principalId: 'AIDAOUTSIDE', accountId: '444455556666' },
  ],
  [
    'IdentityCenterUser and other types the guard cannot quarantine are Unknown',
    { type: 'IdentityCenterUser', accountId: '111122223333', onBehalfOf: { userId: 'u-1' } },
    { type: 'Unknown', accountId: '111122223333' },
  ],
];

describe('actorFromUserIdentity', () => {
  it.each(cases)('%s', (_name, userIdentity, expected) => {
    expect(actorFromUserIdentity(UserIdentitySchema.parse(userIdentity))).toEqual(expected);
  });

  it('carries the source IP and user agent of the call', () => {
    const actor = actorFromUserIdentity({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a' }, { sourceIPAddress: '203.0.113.7', userAgent: 'aws-cli/2' });
    expect(actor).toEqual({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a', sourceIp: '203.0.113.7', userAgent: 'aws-cli/2' });
  });
});
