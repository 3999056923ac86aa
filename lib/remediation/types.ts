/**
 * A Plan is data: the ordered steps the executor will take, each explained. dry-run keeps the plan and
 * marks it would-do, so the alert says exactly what enforcement would have done.
 */

export type StepAction =
  // SES identity policies (sesv2)
  | { type: 'ses.put-identity-policy'; identity: string; policyName: string; document: string; op: 'create' | 'update' }
  | { type: 'ses.delete-identity-policy'; identity: string; policyName: string }
  // SES event destinations (sesv2)
  | { type: 'ses.delete-event-destination'; configurationSet: string; destinationName: string }
  | { type: 'ses.update-event-destination'; configurationSet: string; destinationName: string; destination: Record<string, unknown> }
  // SES custom verification templates (sesv2)
  | { type: 'ses.update-verification-template'; templateName: string; template: { fromEmailAddress: string; templateSubject: string; templateContent: string; successRedirectionURL: string; failureRedirectionURL: string } }
  | { type: 'ses.delete-verification-template'; templateName: string }
  // IAM
  | { type: 'iam.detach-policy'; principalType: 'user' | 'role' | 'group'; principalName: string; policyArn: string }
  | { type: 'iam.put-inline-policy'; principalType: 'user' | 'role' | 'group'; principalName: string; policyName: string; document: string }
  | { type: 'iam.delete-inline-policy'; principalType: 'user' | 'role' | 'group'; principalName: string; policyName: string }
  | { type: 'iam.set-default-policy-version'; policyArn: string; versionId: string }
  | { type: 'iam.delete-policy-version'; policyArn: string; versionId: string }
  | { type: 'iam.remove-user-from-group'; groupName: string; userName: string }
  /** Quarantine: attach the configured deny policy to the acting user or role. */
  | { type: 'iam.attach-quarantine-policy'; principalType: 'user' | 'role'; principalName: string; policyArn: string }
  /** For assumed roles: deny sessions issued before `before` (inline policy on the role). */
  | { type: 'iam.revoke-role-sessions'; roleName: string; before: string; policyName: string };

export interface PlanStep {
  /** Stable within the plan: `s1`, `s2`, ... */
  id: string;
  action: StepAction;
  /** Why: the rule ids and a sentence. */
  ruleIds: string[];
  reason: string;
  /**
   * Steps that must be `done` before this one may run (e.g. deleting a policy version only after the
   * default moved away from it). The executor skips this step, with the reason, when one of them is not.
   */
  dependsOn?: string[];
}

export type Strategy = 'none' | 'revert' | 'strip' | 'delete' | 'remove-destination' | 'disable-destination' | 'restore-destination' | 'revert-template' | 'quarantine' | 'revert-grant' | 'alert-only';

export interface Plan {
  strategy: Strategy;
  steps: PlanStep[];
  dryRun: boolean;
  /** One or two sentences: what will be done and why that strategy (e.g. why no revert was possible). */
  explanation: string;
  /** Findings deliberately not repaired (exempt, alert-only) with the reason. */
  notRepaired: Array<{ ruleId: string; reason: string }>;
}

export type StepOutcome = 'done' | 'failed' | 'skipped' | 'would-do';

export interface StepResult {
  stepId: string;
  action: StepAction['type'];
  outcome: StepOutcome;
  /** failed: the AWS error name and message; skipped: why. */
  detail?: string;
  at: string;
}
