import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decideEvent } from '../guard/decide.ts';
import { MemoryBaselineStore } from '../baseline/memory-store.ts';
import { FAMILY_LIST, RULES } from '../families/index.ts';
import { parseConfig } from './validate.ts';
import { RULE_CONTRACTS } from './rule-contracts.ts';
import { guardPolicyNames } from '../remediation/quarantine/perimeter-deny.ts';
import type { RuleAction, RuleId } from './schema.ts';

const EVENTS = fileURLToPath(new URL('../../events/', import.meta.url));

/** A sample event each rule fires on (offline: the payload, plus the IAM sidecar where there is one). */
const FIRES_ON: Partial<Record<RuleId, string>> = {
  'SES-IDP-001': 'identity-policy/v2-create-policy-public-principal.json',
  'SES-IDP-002': 'identity-policy/v2-update-policy-outside-account.json',
  'SES-IDP-004': 'identity-policy/v1-put-policy-identity-arn-grants-put-identity-policy.json',
  'SES-IDP-005': 'identity-policy/v2-create-policy-public-principal.json',
  'SES-EVD-001': 'event-destination/v2-create-sns-cross-account.json',
  'SES-CVE-001': 'custom-verification/send-by-non-admin-user.json',
  'SES-CVE-002': 'custom-verification/v2-update-template-untrusted-redirect.json',
  'IAM-SES-001': 'iam-grant/attach-user-policy-ses-full-access-non-admin.json',
  'IAM-SES-002': 'iam-grant/put-group-policy-send-any-identity.json',
  'IAM-SES-003': 'iam-grant/update-assume-role-policy-mail-admin-outside-account.json',
  'GUARD-001': 'guard-integrity/iam-detach-user-policy-quarantine.json',
};

async function decideWith(file: string, rule: RuleId, action: RuleAction) {
  const path = `${EVENTS}${file}`;
  const sidecarPath = path.replace(/\.json$/, '.state.json');
  const sidecar: unknown = existsSync(sidecarPath) ? JSON.parse(readFileSync(sidecarPath, 'utf8')) : undefined;
  const config = parseConfig({ mode: 'enforce', trustedDomains: ['example.com'], rules: { [rule]: { action } } });
  return decideEvent(JSON.parse(readFileSync(path, 'utf8')), {
    config,
    families: FAMILY_LIST,
    readState: (change, family) => Promise.resolve(family.offlineState(change, sidecar)),
    baseline: new MemoryBaselineStore(),
    execute: () => Promise.resolve({ results: [], rereadCompliant: true }),
    parseOptions: {
      ownRoleArns: ['arn:aws:iam::111122223333:role/sesguard-prod-identity-policy'],
      guardResourcePrefix: 'sesguard-prod-',
      guardPolicyNames: guardPolicyNames(config.quarantinePolicyName),
    },
    now: () => new Date('2026-11-24T12:00:00Z'),
  });
}

describe('rule contracts (what config may ask of each rule)', () => {
  it('every registered rule has a contract that lists its default action', () => {
    for (const rule of RULES) {
      const contract = RULE_CONTRACTS[rule.id];
      expect(contract, rule.id).toBeDefined();
      expect(contract.actions, rule.id).toContain(rule.defaultAction);
    }
    expect(Object.keys(RULE_CONTRACTS).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  const cases = (Object.entries(FIRES_ON) as Array<[RuleId, string]>).flatMap(([rule, file]) =>
    RULE_CONTRACTS[rule].actions.filter((a) => a !== 'alert').map((action) => ({ rule, action, file })),
  );

  it.each(cases)('$rule with action $action is carried out by its planner ($file)', async ({ rule, action, file }) => {
    const decision = await decideWith(file, rule, action);
    const finding = decision.findings.find((f) => f.ruleId === rule);
    expect(finding?.action, `${rule} did not fire on ${file}`).toBe(action);
    // A finding the planner cannot act on is listed as not repaired ("action ... does not apply"); a
    // contract action must never end there. The planner may still decline for this state (quarantine of an
    // IAM Identity Center role, a revert with no baseline recorded): that is a judgement about the case, not
    // an action the rule lacks, and it says why.
    const unsupported = decision.plan?.notRepaired.filter((n) => n.ruleId === rule && /does not apply|cannot undo/.test(n.reason)) ?? [];
    expect(unsupported, JSON.stringify(unsupported)).toEqual([]);
    const acted = decision.plan?.steps.some((s) => s.ruleIds.includes(rule)) ?? false;
    const declinedWithReason = decision.plan?.notRepaired.some((n) => n.ruleId === rule && n.reason.length > 0) ?? false;
    expect(acted || declinedWithReason).toBe(true);
  });
});
