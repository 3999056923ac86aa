import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MakeClient } from '../aws/client-factory.ts';
import { quarantineClients, type QuarantineClients } from '../remediation/quarantine/steps.ts';
import type { Change } from '../cloudtrail/types.ts';
import { bindSteps, type StepDefinition } from '../remediation/step.ts';
import type { StepAction } from '../remediation/types.ts';
import type { ResourceState } from '../rules/types.ts';
import type { FamilyConnection } from './family.ts';

/** The clients an SES family's steps use: SESv2 for its repairs, IAM and CloudTrail (made on first use) for quarantining the actor. */
export interface SesFamilyClients extends QuarantineClients {
  sesv2: SESv2Client;
}

/** The AWS side of an SES family: its reader over SESv2, its steps bound to SESv2 and the quarantine clients. */
export function sesConnection<C extends Change, S extends ResourceState>(
  make: MakeClient,
  read: (sesv2: SESv2Client, change: C) => Promise<S>,
  steps: readonly StepDefinition<StepAction, NoInfer<SesFamilyClients>>[],
): FamilyConnection<C, S> {
  const sesv2 = make(SESv2Client, 'SESV2');
  return { read: (change) => read(sesv2, change), senders: bindSteps(steps, { sesv2, ...quarantineClients(make) }) };
}
