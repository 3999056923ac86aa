import { describe, it, expect } from 'vitest';
import { SUPPORTED_EVENTS } from './index.ts';

const rows = (family: string) => SUPPORTED_EVENTS.filter((e) => e.family === family).map((e) => `${e.eventSource} ${e.eventName}`);

describe('SUPPORTED_EVENTS', () => {
  it('lists each (eventSource, eventName, family) once', () => {
    const keys = SUPPORTED_EVENTS.map((e) => `${e.eventSource} ${e.eventName} ${e.family}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('shares only IAM calls between iam-grant and guard-integrity: both functions get them and each parser decides (no name routing)', () => {
    const families = new Map<string, string[]>();
    for (const e of SUPPORTED_EVENTS) families.set(`${e.eventSource} ${e.eventName}`, [...(families.get(`${e.eventSource} ${e.eventName}`) ?? []), e.family]);
    const shared = [...families].filter(([, f]) => f.length > 1).map(([k, f]) => [k, f.sort()]);
    expect(shared.sort()).toEqual(
      ['AttachRolePolicy', 'CreatePolicyVersion', 'CreateRole', 'PutRolePolicy', 'SetDefaultPolicyVersion', 'UpdateAssumeRolePolicy'].map((n) => [`iam.amazonaws.com ${n}`, ['guard-integrity', 'iam-grant']]),
    );
  });

  it.each([
    ['identity-policy', ['ses.amazonaws.com PutIdentityPolicy', 'ses.amazonaws.com CreateEmailIdentityPolicy', 'ses.amazonaws.com UpdateEmailIdentityPolicy']],
    ['event-destination', ['ses.amazonaws.com CreateConfigurationSetEventDestination', 'ses.amazonaws.com UpdateConfigurationSetEventDestination']],
    [
      'custom-verification',
      ['ses.amazonaws.com SendCustomVerificationEmail', 'ses.amazonaws.com CreateCustomVerificationEmailTemplate', 'ses.amazonaws.com UpdateCustomVerificationEmailTemplate'],
    ],
    [
      'iam-grant',
      [
        'iam.amazonaws.com AttachUserPolicy', 'iam.amazonaws.com AttachRolePolicy', 'iam.amazonaws.com AttachGroupPolicy',
        'iam.amazonaws.com PutUserPolicy', 'iam.amazonaws.com PutRolePolicy', 'iam.amazonaws.com PutGroupPolicy',
        'iam.amazonaws.com CreatePolicyVersion', 'iam.amazonaws.com SetDefaultPolicyVersion', 'iam.amazonaws.com AddUserToGroup',
        // IAM-SES-003: who may assume a role.
        'iam.amazonaws.com UpdateAssumeRolePolicy', 'iam.amazonaws.com CreateRole',
      ],
    ],
  ])('%s covers exactly its SES/IAM calls', (family, expected) => {
    expect(rows(family).sort()).toEqual([...expected].sort());
  });

  it('guard-integrity uses the API-versioned Lambda event names CloudTrail records', () => {
    expect(rows('guard-integrity').filter((r) => r.startsWith('lambda.')).sort()).toEqual([
      'lambda.amazonaws.com DeleteFunction20150331',
      'lambda.amazonaws.com DeleteFunctionConcurrency20171031',
      // Listed by the Lambda guide under their API names, without a version suffix.
      'lambda.amazonaws.com DeleteFunctionEventInvokeConfig',
      'lambda.amazonaws.com PutFunctionConcurrency20171031',
      'lambda.amazonaws.com PutFunctionEventInvokeConfig',
      'lambda.amazonaws.com RemovePermission20150331v2',
      'lambda.amazonaws.com UpdateFunctionCode20150331v2',
      'lambda.amazonaws.com UpdateFunctionConfiguration20150331v2',
      'lambda.amazonaws.com UpdateFunctionEventInvokeConfig',
    ]);
  });

  it('guard-integrity watches every service that can blind the guard', () => {
    expect(new Set(rows('guard-integrity').map((r) => r.split(' ')[0]))).toEqual(
      new Set([
        'events.amazonaws.com',
        'scheduler.amazonaws.com',
        'states.amazonaws.com',
        'lambda.amazonaws.com',
        'sns.amazonaws.com',
        'kms.amazonaws.com',
        'monitoring.amazonaws.com',
        'sqs.amazonaws.com',
        'iam.amazonaws.com',
        'dynamodb.amazonaws.com',
        'cloudtrail.amazonaws.com',
      ]),
    );
  });
});

describe('the judging registry (lib/families/judging.ts): the pure half of each family', () => {
  it('lists every family of FAMILY_LIST, in its order, with the same rules, state facets and check inputs', async () => {
    const { JUDGING_LIST } = await import('./judging.ts');
    const { FAMILY_LIST } = await import('./index.ts');
    expect(JUDGING_LIST.map((f) => f.id)).toEqual(FAMILY_LIST.map((f) => f.id));
    for (const [i, family] of FAMILY_LIST.entries()) {
      const judging = JUDGING_LIST[i]!;
      expect(judging.rules, family.id).toBe(family.rules);
      expect(judging.states, family.id).toBe(family.states);
      expect(judging.checks, family.id).toBe(family.checks);
      expect(judging.title, family.id).toBe(family.title);
    }
  });
});
