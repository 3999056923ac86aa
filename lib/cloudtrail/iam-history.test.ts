import { describe, expect, it } from 'vitest';
import { IamHistory } from './iam-history.ts';
import { parseStateSidecar } from '../families/iam-grant/sidecar.ts';

const POLICY = 'arn:aws:iam::111122223333:policy/mail-team';
const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const iam = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null, extra: Record<string, unknown> = {}) => ({
  eventSource: 'iam.amazonaws.com',
  eventName,
  requestParameters,
  responseElements,
  ...extra,
});

describe('IamHistory: what earlier events of a replay showed about IAM', () => {
  it('a version created (not default) becomes the default document when SetDefaultPolicyVersion names it', () => {
    const history = new IamHistory();
    history.observe(iam('CreatePolicyVersion', { policyArn: POLICY, policyDocument: JSON.stringify(doc('ses:*')), setAsDefault: false }, { policyVersion: { versionId: 'v5', isDefaultVersion: false } }));
    const before = history.sidecarFor(POLICY, undefined);
    expect(before.policies[POLICY]).toBeUndefined();
    expect(before.versions).toEqual([{ versionId: 'v5', isDefault: false, document: doc('ses:*') }]);
    history.observe(iam('SetDefaultPolicyVersion', { policyArn: POLICY, versionId: 'v5' }));
    const after = history.sidecarFor(POLICY, undefined);
    expect(after.policies[POLICY]).toEqual(doc('ses:*'));
    expect(after.versions).toEqual([{ versionId: 'v5', isDefault: true, document: doc('ses:*') }]);
    expect(() => parseStateSidecar(after)).not.toThrow();
  });

  it('a failed call teaches nothing', () => {
    const history = new IamHistory();
    history.observe(iam('PutUserPolicy', { userName: 'bob', policyName: 'p', policyDocument: JSON.stringify(doc('ses:*')) }, null, { errorCode: 'AccessDenied' }));
    expect(history.empty).toBe(true);
  });

  it('inline policies, attachments and memberships: holders are listed only with documents, and the sidecar file wins for what it states', () => {
    const history = new IamHistory();
    history.observe(iam('PutUserPolicy', { userName: 'bob', policyName: 'send', policyDocument: encodeURIComponent(JSON.stringify(doc('ses:SendEmail'))) }));
    history.observe(iam('AttachUserPolicy', { userName: 'bob', policyArn: 'arn:aws:iam::111122223333:policy/unknown' }));
    history.observe(iam('AddUserToGroup', { userName: 'bob', groupName: 'mailers' }));
    const file = parseStateSidecar({ policies: { 'inline:user/bob/send': doc('ses:GetAccount') }, principals: [{ type: 'user', name: 'carol', policies: ['inline:user/bob/send'] }] });
    const sidecar = history.sidecarFor(undefined, file);
    expect(sidecar.policies['inline:user/bob/send']).toEqual(doc('ses:GetAccount'));
    expect(sidecar.principals).toEqual([
      { type: 'user', name: 'bob', policies: ['inline:user/bob/send'] },
      { type: 'group', name: 'mailers', policies: [], members: ['bob'] },
      { type: 'user', name: 'carol', policies: ['inline:user/bob/send'] },
    ]);
    expect(() => parseStateSidecar(sidecar)).not.toThrow();
  });
});
