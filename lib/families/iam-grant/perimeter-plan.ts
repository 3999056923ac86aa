import { resourceFindings, uniqueRuleIds } from '../../remediation/compliance.ts';
import { perimeterDenyPolicyArn } from '../../remediation/quarantine/perimeter-deny.ts';
import { draftStep } from '../../remediation/step.ts';
import type { DraftStep, FamilyPlanInput } from '../../remediation/types.ts';
import type { Finding } from '../../rules/types.ts';
import { perimeterDenyInEffect } from './perimeter-deny.ts';
import { ATTACH_PERIMETER_DENY, type AttachPerimeterDeny } from './steps.ts';
import type { IamGrantChange, IamGrantState, IamPrincipalRef } from './types.ts';

/**
 * The repair every IAM grant of perimeter actions shares when the grant itself cannot simply be undone
 * (an inline policy, a managed policy with no compliant version, a trust policy): attach the guard's
 * static perimeter-deny policy where the grant reaches the principal. The Deny takes exactly the
 * perimeter back; every other statement keeps working. Judged before it is planned: the candidate state
 * with perimeter-deny attached must leave no finding, or the planner says what else is needed.
 */

type Input = FamilyPlanInput<IamGrantChange, IamGrantState>;

export const key = (p: IamPrincipalRef): string => `${p.type}/${p.name}`;
export const who = (p: IamPrincipalRef): string => `${p.type} ${p.name}`;

/** The state as IAM would show it with perimeter-deny attached at `points` (a group's members get it through the group). */
export function withPerimeterDeny(state: IamGrantState, points: readonly IamPrincipalRef[], policyArn: string): IamGrantState {
  const at = new Set(points.map(key));
  const groups = new Set(points.filter((p) => p.type === 'group').map((p) => p.name));
  return {
    ...state,
    principals: state.principals.map((principal) => {
      const added = [];
      if (at.has(key(principal.principal))) added.push(perimeterDenyInEffect(policyArn));
      if (principal.principal.type === 'user') {
        const memberOf = new Set([...(principal.groups ?? []), ...principal.policies.flatMap((p) => (p.viaGroup !== undefined ? [p.viaGroup] : []))]);
        for (const group of groups) if (memberOf.has(group)) added.push(perimeterDenyInEffect(policyArn, group));
      }
      return added.length === 0 ? principal : { ...principal, policies: [...principal.policies, ...added] };
    }),
  };
}

export interface PerimeterDenyPlan {
  policyArn: string;
  steps: DraftStep[];
  /** Findings perimeter-deny would leave (a rule that judges more than the perimeter, e.g. IAM-SES-002 set to revert). */
  left: Finding[];
}

/**
 * One attach step per point, each with what to remove instead when IAM's managed-policy quota of that
 * principal is full (`ifQuotaFull`, only where nothing legitimate would be lost).
 */
export function planPerimeterDeny(
  input: Input,
  points: readonly IamPrincipalRef[],
  findings: readonly Finding[],
  reason: (point: IamPrincipalRef, policyArn: string) => string,
  ifQuotaFull?: (point: IamPrincipalRef) => AttachPerimeterDeny['ifQuotaFull'],
): PerimeterDenyPlan {
  const policyArn = perimeterDenyPolicyArn(input.change, input.config);
  const ruleIds = uniqueRuleIds([...findings]);
  const steps = points.map((point) => {
    const fallback = ifQuotaFull?.(point);
    const action: AttachPerimeterDeny = {
      type: 'iam.attach-perimeter-deny',
      principalType: point.type,
      principalName: point.name,
      policyArn,
      ...(fallback && { ifQuotaFull: fallback }),
    };
    return draftStep(ATTACH_PERIMETER_DENY, action, { ruleIds, reason: reason(point, policyArn) });
  });
  const left = resourceFindings(input.judge(withPerimeterDeny(input.state, points, policyArn)));
  return { policyArn, steps, left };
}
