import { DeleteCustomVerificationEmailTemplateCommand, UpdateCustomVerificationEmailTemplateCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { defineStep } from '../../remediation/step.ts';
import type { VerificationTemplate } from './types.ts';

export interface VerificationTemplateClients {
  sesv2: SESv2Client;
}

export interface UpdateVerificationTemplate {
  type: 'ses.update-verification-template';
  templateName: string;
  template: VerificationTemplate;
}

export interface DeleteVerificationTemplate {
  type: 'ses.delete-verification-template';
  templateName: string;
}

export const UPDATE_VERIFICATION_TEMPLATE = defineStep<UpdateVerificationTemplate, VerificationTemplateClients>({
  type: 'ses.update-verification-template',
  commands: ['sesv2:UpdateCustomVerificationEmailTemplate'],
  removes: false,
  actsOnActor: false,
  describe: (a) => `verification template ${a.templateName}`,
  async send({ sesv2 }, a) {
    await sesv2.send(
      new UpdateCustomVerificationEmailTemplateCommand({
        TemplateName: a.templateName,
        FromEmailAddress: a.template.fromEmailAddress,
        TemplateSubject: a.template.templateSubject,
        TemplateContent: a.template.templateContent,
        SuccessRedirectionURL: a.template.successRedirectionURL,
        FailureRedirectionURL: a.template.failureRedirectionURL,
      }),
    );
  },
});

export const DELETE_VERIFICATION_TEMPLATE = defineStep<DeleteVerificationTemplate, VerificationTemplateClients>({
  type: 'ses.delete-verification-template',
  commands: ['sesv2:DeleteCustomVerificationEmailTemplate'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `verification template ${a.templateName}`,
  async send({ sesv2 }, a) {
    await sesv2.send(new DeleteCustomVerificationEmailTemplateCommand({ TemplateName: a.templateName }));
  },
});
