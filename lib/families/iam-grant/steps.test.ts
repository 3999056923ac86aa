import { describe, expect, it, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  DeleteGroupPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  LimitExceededException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { ATTACH_PERIMETER_DENY } from './steps.ts';

/**
 * The one IAM write of an IAM-grant repair that adds anything: attaching the guard's perimeter-deny policy.
 * Its fallback when the principal's managed-policy quota is full removes the granting policy instead, and
 * only when the planner said so (every statement violates). Exact commands and inputs.
 */
const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const PERIMETER_DENY = 'arn:aws:iam::111122223333:policy/sesguard-quarantine-perimeter-deny';
const MAIL_TEAM = 'arn:aws:iam::111122223333:policy/mail-team';
const quota = () => new LimitExceededException({ message: 'Cannot exceed quota for PoliciesPerUser: 10', $metadata: { httpStatusCode: 409 } });
const calls = () => iamMock.calls().map((c) => [(c.args[0] as { constructor: { name: string } }).constructor.name, (c.args[0] as { input: unknown }).input]);

beforeEach(() => iamMock.reset());

describe('iam.attach-perimeter-deny', () => {
  it('a group: AttachGroupPolicy with the perimeter-deny ARN, nothing else', async () => {
    iamMock.on(AttachGroupPolicyCommand).resolves({});
    await expect(ATTACH_PERIMETER_DENY.send({ iam }, { type: 'iam.attach-perimeter-deny', principalType: 'group', principalName: 'devs', policyArn: PERIMETER_DENY })).resolves.toBeUndefined();
    expect(calls()).toEqual([['AttachGroupPolicyCommand', { GroupName: 'devs', PolicyArn: PERIMETER_DENY }]]);
  });

  it('quota full (LimitExceeded) with a detach planned: DetachUserPolicy of the granting policy, and the result says so', async () => {
    iamMock.on(AttachUserPolicyCommand).rejects(quota());
    iamMock.on(DetachUserPolicyCommand).resolves({});
    const said = await ATTACH_PERIMETER_DENY.send(
      { iam },
      { type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: PERIMETER_DENY, ifQuotaFull: { kind: 'detach', policyArn: MAIL_TEAM } },
    );
    expect(calls()).toEqual([
      ['AttachUserPolicyCommand', { UserName: 'bob', PolicyArn: PERIMETER_DENY }],
      ['DetachUserPolicyCommand', { UserName: 'bob', PolicyArn: MAIL_TEAM }],
    ]);
    expect(said).toMatch(/LimitExceededException: Cannot exceed quota .*: detached arn:aws:iam::111122223333:policy\/mail-team instead/);
  });

  it('quota full with an inline delete planned on a group: DeleteGroupPolicy', async () => {
    iamMock.on(AttachGroupPolicyCommand).rejects(quota());
    iamMock.on(DeleteGroupPolicyCommand).resolves({});
    await ATTACH_PERIMETER_DENY.send({ iam }, { type: 'iam.attach-perimeter-deny', principalType: 'group', principalName: 'devs', policyArn: PERIMETER_DENY, ifQuotaFull: { kind: 'delete-inline', policyName: 'ses' } });
    expect(calls()).toEqual([
      ['AttachGroupPolicyCommand', { GroupName: 'devs', PolicyArn: PERIMETER_DENY }],
      ['DeleteGroupPolicyCommand', { GroupName: 'devs', PolicyName: 'ses' }],
    ]);
  });

  it('quota full and no fallback planned (compliant statements would be lost): the refusal is the failure, nothing removed', async () => {
    iamMock.on(AttachUserPolicyCommand).rejects(quota());
    await expect(ATTACH_PERIMETER_DENY.send({ iam }, { type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: PERIMETER_DENY })).rejects.toThrow(/quota/);
    expect(calls().map(([name]) => name)).toEqual(['AttachUserPolicyCommand']);
  });

  it('another refusal (the principal is gone) never triggers the fallback', async () => {
    iamMock.on(AttachUserPolicyCommand).rejects(new NoSuchEntityException({ message: 'no user bob', $metadata: { httpStatusCode: 404 } }));
    await expect(
      ATTACH_PERIMETER_DENY.send({ iam }, { type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: PERIMETER_DENY, ifQuotaFull: { kind: 'detach', policyArn: MAIL_TEAM } }),
    ).rejects.toThrow(/no user bob/);
    expect(calls().map(([name]) => name)).toEqual(['AttachUserPolicyCommand']);
  });
});
