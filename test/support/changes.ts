import type { ChangeBase } from '../../lib/cloudtrail/types.ts';
import type { IdentityPolicyChange } from '../../lib/families/identity-policy/types.ts';
import type { EventDestinationChange } from '../../lib/families/event-destination/types.ts';
import type { CustomVerificationSendChange, VerificationTemplateChange } from '../../lib/families/custom-verification/types.ts';
import type { IamGrantChange } from '../../lib/families/iam-grant/types.ts';
import type { GuardIntegrityChange } from '../../lib/families/guard-integrity/types.ts';

/** Change fixtures for the state tests (account 111122223333, eu-west-1 unless an IAM change). */

export const ACCOUNT = '111122223333';

const base = (eventName: string, eventSource: string, region: string): ChangeBase => ({
  eventId: `evt-${eventName}`,
  eventName,
  eventSource,
  eventTime: '2026-11-24T06:00:00Z',
  region,
  accountId: ACCOUNT,
  actor: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT },
});

export function identityPolicyChange(overrides: Partial<IdentityPolicyChange> = {}): IdentityPolicyChange {
  return {
    ...base('PutIdentityPolicy', 'ses.amazonaws.com', 'eu-west-1'),
    family: 'identity-policy',
    apiVersion: 'v1',
    operation: 'put',
    target: { identity: 'example.com', policyName: 'SendOnly' },
    ...overrides,
  };
}

export function eventDestinationChange(overrides: Partial<EventDestinationChange> = {}): EventDestinationChange {
  return {
    ...base('CreateConfigurationSetEventDestination', 'ses.amazonaws.com', 'eu-west-1'),
    family: 'event-destination',
    apiVersion: 'v2',
    operation: 'create',
    target: { configurationSet: 'transactional', destinationName: 'to-sns' },
    ...overrides,
  };
}

export function templateChange(overrides: Partial<VerificationTemplateChange> = {}): VerificationTemplateChange {
  return {
    ...base('UpdateCustomVerificationEmailTemplate', 'ses.amazonaws.com', 'eu-west-1'),
    family: 'custom-verification',
    operation: 'update-template',
    apiVersion: 'v2',
    target: { templateName: 'welcome' },
    ...overrides,
  };
}

export function sendChange(): CustomVerificationSendChange {
  return {
    ...base('SendCustomVerificationEmail', 'ses.amazonaws.com', 'eu-west-1'),
    family: 'custom-verification',
    operation: 'send',
    target: { templateName: 'welcome', emailAddress: 'victim@example.org' },
  };
}

export function guardChange(): GuardIntegrityChange {
  return {
    ...base('DisableRule', 'events.amazonaws.com', 'eu-west-1'),
    family: 'guard-integrity',
    resourceType: 'events-rule',
    resourceName: 'sesguard-identity-policy',
    effect: 'disables the rule that routes identity policy events to the guard',
  };
}

/** The operation-specific part of an IAM change (distributes over the union). */
export type IamChangeDetails = IamGrantChange extends infer C ? (C extends IamGrantChange ? Omit<C, keyof ChangeBase | 'family'> : never) : never;

/** IAM is global: its events arrive in us-east-1. */
export function iamChange(details: IamChangeDetails): IamGrantChange {
  return { ...base(details.operation, 'iam.amazonaws.com', 'us-east-1'), family: 'iam-grant', ...details };
}
