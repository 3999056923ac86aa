import type { FamilyJudging } from '../family.ts';
import { VERIFICATION_TEMPLATE_CHECK } from './check.ts';
import { CUSTOM_VERIFICATION_RULES } from './rules.ts';
import type { CustomVerificationChange, CustomVerificationState } from './types.ts';

/** What judging needs of this family (lib/families/judging.ts): pure, no AWS client. */
export const CUSTOM_VERIFICATION_JUDGING: FamilyJudging<CustomVerificationChange, CustomVerificationState> = {
  id: 'custom-verification',
  title: 'SES custom verification emails and templates',
  states: {
    'verification-template': {
      resource: (state) => state.templateArn,
      document: (state) => (state.template ? JSON.stringify(state.template, null, 2) : null),
      unreadable: () => [],
      baseline: (state) => (state.template ? { key: state.templateArn, document: JSON.stringify(state.template) } : undefined),
    },
    'custom-verification-send': {
      resource: (state) => state.templateName,
      document: () => null,
      unreadable: () => [],
      // An email already sent is an action, not a document to restore.
      baseline: () => undefined,
    },
  },
  rules: CUSTOM_VERIFICATION_RULES,
  checks: [VERIFICATION_TEMPLATE_CHECK],
};
