import { GetCustomVerificationEmailTemplateCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { verificationTemplateArn } from '../../aws/arns.ts';
import { isNotFound } from '../../aws/errors.ts';
import { assertClientRegion } from '../../aws/region.ts';
import { StateUnavailableOfflineError } from '../state-errors.ts';
import type { CustomVerificationChange, CustomVerificationSendState, CustomVerificationState, VerificationTemplateChange, VerificationTemplateState } from './types.ts';

/** Sending is an action, not a state: the actor is judged, from the event. */
function sendState(change: Extract<CustomVerificationChange, { operation: 'send' }>): CustomVerificationSendState {
  return { kind: 'custom-verification-send', templateName: change.target.templateName, emailAddress: change.target.emailAddress };
}

function templateBase(change: VerificationTemplateChange) {
  const { templateName } = change.target;
  return { kind: 'verification-template' as const, templateName, templateArn: verificationTemplateArn(change.region, change.accountId, templateName) };
}

/** The template as SES holds it now; NotFound means it no longer exists. */
export async function readVerificationTemplate(sesv2: SESv2Client, change: VerificationTemplateChange): Promise<VerificationTemplateState> {
  await assertClientRegion(sesv2, change.region, 'SES');
  const base = templateBase(change);
  try {
    const template = await sesv2.send(new GetCustomVerificationEmailTemplateCommand({ TemplateName: base.templateName }));
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

export function readCustomVerification(sesv2: SESv2Client, change: CustomVerificationChange): Promise<CustomVerificationState> {
  return change.operation === 'send' ? Promise.resolve(sendState(change)) : readVerificationTemplate(sesv2, change);
}

/** Offline replay: the template members the call sent; members an update left out are unknown offline. */
export function offlineCustomVerification(change: CustomVerificationChange): CustomVerificationState {
  if (change.operation === 'send') return sendState(change);
  const { templateName } = change.target;
  const requested = change.requestedTemplate ?? {};
  const { fromEmailAddress, successRedirectionURL, failureRedirectionURL } = requested;
  // Judging "" as a redirect URL would be a finding about nothing: say that the member is unknown.
  if (fromEmailAddress === undefined || successRedirectionURL === undefined || failureRedirectionURL === undefined) {
    const missing = Object.entries({ fromEmailAddress, successRedirectionURL, failureRedirectionURL })
      .filter(([, value]) => value === undefined)
      .map(([key]) => key);
    throw new StateUnavailableOfflineError(`${missing.join(', ')} of verification template "${templateName}"`);
  }
  return {
    ...templateBase(change),
    template: {
      fromEmailAddress,
      templateSubject: requested.templateSubject ?? '',
      // CloudTrail does not record the template body; it is not judged.
      templateContent: '',
      successRedirectionURL,
      failureRedirectionURL,
    },
  };
}
