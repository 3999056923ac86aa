import { describe, expect, it } from 'vitest';
import { InvalidStateSidecarError, StateUnavailableOfflineError } from './state-errors.ts';
import type { IamGrantState } from './iam-grant/types.ts';
import type { Change } from '../cloudtrail/types.ts';
import { familyById, type KnownState } from './index.ts';

/** The offline state of a change, from its family (what `sesguard replay` reads without --live). */
function readOfflineState(change: Change, sidecar?: unknown): KnownState {
  const family = familyById(change.family);
  if (!family) throw new Error(`no family ${change.family}`);
  return family.offlineState(change, sidecar) as KnownState;
}
import { ACCOUNT, eventDestinationChange, guardChange, iamChange, identityPolicyChange, sendChange, templateChange } from '../../test/support/changes.ts';

const POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' }],
};
const POLICY_TEXT = JSON.stringify(POLICY);
const SES_FULL = 'arn:aws:iam::aws:policy/AmazonSESFullAccess';
const SES_FULL_DOC = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:*', Resource: '*' }] };
const MARKETING = `arn:aws:iam::${ACCOUNT}:policy/Marketing`;

function iam(state: KnownState): IamGrantState {
  if (state.kind !== 'iam-grant') throw new Error(`expected iam-grant, got ${state.kind}`);
  return state;
}

const holdings = (state: IamGrantState) => state.principals.map((p) => [`${p.principal.type}/${p.principal.name}`, p.arn, p.policies.map((policy) => (policy.viaGroup ? `${policy.source} via ${policy.viaGroup}` : policy.source))]);

describe('readOfflineState: SES families from the event payload', () => {
  it.each([
    { name: 'a policy sent as JSON (v2 CreateEmailIdentityPolicy)', requestedPolicy: POLICY },
    { name: 'a policy sent as text (v1 PutIdentityPolicy)', requestedPolicy: POLICY_TEXT },
    { name: 'a policy sent URL-encoded', requestedPolicy: encodeURIComponent(POLICY_TEXT) },
  ])('identity policy: $name is the state judged', ({ requestedPolicy }) => {
    const state = readOfflineState(identityPolicyChange({ requestedPolicy }));
    expect(state).toMatchObject({ kind: 'identity-policy', identityArn: `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/example.com`, policyName: 'SendOnly', rawDocument: POLICY_TEXT });
    expect(state.kind === 'identity-policy' && state.document?.statements[0]?.principal?.wildcard).toBe(true);
  });

  it('identity policy without a document in the payload: StateUnavailableOfflineError asking for --live', () => {
    expect(() => readOfflineState(identityPolicyChange())).toThrow(StateUnavailableOfflineError);
    expect(() => readOfflineState(identityPolicyChange())).toThrow(/--live/);
  });

  it('event destination: the requested definition (v2 shape) with the target name', () => {
    const state = readOfflineState(
      eventDestinationChange({ requestedDestination: { name: 'to-sns', enabled: true, matchingEventTypes: ['SEND'], snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:999988887777:t' } } }),
    );
    expect(state).toEqual({
      kind: 'event-destination',
      configurationSet: 'transactional',
      configurationSetArn: `arn:aws:ses:eu-west-1:${ACCOUNT}:configuration-set/transactional`,
      destination: { name: 'to-sns', enabled: true, matchingEventTypes: ['SEND'], snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:999988887777:t' } },
    });
  });

  it('event destination with no definition in the payload: StateUnavailableOfflineError (the parser validated any definition it found)', () => {
    expect(() => readOfflineState(eventDestinationChange())).toThrow(StateUnavailableOfflineError);
    expect(() => readOfflineState(eventDestinationChange())).toThrow(/--live/);
  });

  it('verification template: From address and redirect URLs from the payload (the body is not recorded)', () => {
    const requestedTemplate = { fromEmailAddress: 'v@example.com', templateSubject: 'Verify', successRedirectionURL: 'https://example.com/ok', failureRedirectionURL: 'https://evil.example/fail' };
    expect(readOfflineState(templateChange({ requestedTemplate }))).toEqual({
      kind: 'verification-template',
      templateName: 'welcome',
      templateArn: `arn:aws:ses:eu-west-1:${ACCOUNT}:custom-verification-email-template/welcome`,
      template: { ...requestedTemplate, templateContent: '' },
    });
  });

  it('a v1 partial template update: the fields it did not send are unknown, not empty', () => {
    const change = templateChange({ apiVersion: 'v1', requestedTemplate: { fromEmailAddress: 'v@example.com' } });
    expect(() => readOfflineState(change)).toThrow(StateUnavailableOfflineError);
    expect(() => readOfflineState(change)).toThrow(/successRedirectionURL, failureRedirectionURL/);
  });

  it('custom verification send and guard integrity come from the change', () => {
    expect(readOfflineState(sendChange())).toEqual({ kind: 'custom-verification-send', templateName: 'welcome', emailAddress: 'victim@example.org' });
    const guard = guardChange();
    expect(readOfflineState(guard)).toEqual({ kind: 'guard-integrity', change: guard });
  });
});

describe('readOfflineState: IAM from the payload and the sidecar', () => {
  const sidecar = {
    policies: {
      [SES_FULL]: SES_FULL_DOC,
      [MARKETING]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }] },
      'inline:user/alice/own': encodeURIComponent(POLICY_TEXT),
    },
    principals: [
      { type: 'user', name: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/eng/alice`, policies: ['inline:user/alice/own'], groups: ['mailers'] },
      { type: 'group', name: 'mailers', policies: [MARKETING], members: ['bob'] },
      { type: 'role', name: 'campaigns', policies: [MARKETING] },
    ],
    versions: [
      { versionId: 'v3', isDefault: true, createDate: '2026-11-24T06:00:00Z' },
      { versionId: 'v2', isDefault: false, document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] } },
    ],
  };

  it('attach with no sidecar: the payload has no document, so --live is needed', () => {
    const change = iamChange({ operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: SES_FULL });
    expect(() => readOfflineState(change)).toThrow(StateUnavailableOfflineError);
    expect(() => readOfflineState(change)).toThrow(new RegExp(`${SES_FULL}.*--live`));
  });

  it('attach to a user: the sidecar document, and the user set with the attachment, own policies and group policies', () => {
    const state = iam(readOfflineState(iamChange({ operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: SES_FULL }), sidecar));
    expect(state.changedPolicy).toMatchObject({ source: SES_FULL, kind: 'managed', rawDocument: JSON.stringify(SES_FULL_DOC) });
    expect(state.changedPolicy?.document).not.toBeNull();
    expect(holdings(state)).toEqual([[`user/alice`, `arn:aws:iam::${ACCOUNT}:user/eng/alice`, ['inline:user/alice/own', SES_FULL, `${MARKETING} via mailers`]]]);
    // URL-encoded documents in the sidecar are decoded, as IAM's are.
    expect(state.principals[0]?.policies[0]?.rawDocument).toBe(POLICY_TEXT);
  });

  it('attach to a group: the group, then members from either side of the sidecar', () => {
    const state = iam(readOfflineState(iamChange({ operation: 'attach', principal: { type: 'group', name: 'mailers' }, policyArn: SES_FULL }), sidecar));
    expect(holdings(state)).toEqual([
      ['group/mailers', `arn:aws:iam::${ACCOUNT}:group/mailers`, [MARKETING, SES_FULL]],
      ['user/bob', `arn:aws:iam::${ACCOUNT}:user/bob`, [`${MARKETING} via mailers`, `${SES_FULL} via mailers`]],
      ['user/alice', `arn:aws:iam::${ACCOUNT}:user/eng/alice`, ['inline:user/alice/own', `${MARKETING} via mailers`, `${SES_FULL} via mailers`]],
    ]);
  });

  it('put-inline needs no sidecar: the payload carries the document', () => {
    const state = iam(readOfflineState(iamChange({ operation: 'put-inline', principal: { type: 'role', name: 'app' }, policyName: 'ses', requestedPolicy: POLICY_TEXT })));
    expect(state.changedPolicy).toMatchObject({ source: 'inline:role/app/ses', kind: 'inline', rawDocument: POLICY_TEXT });
    expect(holdings(state)).toEqual([['role/app', `arn:aws:iam::${ACCOUNT}:role/app`, ['inline:role/app/ses']]]);
  });

  it('create-version set as default: the requested document, holders from the sidecar, the versions', () => {
    const state = iam(readOfflineState(iamChange({ operation: 'create-version', policyArn: MARKETING, versionId: 'v3', setAsDefault: true, requestedPolicy: SES_FULL_DOC }), sidecar));
    expect(state.changedPolicy).toMatchObject({ source: MARKETING, versionId: 'v3', rawDocument: JSON.stringify(SES_FULL_DOC) });
    expect(holdings(state).map(([who]) => who)).toEqual(['group/mailers', 'user/bob', 'user/alice', 'role/campaigns']);
    // Every holder sees the new document.
    expect(state.principals[3]?.policies[0]?.rawDocument).toBe(JSON.stringify(SES_FULL_DOC));
    // Each version with the document the rollback would judge: the new default's, and the sidecar's for v2.
    expect(state.versions?.map(({ versionId, isDefault, createDate, rawDocument }) => ({ versionId, isDefault, createDate, rawDocument }))).toEqual([
      { versionId: 'v3', isDefault: true, createDate: '2026-11-24T06:00:00Z', rawDocument: JSON.stringify(SES_FULL_DOC) },
      { versionId: 'v2', isDefault: false, createDate: undefined, rawDocument: JSON.stringify(sidecar.versions[1]?.document) },
    ]);
  });

  it('create-version not set as default: the default in effect is judged, which only the sidecar knows', () => {
    const change = iamChange({ operation: 'create-version', policyArn: MARKETING, versionId: 'v4', setAsDefault: false, requestedPolicy: SES_FULL_DOC });
    expect(() => readOfflineState(change)).toThrow(StateUnavailableOfflineError);
    const state = iam(readOfflineState(change, sidecar));
    expect(state.changedPolicy).toMatchObject({ versionId: 'v3', rawDocument: JSON.stringify(sidecar.policies[MARKETING]) });
  });

  it('set-default-version: the named version document from the sidecar versions', () => {
    const state = iam(readOfflineState(iamChange({ operation: 'set-default-version', policyArn: MARKETING, versionId: 'v2' }), sidecar));
    expect(state.changedPolicy).toMatchObject({ versionId: 'v2', rawDocument: JSON.stringify(sidecar.versions[1]?.document) });
    // Without that version's document, nor the policy's, the document in effect is unknown.
    const { versions: _versions, ...withoutVersions } = sidecar;
    const unknown = iamChange({ operation: 'set-default-version', policyArn: `arn:aws:iam::${ACCOUNT}:policy/Unknown`, versionId: 'v2' });
    expect(() => readOfflineState(unknown, withoutVersions)).toThrow(StateUnavailableOfflineError);
  });

  it('add-to-group: the group policies the user gains, and the user set including them', () => {
    const state = iam(readOfflineState(iamChange({ operation: 'add-to-group', groupName: 'mailers', userName: 'carol' }), sidecar));
    expect(state.changedPolicy).toBeNull();
    expect(state.gainedPolicies?.map((p) => [p.source, p.viaGroup])).toEqual([[MARKETING, 'mailers']]);
    expect(holdings(state)).toEqual([['user/carol', `arn:aws:iam::${ACCOUNT}:user/carol`, [`${MARKETING} via mailers`]]]);
    expect(() => readOfflineState(iamChange({ operation: 'add-to-group', groupName: 'mailers', userName: 'carol' }))).toThrow(StateUnavailableOfflineError);
  });

  it('is pure: the same input gives the same state and the sidecar is not changed', () => {
    const copy = structuredClone(sidecar);
    const change = iamChange({ operation: 'attach', principal: { type: 'group', name: 'mailers' }, policyArn: SES_FULL });
    expect(readOfflineState(change, sidecar)).toEqual(readOfflineState(change, sidecar));
    expect(sidecar).toEqual(copy);
  });
});

describe('readOfflineState: sidecar validation names the field', () => {
  const attach = iamChange({ operation: 'attach', principal: { type: 'user', name: 'alice' }, policyArn: SES_FULL });
  it.each([
    { name: 'a principal holding a policy with no document', sidecar: { policies: {}, principals: [{ type: 'user', name: 'alice', policies: [SES_FULL] }] }, field: 'principals.0.policies.0' },
    { name: 'a policy id that is neither an ARN nor an inline id', sidecar: { policies: { AmazonSESFullAccess: {} } }, field: 'policies.AmazonSESFullAccess' },
    { name: 'a user in a group the sidecar does not describe', sidecar: { principals: [{ type: 'user', name: 'alice', groups: ['ghosts'] }] }, field: 'principals.0.groups.0' },
    { name: 'members on a user', sidecar: { principals: [{ type: 'user', name: 'alice', members: ['bob'] }] }, field: 'principals.0.members' },
    { name: 'an unknown key (a typo must not be ignored)', sidecar: { polices: {} }, field: 'polices' },
    { name: 'two default versions', sidecar: { versions: [{ versionId: 'v1', isDefault: true }, { versionId: 'v2', isDefault: true }] }, field: 'versions' },
    { name: 'a principal listed twice', sidecar: { principals: [{ type: 'role', name: 'a' }, { type: 'role', name: 'a' }] }, field: 'principals.1' },
    { name: 'not an object', sidecar: [], field: '(sidecar)' },
  ])('$name -> $field', ({ sidecar, field }) => {
    expect(() => readOfflineState(attach, sidecar)).toThrow(InvalidStateSidecarError);
    expect(() => readOfflineState(attach, sidecar)).toThrow(field);
  });
});
