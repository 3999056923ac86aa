import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { MemoryBaselineStore } from '../../baseline/memory-store.ts';
import { executePlan } from '../../remediation/execute.ts';
import { decideEvent, type GuardDeps } from '../../guard/decide.ts';
import type { Family } from '../family.ts';
import iamGrant from './index.ts';
import { readFileSync } from 'node:fs';

/**
 * The IAM family through the shared decision path, offline (state from the event and a sidecar). Each case
 * was reproduced against the previous code first: an unreadable grant came out COMPLIANT, and an inline
 * policy without a baseline was deleted whole, compliant statements included.
 */
const load = (name: string): Record<string, unknown> & { detail: { requestParameters: Record<string, unknown> } } =>
  JSON.parse(readFileSync(new URL(`../../../events/iam-grant/${name}.json`, import.meta.url), 'utf8'));

function deps(sidecar?: unknown): GuardDeps {
  return {
    config: parseConfig({ mode: 'dry-run' }),
    families: [iamGrant as Family],
    readState: async (change, family) => family.offlineState(change, sidecar),
    baseline: new MemoryBaselineStore(),
    execute: (plan, context) => executePlan(plan, { senders: new Map(), ...context, now: () => new Date() }),
    parseOptions: { ownRoleArns: [], guardResourcePrefix: 'sesguard-prod-' },
    now: () => new Date('2026-11-24T10:00:00Z'),
  };
}

const SES_FULL = 'arn:aws:iam::aws:policy/AmazonSESFullAccess';

describe('IAM grants the guard cannot read are invalid, never compliant', () => {
  it.each([
    { name: 'a trailing comma', document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"},]}' },
    { name: 'a UTF-8 byte order mark before the JSON', document: '\uFEFF{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"}]}' },
  ])('the attached policy has $name: invalid, and the reason names the policy', async ({ document }) => {
    const sidecar = { policies: { [SES_FULL]: document }, principals: [{ type: 'user', name: 'dev-bob', policies: [SES_FULL] }] };
    const decision = await decideEvent(load('attach-user-policy-ses-full-access-non-admin'), deps(sidecar));
    expect(decision.verdict).toBe('invalid');
    expect(decision.errors.join(' ')).toContain(`${SES_FULL}: Document: is not valid JSON`);
  });

  it('another policy of the principal does not parse: invalid too (the effective grant cannot be judged)', async () => {
    const other = 'inline:user/dev-bob/legacy';
    const sidecar = {
      policies: { [SES_FULL]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ses:*'], Resource: '*' }] }, [other]: '{"Statement": [' },
      principals: [{ type: 'user', name: 'dev-bob', policies: [SES_FULL, other] }],
    };
    const decision = await decideEvent(load('attach-user-policy-ses-full-access-non-admin'), deps(sidecar));
    expect(decision.verdict).toBe('invalid');
    expect(decision.errors.join(' ')).toContain(other);
  });
});

// Issue 11: the guard no longer writes the stripped inline policy back (PutRolePolicy on any role could write
// any document); it attaches its perimeter-deny policy and leaves the compliant statements working.
describe('an inline policy is repaired without writing it: perimeter-deny on its principal', () => {
  it('the statement that grants the perimeter is neutralised by perimeter-deny; the compliant one stays, untouched', async () => {
    const event = load('put-role-policy-ses-wildcard');
    const params = event.detail.requestParameters;
    const document = JSON.parse(String(params['policyDocument'])) as { Statement: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    params['policyDocument'] = JSON.stringify({ ...document, Statement: [...statements, { Sid: 'ReadLogs', Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' }] });
    const decision = await decideEvent(event, deps());
    expect(decision.verdict).toBe('noncompliant');
    expect(decision.plan?.steps.map((s) => s.action)).toEqual([
      { type: 'iam.attach-perimeter-deny', principalType: 'role', principalName: 'app-backend', policyArn: 'arn:aws:iam::111122223333:policy/sesguard-quarantine-perimeter-deny' },
    ]);
    expect(decision.plan?.explanation).toContain('proposed fix for a person: remove statement 0');
  });
});

describe('membership and attachment alerts show the link itself, not an unchanged policy document', () => {
  const sidecarOf = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../events/iam-grant/${name}.state.json`, import.meta.url), 'utf8'));

  it('AddUserToGroup: the document is the membership (there is no policy document of its own), so the alert has a diff to show', async () => {
    const name = 'add-user-to-group-mail-admins';
    const decision = await decideEvent(load(name), deps(sidecarOf(name)));
    expect(decision.verdict).toBe('noncompliant');
    expect(JSON.parse(decision.before ?? 'null')).toEqual({ user: 'arn:aws:iam::111122223333:user/ci-legacy', group: 'mail-admins', member: true });
    expect(decision.plan?.steps.map((s) => s.action.type)).toEqual(['iam.remove-user-from-group']);
  });

  it('AttachUserPolicy: the document is the attachment', async () => {
    const name = 'attach-user-policy-ses-full-access-non-admin';
    const decision = await decideEvent(load(name), deps(sidecarOf(name)));
    expect(JSON.parse(decision.before ?? 'null')).toEqual({ principal: 'arn:aws:iam::111122223333:user/dev-bob', policy: SES_FULL, attached: true });
  });
});
