import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { judge } from '../../rules/judge.ts';
import type { Finding, RuleContext } from '../../rules/types.ts';
import { planRepair } from '../../remediation/plan.ts';
import type { Plan } from '../../remediation/types.ts';
import { readPolicyInput } from '../policy-document.ts';
import { IAM_GRANT_RULES } from './rules.ts';
import iamGrant from './index.ts';
import type { IamGrantChange, IamGrantState, IamPolicyInEffect, IamPrincipalState, PolicyVersion } from './types.ts';

/**
 * The managed-policy version rollback (DESIGN §4): make the newest version that is compliant TODAY the
 * default — every candidate is judged before it is restored, because the guard's own SetDefaultPolicyVersion
 * is skipped as its own repair and would never be judged afterwards — then delete the bad version the change
 * created. With no compliant version: strip the violating statements into a new version (making room within
 * IAM's five-version limit), or, when nothing compliant is left, detach the policy from the principals who
 * gain through it. Reproduced first: v1 good, v2 bad (created non-default), v3 bad (created default) made
 * v2 the default and reported "repaired".
 */
const ACCOUNT = '111122223333';
const POLICY = `arn:aws:iam::${ACCOUNT}:policy/mail-tools`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const NOW = new Date('2026-11-24T10:00:00Z');

const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const READ = { Sid: 'Read', Effect: 'Allow', Action: ['ses:Get*', 'ses:List*'], Resource: '*' };
const WIDEN = { Sid: 'Widen', Effect: 'Allow', Action: 'ses:PutIdentityPolicy', Resource: '*' };
const ALL = { Sid: 'All', Effect: 'Allow', Action: 'ses:*', Resource: '*' };
const GOOD = doc(READ);
const BAD = doc(READ, WIDEN);

function version(versionId: string, document: object | string | null, isDefault = false): PolicyVersion {
  const n = Number(versionId.slice(1));
  const read = document === null ? {} : readPolicyInput(document);
  return { versionId, isDefault, createDate: new Date(Date.UTC(2026, 0, n)).toISOString(), ...read };
}

function policyOf(v: PolicyVersion, viaGroup?: string): IamPolicyInEffect {
  return { source: POLICY, kind: 'managed', versionId: v.versionId, rawDocument: v.rawDocument ?? '', document: v.document ?? null, ...(viaGroup && { viaGroup }) };
}

function stateWith(versions: PolicyVersion[], principals?: (policy: IamPolicyInEffect) => IamPrincipalState[]): IamGrantState {
  const inEffect = versions.find((v) => v.isDefault);
  if (!inEffect) throw new Error('no default version');
  const changed = policyOf(inEffect);
  return {
    kind: 'iam-grant',
    changedPolicy: changed,
    principals: principals ? principals(changed) : [{ principal: { type: 'user', name: 'bob' }, arn: BOB, policies: [changed], groups: [] }],
    versions: [...versions].reverse(),
  };
}

const create = (versionId: string): IamGrantChange => ({
  family: 'iam-grant',
  operation: 'create-version',
  policyArn: POLICY,
  versionId,
  setAsDefault: true,
  eventId: 'evt-1',
  eventName: 'CreatePolicyVersion',
  eventSource: 'iam.amazonaws.com',
  eventTime: NOW.toISOString(),
  region: 'us-east-1',
  accountId: ACCOUNT,
  actor: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT },
});
const setDefault = (versionId: string): IamGrantChange => ({ ...create(versionId), operation: 'set-default-version', eventName: 'SetDefaultPolicyVersion', versionId }) as IamGrantChange;

function plan(change: IamGrantChange, state: IamGrantState): { plan: Plan; findings: Finding[] } {
  const ctx: RuleContext = { config: parseConfig({ mode: 'enforce' }), accountId: ACCOUNT, region: 'us-east-1', now: NOW };
  const judgeState = (s: IamGrantState): Finding[] => judge(s, ctx, IAM_GRANT_RULES);
  const findings = judgeState(state);
  return { findings, plan: planRepair({ planner: iamGrant, change, state, findings, config: ctx.config, judge: judgeState, now: NOW, ownRoleArns: [] }) };
}

const steps = (p: Plan) => p.steps.map((s) => ({ id: s.id, ...s.action, ...(s.dependsOn && { dependsOn: s.dependsOn }) }));

describe('version rollback: restore the newest version compliant under today\'s rules', () => {
  it('v1 good, v2 bad (non-default), v3 bad (default, created by the event): v1 becomes the default, v3 is deleted, v2 is never restored', () => {
    const { plan: p, findings } = plan(create('v3'), stateWith([version('v1', GOOD), version('v2', BAD), version('v3', BAD, true)]));
    expect(findings.map((f) => f.ruleId)).toContain('IAM-SES-001');
    expect(steps(p)).toEqual([
      { id: 's1', type: 'iam.set-default-policy-version', policyArn: POLICY, versionId: 'v1' },
      { id: 's2', type: 'iam.delete-policy-version', policyArn: POLICY, versionId: 'v3', dependsOn: ['s1'] },
    ]);
    expect(p.explanation).toContain('v1');
    expect(p.explanation).toMatch(/v2 is not compliant under today's rules \(IAM-SES-001\)/);
  });

  it('SetDefaultPolicyVersion to a bad version: the newest compliant version is the default again (IAM keeps no record of the previous default); nothing is deleted', () => {
    const { plan: p } = plan(setDefault('v2'), stateWith([version('v1', GOOD), version('v2', BAD, true), version('v3', GOOD), version('v4', BAD)]));
    expect(steps(p)).toEqual([{ id: 's1', type: 'iam.set-default-policy-version', policyArn: POLICY, versionId: 'v3' }]);
  });

  it('a version whose document was not read, or does not parse, is never restored', () => {
    const { plan: p } = plan(create('v4'), stateWith([version('v1', GOOD), version('v2', '{"Version":"2012-10-17","Statement":[,]}'), version('v3', null), version('v4', BAD, true)]));
    expect(steps(p)[0]).toMatchObject({ type: 'iam.set-default-policy-version', versionId: 'v1' });
    expect(p.explanation).toMatch(/v3: its document was not read/);
    expect(p.explanation).toMatch(/v2 .*does not parse/);
  });
});

/**
 * Issue 11: with no compliant version the guard no longer writes a stripped version (CreatePolicyVersion on
 * any customer policy could write any document): it attaches its perimeter-deny policy where someone gains.
 * These replace the strip-into-a-new-version cases.
 */
describe('no compliant version: perimeter-deny where someone gains (never a new version)', () => {
  const PERIMETER_DENY = `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny`;

  it('attaches perimeter-deny to the user who gains; the policy and its compliant statements stay; LimitExceeded changes nothing else', () => {
    const { plan: p } = plan(create('v2'), stateWith([version('v1', BAD), version('v2', BAD, true)]));
    expect(p.strategy).toBe('perimeter-deny');
    expect(steps(p)).toEqual([{ id: 's1', type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: PERIMETER_DENY }]);
    expect(p.explanation).toMatch(/No version of .* is compliant under today's rules/);
    expect(p.explanation).toContain(`perimeter-deny attached; ${POLICY} left in place`);
    expect(p.explanation).toMatch(/nothing else is changed; proposed fix for a person: remove statement 1/);
  });

  it('five versions already: still one attach, no version deleted or created', () => {
    const { plan: p } = plan(create('v5'), stateWith([version('v1', BAD), version('v2', BAD), version('v3', BAD), version('v4', BAD), version('v5', BAD, true)]));
    expect(steps(p).map((s) => s.type)).toEqual(['iam.attach-perimeter-deny']);
  });

  it('every statement violates: perimeter-deny on the user and on the group its members gain through, detaching instead only if the quota is full', () => {
    const only = doc(ALL);
    const state = stateWith([version('v1', only), version('v2', only, true)], (changed) => [
      { principal: { type: 'user', name: 'bob' }, arn: BOB, policies: [changed], groups: [] },
      { principal: { type: 'group', name: 'devs' }, arn: `arn:aws:iam::${ACCOUNT}:group/devs`, policies: [changed] },
      { principal: { type: 'user', name: 'carol' }, arn: `arn:aws:iam::${ACCOUNT}:user/carol`, policies: [{ ...changed, viaGroup: 'devs' }], groups: ['devs'] },
    ]);
    const { plan: p } = plan(create('v2'), state);
    const detachInstead = { kind: 'detach', policyArn: POLICY };
    expect(steps(p)).toEqual([
      { id: 's1', type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: PERIMETER_DENY, ifQuotaFull: detachInstead },
      { id: 's2', type: 'iam.attach-perimeter-deny', principalType: 'group', principalName: 'devs', policyArn: PERIMETER_DENY, ifQuotaFull: detachInstead },
    ]);
    expect(p.explanation).toMatch(/attached to user bob, group devs/);
  });
});
