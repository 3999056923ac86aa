import * as z from '../../zod.ts';
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

const UpdateTrustParams = z.object({ roleName: z.string().check(z.minLength(1)), policyDocument: z.optional(PolicyDocumentParam) });
const CreateRoleParams = z.object({ roleName: z.string().check(z.minLength(1)), path: z.optional(z.string()), assumeRolePolicyDocument: z.optional(PolicyDocumentParam) });

/** The guard's own roles are GUARD-001's (guard-integrity), never repaired by the guard. */
function ownRole(roleName: string, ctx: ParseContext): { notMine: string } | undefined {
  const arn = iamPrincipalArn(ctx.base.region, ctx.base.accountId, 'role', roleName);
  return isOwnRole({ arn }, ctx.options.ownRoleArns) ? { notMine: `role ${roleName} is one of the guard's own roles (GUARD-001 judges changes to it)` } : undefined;
}

/** The role and its trust policy as sent (UpdateAssumeRolePolicy `policyDocument`, CreateRole `assumeRolePolicyDocument`). */
function trustParser(operation: 'update-trust' | 'create-role') {
  return (ctx: ParseContext): ParserResult<IamGrantChange> => {
    if (operation === 'update-trust') {
      const p = parseParameters(UpdateTrustParams, ctx);
      if (!p.ok) return p.skip;
      return ownRole(p.value.roleName, ctx) ?? trustChange(ctx, { operation, roleName: p.value.roleName }, p.value.policyDocument);
    }
    const p = parseParameters(CreateRoleParams, ctx);
    if (!p.ok) return p.skip;
    const path = p.value.path !== undefined ? { path: p.value.path } : {};
    return ownRole(p.value.roleName, ctx) ?? trustChange(ctx, { operation, roleName: p.value.roleName, ...path }, p.value.assumeRolePolicyDocument);
  };
}

type TrustTarget = { operation: 'update-trust'; roleName: string } | { operation: 'create-role'; roleName: string; path?: string };

function trustChange(ctx: ParseContext, target: TrustTarget, document: unknown): IamGrantChange {
  const change: IamGrantChange = { ...ctx.base, family: 'iam-grant', ...target, ...(document !== undefined && { requestedTrustPolicy: document }) };
  return change;
}

export const IAM_TRUST_EVENTS: readonly EventParser<IamGrantChange>[] = [
  { eventSource: IAM, eventName: 'UpdateAssumeRolePolicy', family: 'iam-grant', parse: trustParser('update-trust') },
  { eventSource: IAM, eventName: 'CreateRole', family: 'iam-grant', parse: trustParser('create-role') },
];

/** The trust operations of the iam-grant family. */
export type TrustChange = Extract<IamGrantChange, { operation: 'update-trust' | 'create-role' }>;

export function isTrustChange(change: IamGrantChange): change is TrustChange {
  return change.operation === 'update-trust' || change.operation === 'create-role';
}
