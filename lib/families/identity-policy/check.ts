import type { CheckInput } from '../family.ts';
import { InvalidInputError } from '../family.ts';
import { accountFor, fileStem, isRecord, namesAPrincipal, policyOf, statementPointer, statementsOf } from '../check-helpers.ts';
import { accountOfArn } from '../../policy/index.ts';
import type { Policy } from '../../policy/types.ts';
import { identityArn } from '../../aws/arns.ts';
import type { IdentityPolicyState } from './types.ts';
import type { CheckTarget } from '../family.ts';

/**
 * The identity an identity policy is for: --resource, else the one SES identity ARN every Allow statement
 * names (AWS's own examples name it), else a placeholder in the target account.
 */
function identityArnOf(file: string, policy: Policy, target: CheckTarget): string {
  if (target.resource) return target.resource;
  const named = new Set(policy.statements.flatMap((s) => (s.resource ?? []).filter((r) => /^arn:[^:]+:ses:[^:]+:\d{12}:identity\/[^*?]+$/.test(r))));
  if (named.size === 1) return [...named][0] as string;
  return identityArn(target.region, accountFor(file, target), 'example.com');
}

export const IDENTITY_POLICY_CHECK: CheckInput<IdentityPolicyState> = {
  kind: 'identity-policy',
  description: 'an SES identity (sending-authorization) policy document',
  recognise: (document) => (namesAPrincipal(document) ? 'statements name a Principal' : undefined),
  build(file, document, target) {
    // A sending-authorization policy is a resource policy: each statement says whom it authorizes.
    const without = statementsOf(document).findIndex((s) => isRecord(s) && !('Principal' in s) && !('NotPrincipal' in s));
    if (without >= 0) {
      throw new InvalidInputError(file, [`Statement[${without}]: names no Principal, which every statement of an SES identity policy needs; this looks like an IAM policy: use --kind iam-policy`]);
    }
    const policy = policyOf(file, document);
    const arn = identityArnOf(file, policy, target);
    const identity = arn.slice(arn.indexOf(':identity/') + ':identity/'.length);
    return {
      state: { kind: 'identity-policy', identity, identityArn: arn, policyName: target.name ?? fileStem(file), rawDocument: JSON.stringify(document), document: policy },
      account: accountOfArn(arn) ?? accountFor(file, target),
      region: arn.split(':')[3] || target.region,
    };
  },
  pointer: statementPointer,
};
