import { DeleteCustomVerificationEmailTemplateCommand, UpdateCustomVerificationEmailTemplateCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { StepSenders } from './step-sender.ts';

export function verificationTemplateSteps(sesv2: SESv2Client): StepSenders {
  return {
    'ses.update-verification-template': async (action) => {
      await sesv2.send(
        new UpdateCustomVerificationEmailTemplateCommand({
          TemplateName: action.templateName,
          FromEmailAddress: action.template.fromEmailAddress,
          TemplateSubject: action.template.templateSubject,
          TemplateContent: action.template.templateContent,
          SuccessRedirectionURL: action.template.successRedirectionURL,
          FailureRedirectionURL: action.template.failureRedirectionURL,
        }),
      );
    },
    'ses.delete-verification-template': async (action) => {
      await sesv2.send(new DeleteCustomVerificationEmailTemplateCommand({ TemplateName: action.templateName }));
    },
  };
}
