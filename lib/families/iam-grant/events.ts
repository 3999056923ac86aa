import * as z from '../../zod.ts';
import { isOwnRole } from '../../cloudtrail/own-role.ts';
import { iamPrincipalArn } from '../../aws/arns.ts';
import { PolicyDocumentParam, parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import type { IamGrantChange, IamPrincipalRef } from './types.ts';
import { IAM_TRUST_EVENTS } from './trust-events.ts';

/**
 * IAM grants that can hand a principal SES perimeter actions. IAM is a global service: CloudTrail
 * records these in us-east-1 and EventBridge delivers them only there.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 */
const IAM = 'iam.amazonaws.com';

const name = z.string().check(z.minLength(1));
const policyArn = z.string().check(z.regex(/^arn:[^:]+:iam::[^:]*:policy\//, 'must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)'));

type PrincipalType = IamPrincipalRef['type'];

/** `userName` / `roleName` / `groupName`, whichever the call names, read as the principal's name. */
const principalName = {
  user: z.pipe(z.object({ userName: name }), z.transform((v) => v.userName)),
  role: z.pipe(z.object({ roleName: name }), z.transform((v) => v.roleName)),
  group: z.pipe(z.object({ groupName: name }), z.transform((v) => v.groupName)),
} as const;

const AttachParams = z.object({ policyArn });
const PutInlineParams = z.object({ policyName: name, policyDocument: z.optional(PolicyDocumentParam) });

function base(ctx: ParseContext): ParseContext['base'] & { family: 'iam-grant' } {
  return { ...ctx.base, family: 'iam-grant' };
}

/**
 * Changes to the guard's own roles (exactly the deployment's roles) are guard-integrity changes (GUARD-001),
 * not grants to repair: the guard must alert on them, never "repair" its own permissions. A role merely
 * named like the guard's is judged like any other role (and GUARD-001 alerts on it too).
 */
function guardRole(type: PrincipalType, principal: string, ctx: ParseContext): ParserResult<IamGrantChange> | undefined {
  if (type !== 'role') return undefined;
  const arn = iamPrincipalArn(ctx.base.region, ctx.base.accountId, 'role', principal);
  if (isOwnRole({ arn }, ctx.options.ownRoleArns)) return { notMine: `role ${principal} is one of the guard's own roles (GUARD-001 judges changes to it)` };
  return undefined;
}

function attach(type: PrincipalType) {
  return (ctx: ParseContext): ParserResult<IamGrantChange> => {
    const who = parseParameters(principalName[type], ctx);
    if (!who.ok) return who.skip;
    const notMine = guardRole(type, who.value, ctx);
    if (notMine) return notMine;
    const p = parseParameters(AttachParams, ctx);
    if (!p.ok) return p.skip;
    const change: IamGrantChange = { ...base(ctx), operation: 'attach', principal: { type, name: who.value }, policyArn: p.value.policyArn };
    return change;
  };
}

function putInline(type: PrincipalType) {
  return (ctx: ParseContext): ParserResult<IamGrantChange> => {
    const who = parseParameters(principalName[type], ctx);
    if (!who.ok) return who.skip;
    const notMine = guardRole(type, who.value, ctx);
    if (notMine) return notMine;
    const p = parseParameters(PutInlineParams, ctx);
    if (!p.ok) return p.skip;
    const change: IamGrantChange = {
      ...base(ctx),
      operation: 'put-inline',
      principal: { type, name: who.value },
      policyName: p.value.policyName,
      ...(p.value.policyDocument !== undefined && { requestedPolicy: p.value.policyDocument }),
    };
    return change;
  };
}

/**
 * CreatePolicyVersion: the new version id is only in responseElements (`policyVersion.versionId`);
 * setAsDefault is omitted when false.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html
 */
const CreateVersionParams = z.object({
  policyArn,
  policyDocument: z.optional(PolicyDocumentParam),
  setAsDefault: z.optional(z.boolean()),
});
const CreateVersionResponse = z.object({
  policyVersion: z.optional(z.object({ versionId: z.string().check(z.minLength(1)) })),
});

function parseCreateVersion(ctx: ParseContext): ParserResult<IamGrantChange> {
  const p = parseParameters(CreateVersionParams, ctx);
  if (!p.ok) return p.skip;
  // A response without the version id still tells which policy changed; the state reader lists versions.
  const response = CreateVersionResponse.safeParse(ctx.record.responseElements ?? {});
  const versionId = response.success ? response.data.policyVersion?.versionId : undefined;
  const change: IamGrantChange = {
    ...base(ctx),
    operation: 'create-version',
    policyArn: p.value.policyArn,
    setAsDefault: p.value.setAsDefault ?? false,
    ...(versionId !== undefined && { versionId }),
    ...(p.value.policyDocument !== undefined && { requestedPolicy: p.value.policyDocument }),
  };
  return change;
}

const SetDefaultParams = z.object({ policyArn, versionId: z.string().check(z.regex(/^v\d+$/, 'must be a policy version id like v3')) });

function parseSetDefault(ctx: ParseContext): ParserResult<IamGrantChange> {
  const p = parseParameters(SetDefaultParams, ctx);
  if (!p.ok) return p.skip;
  const change: IamGrantChange = { ...base(ctx), operation: 'set-default-version', policyArn: p.value.policyArn, versionId: p.value.versionId };
  return change;
}

const AddToGroupParams = z.object({ groupName: name, userName: name });

function parseAddToGroup(ctx: ParseContext): ParserResult<IamGrantChange> {
  const p = parseParameters(AddToGroupParams, ctx);
  if (!p.ok) return p.skip;
  const change: IamGrantChange = { ...base(ctx), operation: 'add-to-group', groupName: p.value.groupName, userName: p.value.userName };
  return change;
}

export const IAM_GRANT_EVENTS: readonly EventParser<IamGrantChange>[] = [
  { eventSource: IAM, eventName: 'AttachUserPolicy', family: 'iam-grant', parse: attach('user') },
  { eventSource: IAM, eventName: 'AttachRolePolicy', family: 'iam-grant', parse: attach('role') },
  { eventSource: IAM, eventName: 'AttachGroupPolicy', family: 'iam-grant', parse: attach('group') },
  { eventSource: IAM, eventName: 'PutUserPolicy', family: 'iam-grant', parse: putInline('user') },
  { eventSource: IAM, eventName: 'PutRolePolicy', family: 'iam-grant', parse: putInline('role') },
  { eventSource: IAM, eventName: 'PutGroupPolicy', family: 'iam-grant', parse: putInline('group') },
  { eventSource: IAM, eventName: 'CreatePolicyVersion', family: 'iam-grant', parse: parseCreateVersion },
  { eventSource: IAM, eventName: 'SetDefaultPolicyVersion', family: 'iam-grant', parse: parseSetDefault },
  { eventSource: IAM, eventName: 'AddUserToGroup', family: 'iam-grant', parse: parseAddToGroup },
  ...IAM_TRUST_EVENTS,
];
