import type { Config, RuleAction, RuleId, Severity } from '../config/schema.ts';
import type { Actor } from '../cloudtrail/types.ts';

/** What every family state has: its kind (lib/families/<family>/types.ts defines the rest). */
export interface ResourceState {
  kind: string;
}

/** What a finding asks to change. Family planners turn fixes into concrete steps. */
export type Fix =
  | { kind: 'drop-statement'; statementIndex: number; sid?: string }
  | { kind: 'remove-destination'; configurationSet: string; destinationName: string }
  | { kind: 'revert-template'; templateName: string }
  | { kind: 'quarantine-actor'; actor: Actor }
  /** Revert the IAM grant the change made (detach, delete inline, roll back version, remove from group). */
  | { kind: 'revert-grant'; policySource: string; principalArn?: string; statementIndex?: number }
  /** A repair only the family's planner knows how to make (a family with no fix kind of its own here). */
  | { kind: 'repair'; what: string }
  | { kind: 'none'; note: string };

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  /** The configured action for this rule (default or override). */
  action: RuleAction;
  /** ARN of the resource judged (identity, configuration set, template, policy, principal). */
  resource: string;
  statement?: { index: number; sid?: string };
  /** One sentence a security engineer understands. */
  reason: string;
  fix: Fix;
  /** Present when an exemption matched: the finding is reported but not repaired. */
  exemption?: { reason: string; expires: string };
}

/** Everything a rule may look at besides the state. `now` is passed in so rules stay pure. */
export interface RuleContext {
  config: Config;
  /** The account the resource lives in; also trusted when config.trustedAccounts is empty. */
  accountId: string;
  region: string;
  now: Date;
  /** The actor, for rules that judge who acted (SES-CVE-001). */
  actor?: Actor;
  /** ARNs of the guard's own roles, exactly as deployed: never a non-administrator to flag or quarantine. */
  ownRoleArns?: readonly string[];
}

/** A registered rule: a small named unit, as in DESIGN.md §3. `S` is its family's state. */
export interface Rule<S extends ResourceState = ResourceState> {
  id: RuleId;
  title: string;
  /** Which state kinds of the family the rule judges. */
  appliesTo: ReadonlyArray<S['kind']>;
  defaultSeverity: Severity;
  defaultAction: RuleAction;
  /** Pure: returns findings without severity/action/exemption resolution (judge applies those). */
  evaluate(state: S, ctx: RuleContext): RawFinding[];
}

export type RawFinding = Omit<Finding, 'severity' | 'action' | 'exemption' | 'ruleId'>;
