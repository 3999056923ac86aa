import { iamPrincipalArn } from '../../aws/arns.ts';
import type { CheckInput } from '../family.ts';
import { accountFor, namesAPrincipal, policyOf, statementPointer, statementsOf } from '../check-helpers.ts';
import type { IamGrantState } from './types.ts';

/** An IAM policy document, judged as if attached to one non-administrator (or --principal). */
export const IAM_POLICY_CHECK: CheckInput<IamGrantState> = {
  kind: 'iam-policy',
  description: 'an IAM policy document (judged as if attached to one non-administrator)',
  recognise: (document) => (statementsOf(document).length > 0 && !namesAPrincipal(document) ? 'no statement names a Principal' : undefined),
  build(file, document, target) {
    const policy = policyOf(file, document);
    const account = accountFor(file, target);
    const source = target.resource ?? file;
    const principalArn = target.principal ?? iamPrincipalArn(target.region, account, 'user', 'policy-holder');
    const changed = { source, kind: 'managed' as const, rawDocument: JSON.stringify(document), document: policy };
    return {
      state: {
        kind: 'iam-grant',
        changedPolicy: changed,
        principals: [{ principal: { type: 'user', name: principalArn.split('/').pop() ?? 'policy-holder' }, arn: principalArn, policies: [changed] }],
      },
      account,
      region: target.region,
    };
  },
  pointer: statementPointer,
};
