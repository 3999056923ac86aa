import { describe, expect, it } from 'vitest';
import { iamChange } from '../../../test/support/changes.ts';
import { offlineIamGrant } from './offline.ts';

describe('offline IAM state: AWS managed policies come from the snapshot where the sidecar has no document', () => {
  it('an attachment of AmazonSESFullAccess needs no sidecar', () => {
    const state = offlineIamGrant(iamChange({ operation: 'attach', principal: { type: 'user', name: 'bob' }, policyArn: 'arn:aws:iam::aws:policy/AmazonSESFullAccess' }));
    expect(state.changedPolicy?.source).toBe('arn:aws:iam::aws:policy/AmazonSESFullAccess');
    expect(state.changedPolicy?.document?.statements.map((s) => s.action)).toEqual([['ses:*']]);
    expect(state.principals.map((p) => p.arn)).toEqual(['arn:aws:iam::111122223333:user/bob']);
  });

  it('a managed policy with no SES statement reads as granting nothing, not as a document that does not parse', () => {
    const state = offlineIamGrant(iamChange({ operation: 'attach', principal: { type: 'role', name: 'fn' }, policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    expect(state.changedPolicy?.document).toEqual({ version: '2012-10-17', statements: [] });
    expect(state.changedPolicy?.parseErrors).toBeUndefined();
  });

  it('a customer policy nobody described is still unknown offline', () => {
    expect(() => offlineIamGrant(iamChange({ operation: 'attach', principal: { type: 'user', name: 'bob' }, policyArn: 'arn:aws:iam::111122223333:policy/mine' }))).toThrow(/the document of arn:aws:iam::111122223333:policy\/mine/);
  });

  it('a CreatePolicyVersion that is not default, with the default unknown, puts nothing in effect', () => {
    const state = offlineIamGrant(iamChange({ operation: 'create-version', policyArn: 'arn:aws:iam::111122223333:policy/mine', versionId: 'v5', setAsDefault: false, requestedPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }] } }));
    expect(state).toEqual({ kind: 'iam-grant', changedPolicy: null, principals: [] });
  });
});
