import type { RuleAction, RuleId, Severity } from './schema.ts';

/**
 * What config may ask of each rule. A rule's findings can only be answered by the repairs its family's
 * planner knows how to make; an override naming any other action would validate and then leave a finding
 * "not repaired" in production (SES-IDP-001 with `remove-destination`), so it is a config error instead.
 * `alert` (report, change nothing) is always allowed, and so is `quarantine` (the shared planner denies the
 * acting principal SES, lib/remediation/quarantine) wherever a change has an actor, except where noted.
 *
 * Kept here, next to the schema, rather than on the rule objects: the config is validated at cold start
 * by every Lambda function, and none of them may load the other families' rules to do it. A test
 * (rule-contracts.test.ts) holds each registered rule to its contract: its default action is listed, and
 * every listed action is one its family's planner carries out.
 */
export interface RuleContract {
  /** The actions config may choose for this rule. */
  actions: readonly RuleAction[];
  /**
   * Config may not weaken this rule: it cannot be disabled, exempted, or given another severity; its action
   * list is still the contract for its action.
   */
  locked?: { severity: Severity; why: string };
}

const DOCUMENT_REPAIRS: readonly RuleAction[] = ['revert', 'strip', 'delete', 'quarantine', 'alert'];

export const RULE_CONTRACTS: Readonly<Record<RuleId, RuleContract>> = {
  // Identity policies: revert to the baseline, strip the offending statements, or delete the policy.
  'SES-IDP-001': { actions: DOCUMENT_REPAIRS },
  'SES-IDP-002': { actions: DOCUMENT_REPAIRS },
  'SES-IDP-003': { actions: DOCUMENT_REPAIRS },
  'SES-IDP-004': { actions: DOCUMENT_REPAIRS },
  'SES-IDP-005': { actions: DOCUMENT_REPAIRS },
  'SES-IDP-006': { actions: DOCUMENT_REPAIRS },
  // An event destination has no statements to strip: restore it, remove it or disable it.
  'SES-EVD-001': { actions: ['remove-destination', 'disable-destination', 'revert', 'delete', 'quarantine', 'alert'] },
  // A sent verification email cannot be unsent: only its sender can be stopped.
  'SES-CVE-001': { actions: ['quarantine', 'alert'] },
  // A template's addresses are single values: restore it or delete it.
  'SES-CVE-002': { actions: ['revert', 'delete', 'quarantine', 'alert'] },
  // IAM grants: undo the grant (detach, roll back, remove from group); an inline policy can also be stripped.
  'IAM-SES-001': { actions: DOCUMENT_REPAIRS },
  'IAM-SES-002': { actions: DOCUMENT_REPAIRS },
  // A role's trust policy is never written by the guard (iam-grant/trust-plan.ts): `revert` attaches the
  // perimeter-deny policy to the role and proposes the baseline trust policy to a person, who decides who
  // may assume it.
  'IAM-SES-003': { actions: ['revert', 'quarantine', 'alert'] },
  // GUARD-001 alerts on every change to the guard, always critical; its one repair puts back a quarantine a
  // non-administrator took off (guard-integrity/plan.ts), which `alert` turns into a report (still critical).
  'GUARD-001': {
    actions: ['revert', 'alert'],
    locked: {
      severity: 'critical',
      why: 'it is how the guard reports being disabled, deleted or rerouted, and how it puts back a quarantine taken off; a config that could weaken it would let anyone who can edit the config turn the guard off unseen',
    },
  },
};

/** Rules config may not weaken. */
export const LOCKED_RULES: readonly RuleId[] = (Object.keys(RULE_CONTRACTS) as RuleId[]).filter((id) => RULE_CONTRACTS[id].locked !== undefined);
