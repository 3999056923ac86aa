import { z } from 'zod';
import { PolicyDocumentParam, parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import { iamPrincipalArn } from '../../aws/arns.ts';
import { isOwnRole } from '../../cloudtrail/own-role.ts';
import type { IamGrantChange } from './types.ts';

/**
 * IAM-SES-003: who may assume a role is the other half of what the role can do. A trust policy that lets
 * another account (or anyone) assume a role holding SES perimeter actions hands them those actions with
 * no SES or IAM-policy event at all. UpdateAssumeRolePolicy carries the new document as sent; CreateRole
 * the first one. https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
 */
const IAM = 'iam.amazonaws.com';

const UpdateTrustParams = z.object({ roleName: z.string().min(1), policyDocument: PolicyDocumentParam.optional() });
const CreateRoleParams = z.object({ roleName: z.string().min(1), path: z.string().optional(), assumeRolePolicyDocument: PolicyDocumentParam.optional() });

/** The guard's own roles are GUARD-001's (guard-integrity), never repaired by the guard. */
function ownRole(roleName: string, ctx: ParseContext): { notMine: string } | undefined {
  const arn = iamPrincipalArn(ctx.base.region, ctx.base.accountId, 'role', roleName);
  return isOwnRole({ arn }, ctx.options.ownRoleArns) ? { notMine: `role ${roleName} is one of the guard's own roles (GUARD-001 judges changes to it)` } : undefined;
}

function parseUpdateTrust(ctx: ParseContext): ParserResult<IamGrantChange> {
  const p = parseParameters(UpdateTrustParams, ctx);
  if (!p.ok) return p.skip;
  const mine = ownRole(p.value.roleName, ctx);
  if (mine) return mine;
  const change: IamGrantChange = {
    ...ctx.base,
    family: 'iam-grant',
    operation: 'update-trust',
    roleName: p.value.roleName,
    ...(p.value.policyDocument !== undefined && { requestedTrustPolicy: p.value.policyDocument }),
  };
  return change;
}

function parseCreateRole(ctx: ParseContext): ParserResult<IamGrantChange> {
  const p = parseParameters(CreateRoleParams, ctx);
  if (!p.ok) return p.skip;
  const mine = ownRole(p.value.roleName, ctx);
  if (mine) return mine;
  const change: IamGrantChange = {
    ...ctx.base,
    family: 'iam-grant',
    operation: 'create-role',
    roleName: p.value.roleName,
    ...(p.value.path !== undefined && { path: p.value.path }),
    ...(p.value.assumeRolePolicyDocument !== undefined && { requestedTrustPolicy: p.value.assumeRolePolicyDocument }),
  };
  return change;
}

export const IAM_TRUST_EVENTS: readonly EventParser<IamGrantChange>[] = [
  { eventSource: IAM, eventName: 'UpdateAssumeRolePolicy', family: 'iam-grant', parse: parseUpdateTrust },
  { eventSource: IAM, eventName: 'CreateRole', family: 'iam-grant', parse: parseCreateRole },
];

/** The trust operations of the iam-grant family. */
export type TrustChange = Extract<IamGrantChange, { operation: 'update-trust' | 'create-role' }>;

export function isTrustChange(change: IamGrantChange): change is TrustChange {
  return change.operation === 'update-trust' || change.operation === 'create-role';
}
