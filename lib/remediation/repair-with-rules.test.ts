import { beforeEach, describe, expect, it } from 'vitest';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, UpdateEmailIdentityPolicyCommand } from '@aws-sdk/client-sesv2';
import { DetachUserPolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { judge } from '../rules/judge.ts';
import { RULES } from '../families/index.ts';
import type { RuleContext } from '../rules/types.ts';
import type { ResourceState } from '../rules/types.ts';
import { executePlan } from './execute.ts';
import {
  ACCOUNT,
  NOW,
  OWN_ROLES,
  REGION,
  config,
  iamChange,
  iamState,
  identityPolicyChange,
  identityPolicyState,
  policyInEffect,
  policyText,
  sesAdminDocument,
  trustedStatement,
  planFor,
  allSenders,
  documentOf,

} from './__fixtures__/remediation-fixtures.ts';

/** The planner and executor driven by the real rule engine (lib/rules), end to end against SDK mocks. */

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const sesv2 = new SESv2Client({ region: REGION, credentials });
const iam = new IAMClient({ region: REGION, credentials });
// Never reached: these plans quarantine no one.
const cloudtrail = new CloudTrailClient({ region: REGION, credentials });
const sesMock = mockClient(sesv2);
const iamMock = mockClient(iam);
beforeEach(() => {
  sesMock.reset();
  iamMock.reset();
});

const cfg = config({ mode: 'enforce', trustedAccounts: [ACCOUNT] });
const ctx: RuleContext = { config: cfg, accountId: ACCOUNT, region: REGION, now: NOW };
const realJudge = (state: ResourceState) => judge(state, ctx, RULES);

describe('remediation with the real rule engine', () => {
  it('SES-IDP-001: an Allow to "*" is stripped, the trusted delegated-sending statement stays, and the result re-reads compliant', async () => {
    const anyone = { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'ses:SendRawEmail', Resource: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com` };
    const state = identityPolicyState(policyText(trustedStatement, anyone));
    const findings = realJudge(state);
    expect(findings.map((f) => [f.ruleId, f.action, f.statement?.index])).toContainEqual(['SES-IDP-001', 'revert', 1]);

    const plan = planFor({ change: identityPolicyChange(), state, findings, config: cfg, judge: realJudge, now: NOW, ownRoleArns: OWN_ROLES });
    expect(plan.strategy).toBe('strip');
    const repaired = identityPolicyState(policyText(trustedStatement));
    const reads = [state, repaired];
    const report = await executePlan(plan, { senders: allSenders({ sesv2, iam, cloudtrail }), documentOf, reread: async () => reads.shift() ?? repaired, judge: realJudge, now: () => NOW });

    expect(sesMock.commandCalls(UpdateEmailIdentityPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { EmailIdentity: 'example.com', PolicyName: 'delegated-sending', Policy: policyText(trustedStatement) },
    ]);
    expect(report.results.map((r) => r.outcome)).toEqual(['done']);
    expect(report.rereadCompliant).toBe(true);
  });

  it('IAM-SES-001: ses:* attached to a non-administrator user is detached', async () => {
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/ses-everything`;
    const bob = `arn:aws:iam::${ACCOUNT}:user/bob`;
    const state = iamState(policyInEffect(policyArn, sesAdminDocument, { versionId: 'v1' }), [bob]);
    const findings = realJudge(state);
    expect(findings.some((f) => f.ruleId === 'IAM-SES-001' && f.action === 'revert')).toBe(true);

    const plan = planFor({
      change: iamChange({ operation: 'attach', principal: { type: 'user', name: 'bob' }, policyArn }),
      state,
      findings,
      config: cfg,
      judge: realJudge,
      now: NOW,
      ownRoleArns: OWN_ROLES,
    });
    const detached = iamState(null, [bob]);
    const reads: ResourceState[] = [state, detached];
    const report = await executePlan(plan, { senders: allSenders({ sesv2, iam, cloudtrail }), documentOf, reread: async () => reads.shift() ?? detached, judge: realJudge, now: () => NOW });
    expect(iamMock.commandCalls(DetachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'bob', PolicyArn: policyArn }]);
    expect(sesMock.calls()).toHaveLength(0);
    expect(report.rereadCompliant).toBe(true);
  });
});
