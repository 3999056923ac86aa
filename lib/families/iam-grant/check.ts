import { iamPrincipalArn } from '../../aws/arns.ts';
import { InvalidInputError, type CheckInput } from '../family.ts';
import { accountFor, isRecord, namesAPrincipal, policyOf, statementPointer, statementsOf } from '../check-helpers.ts';
import type { IamGrantState, IamPrincipalRef } from './types.ts';

const PRINCIPAL_ARN = /^arn:[^:]+:iam::\d{12}:(user|role|group)\/(?:.*\/)?([^/]+)$/;

function principalRef(file: string, arn: string): IamPrincipalRef {
  const match = PRINCIPAL_ARN.exec(arn);
  if (!match) throw new InvalidInputError(file, [`principal ${arn}: must be an IAM user, role or group ARN`]);
  return { type: match[1] as IamPrincipalRef['type'], name: match[2] as string };
}

/** An IAM policy document, judged as if attached to the principals given (default: one non-administrator). */
export const IAM_POLICY_CHECK: CheckInput<IamGrantState> = {
  kind: 'iam-policy',
  description: 'an IAM policy document (judged as if attached to one non-administrator)',
  recognise: (document) => (statementsOf(document).length > 0 && !namesAPrincipal(document) ? 'no statement names a Principal' : undefined),
  build(file, document, target) {
    // IAM refuses a Principal in an identity-based policy ("Policy document should not specify a principal").
    const withPrincipal = statementsOf(document).findIndex((s) => isRecord(s) && ('Principal' in s || 'NotPrincipal' in s));
    if (withPrincipal >= 0) {
      throw new InvalidInputError(file, [`Statement[${withPrincipal}].Principal: an IAM (identity-based) policy cannot name a Principal; this looks like an SES identity policy: use --kind identity-policy`]);
    }
    const policy = policyOf(file, document);
    const account = accountFor(file, target);
    const source = target.resource ?? file;
    const holders = target.principals && target.principals.length > 0 ? target.principals : [iamPrincipalArn(target.region, account, 'user', 'policy-holder')];
    const changed = { source, kind: 'managed' as const, rawDocument: JSON.stringify(document), document: policy };
    return {
      state: {
        kind: 'iam-grant',
        changedPolicy: changed,
        principals: holders.map((arn) => ({ principal: principalRef(file, arn), arn, policies: [changed] })),
      },
      account,
      region: target.region,
    };
  },
  pointer: statementPointer,
};
