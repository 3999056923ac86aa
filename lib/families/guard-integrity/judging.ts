import type { FamilyJudging } from '../family.ts';
import { GUARD_INTEGRITY_RULES } from './rules.ts';
import type { GuardIntegrityChange, GuardIntegrityState } from './types.ts';

/** What judging needs of this family (lib/families/judging.ts): pure, no AWS client. */
export const GUARD_INTEGRITY_JUDGING: FamilyJudging<GuardIntegrityChange, GuardIntegrityState> = {
  id: 'guard-integrity',
  title: "the guard's own resources and CloudTrail logging",
  states: {
    'guard-integrity': {
      resource: (state) => state.change.resourceName,
      document: () => null,
      unreadable: () => [],
      baseline: () => undefined,
    },
  },
  rules: GUARD_INTEGRITY_RULES,
  checks: [],
};
