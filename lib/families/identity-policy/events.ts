import * as z from '../../zod.ts';
import type { SesApiVersion } from '../../cloudtrail/types.ts';
import { PolicyDocumentParam, parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import type { IdentityPolicyChange } from './types.ts';

const SES = 'ses.amazonaws.com';

/**
 * SES v1 PutIdentityPolicy (Identity, PolicyName, Policy) and SES v2 Create/UpdateEmailIdentityPolicy
 * (EmailIdentity, PolicyName, Policy), camel-cased by CloudTrail. `policy` is optional because
 * CloudTrail may omit an oversized parameter; the guard reads the current document anyway.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_PutIdentityPolicy.html
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentityPolicy.html
 */
const V1Params = z.object({
  identity: z.string().check(z.minLength(1)),
  policyName: z.string().check(z.minLength(1)),
  policy: z.optional(PolicyDocumentParam),
});

const V2Params = z.object({
  emailIdentity: z.string().check(z.minLength(1)),
  policyName: z.string().check(z.minLength(1)),
  policy: z.optional(PolicyDocumentParam),
});

/**
 * SES v1 accepts the identity as a name or as its ARN (`arn:aws:ses:us-east-1:111122223333:identity/example.com`);
 * the state reader and the baseline key need the name.
 */
export function identityName(identity: string): string {
  const marker = ':identity/';
  const at = identity.indexOf(marker);
  return identity.startsWith('arn:') && at >= 0 ? identity.slice(at + marker.length) : identity;
}

function change(
  ctx: ParseContext,
  apiVersion: SesApiVersion,
  operation: IdentityPolicyChange['operation'],
  identity: string,
  policyName: string,
  policy: unknown,
): IdentityPolicyChange {
  return {
    ...ctx.base,
    family: 'identity-policy',
    apiVersion,
    operation,
    target: { identity: identityName(identity), policyName },
    ...(policy !== undefined && { requestedPolicy: policy }),
  };
}

function parseV1(ctx: ParseContext): ParserResult<IdentityPolicyChange> {
  const p = parseParameters(V1Params, ctx);
  if (!p.ok) return p.skip;
  return change(ctx, 'v1', 'put', p.value.identity, p.value.policyName, p.value.policy);
}

function parseV2(operation: 'create' | 'update') {
  return (ctx: ParseContext): ParserResult<IdentityPolicyChange> => {
    const p = parseParameters(V2Params, ctx);
    if (!p.ok) return p.skip;
    return change(ctx, 'v2', operation, p.value.emailIdentity, p.value.policyName, p.value.policy);
  };
}

export const IDENTITY_POLICY_EVENTS: readonly EventParser<IdentityPolicyChange>[] = [
  { eventSource: SES, eventName: 'PutIdentityPolicy', family: 'identity-policy', parse: parseV1 },
  { eventSource: SES, eventName: 'CreateEmailIdentityPolicy', family: 'identity-policy', parse: parseV2('create') },
  { eventSource: SES, eventName: 'UpdateEmailIdentityPolicy', family: 'identity-policy', parse: parseV2('update') },
];
