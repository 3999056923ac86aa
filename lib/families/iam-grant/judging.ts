import { isPerimeterDenyArn } from '../../remediation/quarantine/perimeter-deny.ts';
import type { FamilyJudging } from '../family.ts';
import { IAM_POLICY_CHECK } from './check.ts';
import { IAM_GRANT_RULES } from './rules.ts';
import { grantDocument, grantNotes } from './grant-truth.ts';
import { IAM_TRUST_RULES } from './trust-rules.ts';
import { trustBaselineKey, type IamGrantChange, type IamGrantState } from './types.ts';

/** What judging needs of this family (lib/families/judging.ts): pure, no AWS client. */
export const IAM_GRANT_JUDGING: FamilyJudging<IamGrantChange, IamGrantState> = {
  id: 'iam-grant',
  title: 'IAM grants of SES perimeter actions',
  states: {
    'iam-grant': {
      resource: (state) => state.trust?.roleArn ?? state.changedPolicy?.source ?? state.principals[0]?.arn ?? 'iam',
      document: (state) => (state.trust ? state.trust.rawDocument : grantDocument(state)),
      notes: grantNotes,
      unreadable: (state) => {
        const trustErrors = (state.trust?.parseErrors ?? []).map((e) => `trust policy of ${state.trust?.roleArn ?? 'the role'}: ${e}`);
        const policies = [state.changedPolicy, ...(state.gainedPolicies ?? []), ...state.principals.flatMap((p) => p.policies)];
        const seen = new Set<string>();
        return policies.flatMap((policy) => {
          if (!policy || seen.has(policy.source) || !policy.parseErrors?.length) return [];
          seen.add(policy.source);
          return policy.parseErrors.map((e) => `${policy.source}: ${e}`);
        }).concat(trustErrors);
      },
      // Recorded for what a person is shown (the trust policy to revert to) and for the sweep's judgement; the
      // guard itself writes no document back.
      baseline: (state) => {
        if (state.trust) {
          // A role the guard's perimeter-deny made compliant still trusts whoever it trusts: that trust policy
          // is not a last-known-good one to propose later.
          if (state.trust.rawDocument === null || state.principals[0]?.policies.some((p) => p.kind === 'managed' && isPerimeterDenyArn(p.source))) return undefined;
          return { key: trustBaselineKey(state.trust.roleArn), document: state.trust.rawDocument };
        }
        return state.changedPolicy?.kind === 'inline' ? { key: state.changedPolicy.source, document: state.changedPolicy.rawDocument } : undefined;
      },
    },
  },
  rules: [...IAM_GRANT_RULES, ...IAM_TRUST_RULES],
  checks: [IAM_POLICY_CHECK],
};
