import type { Change, SesApiVersion } from '../../cloudtrail/types.ts';

export interface CustomVerificationSendChange extends Change {
  family: 'custom-verification';
  operation: 'send';
  target: { templateName: string; emailAddress: string; configurationSet?: string };
}

/** The members of a custom verification email template, as SESv2 names them (lower camel case). */
export interface VerificationTemplate {
  fromEmailAddress: string;
  templateSubject: string;
  templateContent: string;
  successRedirectionURL: string;
  failureRedirectionURL: string;
}

export interface VerificationTemplateChange extends Change {
  family: 'custom-verification';
  operation: 'create-template' | 'update-template';
  apiVersion: SesApiVersion;
  target: { templateName: string };
  /** The members the call sent (an update may send only some). */
  requestedTemplate?: Partial<Omit<VerificationTemplate, 'templateContent'>>;
}

export type CustomVerificationChange = CustomVerificationSendChange | VerificationTemplateChange;

export interface VerificationTemplateState {
  kind: 'verification-template';
  templateName: string;
  templateArn: string;
  /** null when the template no longer exists. */
  template: VerificationTemplate | null;
}

/** Sending a custom verification email is an action, not a state: the actor is judged. */
export interface CustomVerificationSendState {
  kind: 'custom-verification-send';
  templateName: string;
  emailAddress: string;
}

export type CustomVerificationState = VerificationTemplateState | CustomVerificationSendState;
