import { parsePolicy } from '../../policy/index.ts';
import type { IamPolicyInEffect } from './types.ts';
import { PERIMETER_ACTIONS } from './rules.ts';

/**
 * The document of the guard's perimeter-deny policy (name: lib/remediation/quarantine/perimeter-deny.ts),
 * derived from IAM-SES-001's own action catalogue, so the Deny covers exactly what the rule judges a grant
 * of: a new perimeter action in the rule is a new action in the Deny at the next deploy. Sending
 * (ses:SendEmail, ses:SendRawEmail) is not a perimeter action and is never denied: the principal keeps
 * sending its mail. The principal also cannot detach the policy itself. `ownArn` is the policy's ARN as
 * the caller writes it (a CloudFormation Fn::Sub in the template, a string in the planner).
 */
export function perimeterDenyDocument<A>(ownArn: A): { Version: '2012-10-17'; Statement: Array<Record<string, unknown>> } {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'NoSesPerimeter', Effect: 'Deny', Action: [...PERIMETER_ACTIONS], Resource: '*' },
      {
        Sid: 'CannotDetachPerimeterDeny',
        Effect: 'Deny',
        Action: ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachGroupPolicy'],
        Resource: '*',
        Condition: { ArnEquals: { 'iam:PolicyARN': [ownArn] } },
      },
    ],
  };
}

/** The perimeter-deny policy as the reader would show it attached (for the planner's candidate states). */
export function perimeterDenyInEffect(policyArn: string, viaGroup?: string): IamPolicyInEffect {
  const rawDocument = JSON.stringify(perimeterDenyDocument(policyArn));
  const parsed = parsePolicy(rawDocument);
  if (!parsed.ok) throw new Error(`the perimeter-deny document does not parse: ${parsed.errors.map((e) => JSON.stringify(e)).join('; ')}`);
  return { source: policyArn, kind: 'managed', versionId: 'v1', rawDocument, document: parsed.policy, ...(viaGroup !== undefined && { viaGroup }) };
}
