import { QUARANTINE_STEPS } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { sesConnection } from '../ses-connection.ts';
import { customVerificationInventory } from './inventory.ts';
import { VERIFICATION_TEMPLATE_CHECK } from './check.ts';
import { CUSTOM_VERIFICATION_EVENTS } from './events.ts';
import { planCustomVerificationRepair } from './plan.ts';
import { CUSTOM_VERIFICATION_RULES } from './rules.ts';
import { offlineCustomVerification, readCustomVerification, verificationTemplateArn } from './state.ts';
import { DELETE_VERIFICATION_TEMPLATE, UPDATE_VERIFICATION_TEMPLATE } from './steps.ts';
import type { CustomVerificationChange, CustomVerificationState } from './types.ts';

const STEPS = [UPDATE_VERIFICATION_TEMPLATE, DELETE_VERIFICATION_TEMPLATE, ...QUARANTINE_STEPS] as const;

/** Custom verification emails (the actor is judged) and their templates. */
export const customVerification: Family<CustomVerificationChange, CustomVerificationState> = {
  id: 'custom-verification',
  title: 'SES custom verification emails and templates',
  events: CUSTOM_VERIFICATION_EVENTS,
  resourceOf: (change) => verificationTemplateArn(change.region, change.accountId, change.target.templateName),
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
  plan: planCustomVerificationRepair,
  steps: STEPS,
  connect: (make) => sesConnection(make, readCustomVerification, STEPS),
  offlineState: offlineCustomVerification,
  checks: [VERIFICATION_TEMPLATE_CHECK],
  inventory: customVerificationInventory,
};

export default customVerification;
