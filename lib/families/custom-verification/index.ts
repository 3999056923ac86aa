import { QUARANTINE_STEPS } from '../../remediation/quarantine/steps.ts';
import type { Family } from '../family.ts';
import { CUSTOM_VERIFICATION_JUDGING } from './judging.ts';
import { sesConnection } from '../ses-connection.ts';
import { customVerificationInventory } from './inventory.ts';
import { CUSTOM_VERIFICATION_EVENTS } from './events.ts';
import { planCustomVerificationRepair } from './plan.ts';
import { offlineCustomVerification, readCustomVerification } from './state.ts';
import { verificationTemplateArn } from '../../aws/arns.ts';
import { DELETE_VERIFICATION_TEMPLATE, UPDATE_VERIFICATION_TEMPLATE } from './steps.ts';
import type { CustomVerificationChange, CustomVerificationState } from './types.ts';

const STEPS = [UPDATE_VERIFICATION_TEMPLATE, DELETE_VERIFICATION_TEMPLATE, ...QUARANTINE_STEPS] as const;

/** Custom verification emails (the actor is judged) and their templates. */
export const customVerification: Family<CustomVerificationChange, CustomVerificationState> = {
  ...CUSTOM_VERIFICATION_JUDGING,
  events: CUSTOM_VERIFICATION_EVENTS,
  resourceOf: (change) => verificationTemplateArn(change.region, change.accountId, change.target.templateName),
  plan: planCustomVerificationRepair,
  steps: STEPS,
  connect: (make) => sesConnection(make, readCustomVerification, STEPS),
  offlineState: offlineCustomVerification,
  inventory: customVerificationInventory,
};

export default customVerification;
