import {
  GetConfigurationSetEventDestinationsCommand,
  GetCustomVerificationEmailTemplateCommand,
  GetEmailIdentityPoliciesCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { EventDestinationChange, IdentityPolicyChange, VerificationTemplateChange } from '../cloudtrail/types.ts';
import type { EventDestinationState, IdentityPolicyState, VerificationTemplateState } from './types.ts';
import { fromSesEventDestination } from './event-destination.ts';
import { readPolicyDocument } from './policy-document.ts';
import { sesConfigurationSetArn, sesIdentityArn, sesVerificationTemplateArn } from './resource-arns.ts';
import { StateRegionMismatchError } from './errors.ts';
import { isNotFound } from '../aws/errors.ts';

/**
 * SES is regional: the client must read the region the change happened in, or it would find nothing and
 * report the resource as gone.
 */
export async function assertSameRegion(sesv2: SESv2Client, region: string): Promise<void> {
  const clientRegion = typeof sesv2.config.region === 'function' ? await sesv2.config.region() : undefined;
  if (clientRegion !== undefined && clientRegion !== region) {
    throw new StateRegionMismatchError(`the change happened in ${region} but the SES client reads ${clientRegion}; deploy the guard in ${region}`);
  }
}

export async function readIdentityPolicy(sesv2: SESv2Client, change: IdentityPolicyChange): Promise<IdentityPolicyState> {
  await assertSameRegion(sesv2, change.region);
  const { identity, policyName } = change.target;
  const base = { kind: 'identity-policy' as const, identity, identityArn: sesIdentityArn(change.region, change.accountId, identity), policyName };
  let policies: Record<string, string>;
  try {
    // Returns every policy of the identity at once (at most 20); the API has no pagination.
    policies = (await sesv2.send(new GetEmailIdentityPoliciesCommand({ EmailIdentity: identity }))).Policies ?? {};
  } catch (error) {
    if (isNotFound(error)) return { ...base, rawDocument: null, document: null };
    throw error;
  }
  const raw = Object.hasOwn(policies, policyName) ? policies[policyName] : undefined;
  if (raw === undefined) return { ...base, rawDocument: null, document: null };
  return { ...base, ...readPolicyDocument(raw) };
}

export async function readEventDestination(sesv2: SESv2Client, change: EventDestinationChange): Promise<EventDestinationState> {
  await assertSameRegion(sesv2, change.region);
  const { configurationSet, destinationName } = change.target;
  const base = {
    kind: 'event-destination' as const,
    configurationSet,
    configurationSetArn: sesConfigurationSetArn(change.region, change.accountId, configurationSet),
  };
  try {
    // The API returns every destination of the set at once (a set holds at most 10); no pagination.
    const { EventDestinations = [] } = await sesv2.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: configurationSet }));
    const found = EventDestinations.find((destination) => destination.Name === destinationName);
    return { ...base, destination: found ? fromSesEventDestination(found) : null };
  } catch (error) {
    if (isNotFound(error)) return { ...base, destination: null };
    throw error;
  }
}

export async function readVerificationTemplate(sesv2: SESv2Client, change: VerificationTemplateChange): Promise<VerificationTemplateState> {
  await assertSameRegion(sesv2, change.region);
  const { templateName } = change.target;
  const base = {
    kind: 'verification-template' as const,
    templateName,
    templateArn: sesVerificationTemplateArn(change.region, change.accountId, templateName),
  };
  try {
    const template = await sesv2.send(new GetCustomVerificationEmailTemplateCommand({ TemplateName: templateName }));
    return {
      ...base,
      template: {
        fromEmailAddress: template.FromEmailAddress ?? '',
        templateSubject: template.TemplateSubject ?? '',
        templateContent: template.TemplateContent ?? '',
        successRedirectionURL: template.SuccessRedirectionURL ?? '',
        failureRedirectionURL: template.FailureRedirectionURL ?? '',
      },
    };
  } catch (error) {
    if (isNotFound(error)) return { ...base, template: null };
    throw error;
  }
}
