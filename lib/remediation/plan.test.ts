import { describe, expect, it } from 'vitest';
import type { Finding, ResourceState } from '../rules/types.ts';
import {
  ACCOUNT,
  REGION,
  NOW,
  OWN_ROLES,
  anyoneStatement,
  config,
  eventDestinationChange,
  eventDestinationJudge,
  eventDestinationState,
  foreignSnsDestination,
  foreignStatement,
  goodTemplate,
  iamChange,
  iamJudge,
  iamState,
  identityPolicyChange,
  identityPolicyJudge,
  identityPolicyState,
  ownSnsDestination,
  phishingTemplate,
  policyInEffect,
  policyVersion,
  sendOnlyDocument,
  policyText,
  quarantineFinding,
  roleActor,
  sendChange,
  sendJudge,
  sesAdminDocument,
  templateChange,
  templateJudge,
  templateState,
  trustedStatement,
  userActor,
  planFor,
  QUARANTINE_ARN,
  type TestPlanInput,
} from './__fixtures__/remediation-fixtures.ts';

function input(overrides: Partial<TestPlanInput> & Pick<TestPlanInput, 'change' | 'state' | 'judge'>): TestPlanInput {
  const findings = overrides.findings ?? overrides.judge(overrides.state);
  return { config: config(), now: NOW, ownRoleArns: OWN_ROLES, ...overrides, findings };
}
const baselineOf = (document: string) => ({ resourceId: 'x', document, eventId: 'evt-0', recordedAt: '2026-11-01T00:00:00.000Z' });
const mixed = policyText(trustedStatement, anyoneStatement);
const managedArn = `arn:aws:iam::${ACCOUNT}:policy/ses-helpers`;
const sendState = { kind: 'custom-verification-send' as const, templateName: 'welcome', emailAddress: 'v@example.org' };

describe('planRepair: which findings are repaired', () => {
  it('an exempt finding is reported with the exemption, the others are repaired (exemptions accept a deviation, they do not disable a rule)', () => {
    const cfg = config();
    const state = identityPolicyState(policyText(trustedStatement, anyoneStatement, foreignStatement));
    const findings = identityPolicyJudge(cfg)(state).map((f): Finding => (f.ruleId === 'SES-IDP-002' ? { ...f, exemption: { reason: 'partner pilot', expires: '2027-01-31' } } : f));
    // The exempt statement stays exempt when the stripped document is judged again.
    const judge = (s: ResourceState) => identityPolicyJudge(cfg)(s).map((f): Finding => (f.ruleId === 'SES-IDP-002' ? { ...f, exemption: { reason: 'partner pilot', expires: '2027-01-31' } } : f));
    const plan = planFor(input({ change: identityPolicyChange(), state, judge, findings }));
    expect(plan.notRepaired).toEqual([{ ruleId: 'SES-IDP-002', reason: 'exempt until 2027-01-31: partner pilot' }]);
    expect(plan.strategy).toBe('strip');
    expect(plan.steps).toEqual([
      {
        id: 's1',
        action: { type: 'ses.put-identity-policy', identity: 'example.com', policyName: 'delegated-sending', document: policyText(trustedStatement, foreignStatement), op: 'update' },
        target: 'identity example.com policy delegated-sending (update)',
        ruleIds: ['SES-IDP-001'],
        reason: expect.stringMatching(/Removes statement 1 from the policy "delegated-sending" on example.com and keeps the other 2/),
      },
    ]);
  });

  it.each([
    { name: 'IAM-SES-002 (default action alert) changes nothing and is reported', ruleId: 'IAM-SES-002' as const, action: 'alert' as const },
    { name: 'SES-IDP-005 (default action alert) changes nothing and is reported', ruleId: 'SES-IDP-005' as const, action: 'alert' as const },
  ])('$name', ({ ruleId, action }) => {
    const finding: Finding = { ruleId, action, severity: 'medium', resource: 'arn:x', reason: 'r', fix: { kind: 'revert-grant', policySource: managedArn } };
    const plan = planFor(input({ change: identityPolicyChange(), state: identityPolicyState(mixed), judge: () => [], findings: [finding] }));
    expect(plan).toEqual({
      strategy: 'alert-only',
      steps: [],
      dryRun: false,
      explanation: 'Nothing is changed: every finding is exempt or alert-only.',
      notRepaired: [{ ruleId, reason: "the rule's action is alert: reported, nothing changed" }],
    });
  });

  it('no findings: nothing to do', () => {
    const plan = planFor(input({ change: identityPolicyChange(), state: identityPolicyState(policyText(trustedStatement)), judge: () => [] }));
    expect(plan).toEqual({ strategy: 'none', steps: [], dryRun: false, explanation: 'No findings: nothing to repair.', notRepaired: [] });
  });

  it('dry-run still plans the steps, so the alert says what enforce would do', () => {
    const cfg = config({ mode: 'dry-run' });
    const plan = planFor(input({ change: identityPolicyChange(), state: identityPolicyState(mixed), judge: identityPolicyJudge(cfg), config: cfg }));
    expect(plan.dryRun).toBe(true);
    expect(plan.steps.map((s) => s.action.type)).toEqual(['ses.put-identity-policy']);
    expect(plan.explanation).toMatch(/^Dry-run: nothing is changed; enforce mode would do the following\. .*Removes statement 1/);
  });

  it('a resource repair and a quarantine in one plan are numbered in order and keep their own rule ids', () => {
    const cfg = config({ rules: { 'SES-IDP-002': { action: 'quarantine' } } });
    const state = identityPolicyState(policyText(trustedStatement, anyoneStatement, foreignStatement));
    const plan = planFor(input({ change: identityPolicyChange(roleActor), state, judge: identityPolicyJudge(cfg), config: cfg }));
    expect(plan.strategy).toBe('strip');
    expect(plan.steps.map((s) => [s.id, s.action.type, s.ruleIds])).toEqual([
      ['s1', 'ses.put-identity-policy', ['SES-IDP-001']],
      ['s2', 'cloudtrail.verify-event', ['SES-IDP-002']],
      ['s3', 'iam.attach-quarantine-policy', ['SES-IDP-002']],
      ['s4', 'iam.revoke-role-sessions', ['SES-IDP-002']],
    ]);
    // The quarantine waits on the verification; the resource repair does not.
    expect(plan.steps.map((s) => s.dependsOn ?? [])).toEqual([[], [], ['s2'], ['s2']]);
    // The quarantined rule's statement stays: the rule is answered by quarantine, not by editing.
    expect(plan.steps[0]?.action).toMatchObject({ document: policyText(trustedStatement, foreignStatement) });
    expect(plan.explanation).toMatch(/Quarantines role ci-deployer/);
  });
});

describe('planRepair: a resource that no longer exists needs no repair', () => {
  const gone = [
    { name: 'identity policy deleted', change: identityPolicyChange(), state: identityPolicyState(null), finding: 'SES-IDP-001' as const, action: 'revert' as const },
    { name: 'event destination deleted', change: eventDestinationChange(), state: eventDestinationState(null), finding: 'SES-EVD-001' as const, action: 'remove-destination' as const },
    { name: 'verification template deleted', change: templateChange(), state: templateState(null), finding: 'SES-CVE-002' as const, action: 'revert' as const },
    {
      name: 'IAM policy no longer in effect',
      change: iamChange({ operation: 'attach', principal: { type: 'user', name: 'bob' }, policyArn: managedArn }),
      state: iamState(null, [`arn:aws:iam::${ACCOUNT}:user/bob`]),
      finding: 'IAM-SES-001' as const,
      action: 'revert' as const,
    },
  ];
  it.each(gone)('$name: no steps, the explanation says it is already gone', ({ change, state, finding, action }) => {
    const f: Finding = { ruleId: finding, action, severity: 'high', resource: 'arn:x', reason: 'r', fix: { kind: 'none', note: 'n' } };
    const plan = planFor(input({ change, state, judge: () => [], findings: [f] }));
    expect(plan.steps).toEqual([]);
    expect(plan.strategy).toBe('none');
    expect(plan.explanation).toMatch(/already gone/);
    expect(plan.notRepaired).toEqual([{ ruleId: finding, reason: expect.stringMatching(/no longer exists/) }]);
  });
});

describe('planRepair: identity policies (revert, strip, delete)', () => {
  const cfg = config();
  const judge = identityPolicyJudge(cfg);
  it.each([
    {
      name: 'config action strip skips the baseline even when it is compliant',
      cfg: config({ rules: { 'SES-IDP-001': { action: 'strip' } } }),
      baseline: policyText(trustedStatement),
      strategy: 'strip',
      explanation: /^Removes statement 1/,
    },
    {
      name: 'a baseline identical to the current document cannot be reverted to; strip',
      cfg,
      baseline: mixed,
      strategy: 'strip',
      explanation: /The last-known-good version \(recorded 2026-11-01T00:00:00.000Z\) is the current one.*Removes statement 1/,
    },
    {
      name: 'a baseline that does not parse is not restored; strip',
      cfg,
      baseline: '{"Statement":',
      strategy: 'strip',
      explanation: /cannot be restored: it does not parse.*Removes statement 1/,
    },
    {
      name: 'a baseline rejected by today\'s rules is not restored and the explanation names the rule',
      cfg,
      baseline: policyText(foreignStatement),
      strategy: 'strip',
      explanation: /not compliant under today's rules \(SES-IDP-002\), so it is not restored/,
    },
    {
      name: 'no baseline: say so, then strip',
      cfg,
      baseline: undefined,
      strategy: 'strip',
      explanation: /^No last-known-good version of the policy "delegated-sending" on example.com is recorded, so it cannot be reverted\. Removes statement 1/,
    },
  ])('$name', ({ cfg: c, baseline, strategy, explanation }) => {
    const plan = planFor(input({ change: identityPolicyChange(), state: identityPolicyState(mixed), judge: identityPolicyJudge(c), config: c, ...(baseline !== undefined && { baseline: baselineOf(baseline) }) }));
    expect(plan.strategy).toBe(strategy);
    expect(plan.explanation).toMatch(explanation);
  });

  it('an action that does not apply to identity policies (remove-destination) is reported, not guessed at', () => {
    // Config validation refuses this override (lib/config/rule-contracts.ts); the planner must still not guess if handed it.
    const c = { ...config(), rules: { 'SES-IDP-001': { action: 'remove-destination' as const } } };
    const plan = planFor(input({ change: identityPolicyChange(), state: identityPolicyState(mixed), judge: identityPolicyJudge(c), config: c }));
    expect(plan.steps).toEqual([]);
    expect(plan.notRepaired).toEqual([{ ruleId: 'SES-IDP-001', reason: 'action "remove-destination" does not apply to an identity policy; use revert, strip or delete' }]);
  });

  it('every step carries its rule ids and a reason', () => {
    const plan = planFor(input({ change: identityPolicyChange(), state: identityPolicyState(policyText(anyoneStatement, foreignStatement)), judge }));
    expect(plan.steps).toEqual([
      {
        id: 's1',
        action: { type: 'ses.delete-identity-policy', identity: 'example.com', policyName: 'delegated-sending' },
        target: 'identity example.com policy delegated-sending',
        ruleIds: ['SES-IDP-001', 'SES-IDP-002'],
        reason: 'Every statement of the policy "delegated-sending" on example.com violates the perimeter (statements 0, 1), so it is deleted.',
      },
    ]);
    expect(plan.explanation).toBe(
      'No last-known-good version of the policy "delegated-sending" on example.com is recorded, so it cannot be reverted. Every statement of the policy "delegated-sending" on example.com violates the perimeter (statements 0, 1), so it is deleted.',
    );
  });
});

describe('planRepair: event destinations (SES-EVD-001)', () => {
  it.each([
    { name: 'a baseline for another destination name is not used: delete', baseline: JSON.stringify({ ...ownSnsDestination, name: 'other' }), cfg: config(), strategy: 'remove-destination', explanation: /names destination "other", not "to-sns"/ },
    { name: 'a noncompliant baseline is not restored: delete', baseline: JSON.stringify({ ...foreignSnsDestination, matchingEventTypes: ['SEND'] }), cfg: config(), strategy: 'remove-destination', explanation: /not compliant under today's rules \(SES-EVD-001\)/ },
    { name: 'the baseline is the current definition: delete', baseline: JSON.stringify(foreignSnsDestination), cfg: config(), strategy: 'remove-destination', explanation: /is the current one, which today's rules no longer accept/ },
    { name: 'an unreadable baseline is not restored: delete', baseline: '{"name":"to-sns"}', cfg: config(), strategy: 'remove-destination', explanation: /unreadable \(enabled/ },
    { name: 'config action delete wins over a compliant baseline', baseline: JSON.stringify(ownSnsDestination), cfg: config({ rules: { 'SES-EVD-001': { action: 'delete' } } }), strategy: 'remove-destination', explanation: /^Config sets action "delete" for SES-EVD-001/ },
    { name: 'action disable-destination without a baseline disables', baseline: undefined, cfg: config({ rules: { 'SES-EVD-001': { action: 'disable-destination' } } }), strategy: 'disable-destination', explanation: /Disables the event destination "to-sns" of configuration set "transactional" \(Enabled=false\)/ },
    { name: 'a compliant baseline is restored even when removal is configured as disable', baseline: JSON.stringify(ownSnsDestination), cfg: config({ eventDestinationRemoval: 'disable' }), strategy: 'restore-destination', explanation: /^Restores the last-known-good event destination "to-sns"/ },
  ])('$name', ({ baseline, cfg, strategy, explanation }) => {
    const plan = planFor(input({ change: eventDestinationChange(), state: eventDestinationState(foreignSnsDestination), judge: eventDestinationJudge(cfg), config: cfg, ...(baseline !== undefined && { baseline: baselineOf(baseline) }) }));
    expect(plan.strategy).toBe(strategy);
    expect(plan.explanation).toMatch(explanation);
    expect(plan.steps).toHaveLength(1);
  });
});

describe('planRepair: verification templates (SES-CVE-002)', () => {
  it('config action delete deletes even with a compliant baseline', () => {
    const cfg = config({ rules: { 'SES-CVE-002': { action: 'delete' } } });
    const plan = planFor(input({ change: templateChange(), state: templateState(phishingTemplate), judge: templateJudge(cfg), config: cfg, baseline: baselineOf(JSON.stringify(goodTemplate)) }));
    expect(plan.steps.map((s) => s.action)).toEqual([{ type: 'ses.delete-verification-template', templateName: 'welcome' }]);
  });

  it('without a baseline the template is deleted and the explanation says why it must not stay', () => {
    const plan = planFor(input({ change: templateChange(), state: templateState(phishingTemplate), judge: templateJudge(config()) }));
    expect(plan.strategy).toBe('delete');
    expect(plan.explanation).toBe(
      'No last-known-good version of the custom verification template "welcome" is recorded, so it cannot be reverted. A verification template that points outside trusted domains must not stay (it would send victims to someone else\'s site in the account\'s name), so the custom verification template "welcome" is deleted.',
    );
  });
});

describe('planRepair: IAM grants (IAM-SES-001)', () => {
  const cfg = config();
  const bob = `arn:aws:iam::${ACCOUNT}:user/bob`;
  const changedV = (v: string) => policyInEffect(managedArn, sesAdminDocument, { versionId: v });

  it('the planner acts on the finding: who may hold perimeter actions is the rule\'s decision, made once (lib/rules/protected-principal.ts)', () => {
    const findings = iamJudge(cfg)(iamState(changedV('v1'), [bob]));
    const plan = planFor(input({ change: iamChange({ operation: 'attach', principal: { type: 'user', name: 'bob' }, policyArn: managedArn }), state: iamState(changedV('v1'), [bob]), judge: iamJudge(cfg), findings }));
    expect(plan.steps.map((s) => s.action.type)).toEqual(['iam.detach-policy']);
    expect(iamJudge(config({ adminPrincipals: [bob] }))(iamState(changedV('v1'), [bob]))).toEqual([]);
  });

  it.each([
    {
      name: 'versions that could not be read: alert only (no version can be judged, none is restored unjudged)',
      change: iamChange({ operation: 'create-version', policyArn: managedArn, versionId: 'v2', setAsDefault: true }),
      versions: undefined,
      explanation: /could not be read, so no version can be judged/,
    },
    {
      name: 'an AWS managed policy can only be detached, never edited',
      change: iamChange({ operation: 'set-default-version', policyArn: 'arn:aws:iam::aws:policy/AmazonSESFullAccess', versionId: 'v9' }),
      versions: [policyVersion('v9', true, sesAdminDocument), policyVersion('v8', false, sendOnlyDocument)],
      explanation: /AWS managed policy: it can only be detached, never edited/,
    },
  ])('$name', ({ change, versions, explanation }) => {
    const state = iamState(changedV('v1'), [bob], versions);
    const plan = planFor(input({ change, state, judge: iamJudge(cfg) }));
    expect(plan.steps).toEqual([]);
    expect(plan.strategy).toBe('alert-only');
    expect(plan.explanation).toMatch(explanation);
    expect(plan.notRepaired[0]?.reason).toMatch(explanation);
  });

  it('set-default-version with several other versions: the newest compliant one is restored (IAM does not record the previous default)', () => {
    const versions = [policyVersion('v3', false, sesAdminDocument), policyVersion('v2', false, sendOnlyDocument), policyVersion('v1', true, sesAdminDocument)];
    const plan = planFor(input({ change: iamChange({ operation: 'set-default-version', policyArn: managedArn, versionId: 'v1' }), state: iamState(changedV('v1'), [bob], versions), judge: iamJudge(cfg) }));
    expect(plan.steps.map((s) => s.action)).toEqual([{ type: 'iam.set-default-policy-version', policyArn: managedArn, versionId: 'v2' }]);
    expect(plan.explanation).toMatch(/Not restored: v3 is not compliant under today's rules \(IAM-SES-001\)/);
  });

  // Issue 11: the guard writes no policy version or inline policy; perimeter-deny neutralises the grant instead.
  it('create-version as default when it is the only version and every statement violates: perimeter-deny on bob, detach only if his quota is full', () => {
    const plan = planFor(input({ change: iamChange({ operation: 'create-version', policyArn: managedArn, versionId: 'v1', setAsDefault: true }), state: iamState(changedV('v1'), [bob], [policyVersion('v1', true, sesAdminDocument)]), judge: iamJudge(cfg) }));
    expect(plan.steps.map((s) => s.action)).toEqual([
      { type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny`, ifQuotaFull: { kind: 'detach', policyArn: managedArn } },
    ]);
    expect(plan.explanation).toMatch(/is attached to user bob .*LimitExceeded.*detached instead/);
  });
  it('inline policy with a noncompliant baseline: perimeter-deny on bob, the inline policy deleted only if his quota is full (every statement violates)', () => {
    const source = 'inline:user/bob/ses';
    const plan = planFor(input({ change: iamChange({ operation: 'put-inline', principal: { type: 'user', name: 'bob' }, policyName: 'ses' }), state: iamState(policyInEffect(source, sesAdminDocument), [bob]), judge: iamJudge(cfg), baseline: baselineOf(sesAdminDocument) }));
    expect(plan.steps.map((s) => s.action)).toEqual([
      { type: 'iam.attach-perimeter-deny', principalType: 'user', principalName: 'bob', policyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny`, ifQuotaFull: { kind: 'delete-inline', policyName: 'ses' } },
    ]);
    expect(plan.explanation).toMatch(/perimeter-deny attached; inline policy "ses" left in place.*the inline policy is deleted instead: every statement of it grants perimeter actions/);
  });
  it('inline policy with action strip: the statements that grant nothing of the perimeter keep working under perimeter-deny; no fallback delete', () => {
    const c = config({ rules: { 'IAM-SES-001': { action: 'strip' } } });
    const keep = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [keep, { Effect: 'Allow', Action: 'ses:*', Resource: '*' }] });
    const plan = planFor(input({ change: iamChange({ operation: 'put-inline', principal: { type: 'role', name: 'app' }, policyName: 'mixed' }), state: iamState(policyInEffect('inline:role/app/mixed', doc), [`arn:aws:iam::${ACCOUNT}:role/app`]), judge: iamJudge(c), config: c }));
    expect(plan.steps.map((s) => s.action)).toEqual([{ type: 'iam.attach-perimeter-deny', principalType: 'role', principalName: 'app', policyArn: `arn:aws:iam::${ACCOUNT}:policy/sesguard-quarantine-perimeter-deny` }]);
    expect(plan.explanation).toMatch(/proposed fix for a person: remove statement 1, keeping the other statement/);
  });
});

describe('planRepair: quarantine', () => {
  it('two findings about the same actor quarantine it once, citing both rules', () => {
    const findings = [quarantineFinding(userActor), { ...quarantineFinding(userActor), ruleId: 'SES-IDP-001' as const }];
    const plan = planFor(input({ change: sendChange(userActor), state: sendState, judge: sendJudge(userActor), findings }));
    expect(plan.steps).toEqual([
      {
        id: 's1',
        action: {
          type: 'cloudtrail.verify-event',
          eventId: 'evt-1',
          eventName: 'SendCustomVerificationEmail',
          eventSource: 'ses.amazonaws.com',
          eventTime: '2026-11-24T09:59:00Z',
          region: REGION,
          accountId: ACCOUNT,
          actor: { type: 'IAMUser', arn: userActor.arn },
        },
        target: `CloudTrail event evt-1 (SendCustomVerificationEmail in ${REGION})`,
        ruleIds: ['SES-CVE-001', 'SES-IDP-001'],
        reason: expect.stringMatching(/^Look event evt-1 up in CloudTrail's event history first/),
      },
      {
        id: 's2',
        action: { type: 'iam.attach-quarantine-policy', principalType: 'user', principalName: 'mallory', policyArn: QUARANTINE_ARN },
        target: `user mallory quarantine ${QUARANTINE_ARN}`,
        ruleIds: ['SES-CVE-001', 'SES-IDP-001'],
        reason: expect.stringMatching(/^Attach the quarantine policy .* to user mallory/),
        dependsOn: ['s1'],
      },
    ]);
  });

  it.each([
    { name: 'an expired exemption no longer protects the actor', exemption: { resource: userActor.arn ?? '', rules: ['SES-CVE-001' as const], expires: '2026-11-01', reason: 'old' } },
    { name: 'an exemption for another rule does not protect the actor', exemption: { resource: userActor.arn ?? '', rules: ['SES-IDP-001' as const], expires: '2027-11-01', reason: 'other rule' } },
  ])('$name', ({ exemption }) => {
    const cfg = config({ exemptions: [exemption] });
    const plan = planFor(input({ change: sendChange(userActor), state: sendState, judge: sendJudge(userActor), config: cfg }));
    expect(plan.steps.map((s) => s.action.type)).toEqual(['cloudtrail.verify-event', 'iam.attach-quarantine-policy']);
  });

  it('an assumed role known only by its session ARN is still quarantined by role name', () => {
    const actor = { type: 'AssumedRole' as const, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/alice`, accountId: ACCOUNT };
    const plan = planFor(input({ change: sendChange(actor), state: sendState, judge: sendJudge(actor) }));
    expect(plan.steps.slice(1).map((s) => s.action)).toEqual([
      { type: 'iam.attach-quarantine-policy', principalType: 'role', principalName: 'ops', policyArn: QUARANTINE_ARN },
      { type: 'iam.revoke-role-sessions', roleName: 'ops', before: NOW.toISOString(), policyArn: `${QUARANTINE_ARN}-revoke-sessions` },
    ]);
  });

  it('a sent verification email with a non-quarantine action cannot be undone: reported', () => {
    const finding = { ...quarantineFinding(userActor), action: 'revert' as const };
    const plan = planFor(input({ change: sendChange(userActor), state: sendState, judge: () => [], findings: [finding] }));
    expect(plan.steps).toEqual([]);
    expect(plan.notRepaired).toEqual([{ ruleId: 'SES-CVE-001', reason: 'action "revert" cannot undo a sent email; configure quarantine to act on the sender' }]);
  });
});
