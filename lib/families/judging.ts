import type { FamilyJudging } from './family.ts';
import { CUSTOM_VERIFICATION_JUDGING } from './custom-verification/judging.ts';
import { EVENT_DESTINATION_JUDGING } from './event-destination/judging.ts';
import { GUARD_INTEGRITY_JUDGING } from './guard-integrity/judging.ts';
import { IAM_GRANT_JUDGING } from './iam-grant/judging.ts';
import { IDENTITY_POLICY_JUDGING } from './identity-policy/judging.ts';

/**
 * The registry's pure half: every family's rules, state facets and check inputs, without its events, plans,
 * repair steps, readers or inventory. `sesguard check` and `config validate` judge offline with these, and
 * importing the full registry (lib/families/index.ts) would load every family's AWS SDK clients and
 * commands for nothing. Same families, same order as FAMILY_LIST (registry.test.ts holds them equal).
 */
export const JUDGING_LIST: readonly FamilyJudging[] = [GUARD_INTEGRITY_JUDGING, IDENTITY_POLICY_JUDGING, EVENT_DESTINATION_JUDGING, CUSTOM_VERIFICATION_JUDGING, IAM_GRANT_JUDGING];

/** Every rule of every family (config validation, docs, `sesguard check`). */
export const RULES = JUDGING_LIST.flatMap((family) => family.rules);
