import * as z from '../../zod.ts';
import { InvalidInputError, type CheckInput } from '../family.ts';
import { accountFor, isRecord, regionOf } from '../check-helpers.ts';
import { describeZodIssues } from '../../zod-issues.ts';
import { strictObject } from '../../zod-strict.ts';
import { verificationTemplateArn } from '../../aws/arns.ts';
import type { CustomVerificationState } from './types.ts';

/**
 * SESv2 CreateCustomVerificationEmailTemplate input; every field is required by the API, and no other is
 * accepted (the AWS CLI's --cli-input-json refuses unknown members too).
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateCustomVerificationEmailTemplate.html
 */
const TemplateSchema = strictObject({
  TemplateName: z.string().check(z.minLength(1)),
  FromEmailAddress: z.string().check(z.minLength(1)),
  TemplateSubject: z.string(),
  TemplateContent: z.string(),
  SuccessRedirectionURL: z.string(),
  FailureRedirectionURL: z.string(),
});

export const VERIFICATION_TEMPLATE_CHECK: CheckInput<CustomVerificationState> = {
  kind: 'verification-template',
  description: 'an SESv2 CreateCustomVerificationEmailTemplate request',
  recognise: (document) => (isRecord(document) && 'FromEmailAddress' in document ? 'it has FromEmailAddress' : undefined),
  build(file, document, target) {
    const parsed = TemplateSchema.safeParse(document);
    if (!parsed.success) throw new InvalidInputError(file, describeZodIssues(parsed.error));
    const t = parsed.data;
    const account = accountFor(file, target);
    const region = regionOf(target) ?? target.region;
    return {
      state: {
        kind: 'verification-template',
        templateName: t.TemplateName,
        templateArn: target.resource ?? verificationTemplateArn(region, account, t.TemplateName),
        template: {
          fromEmailAddress: t.FromEmailAddress,
          templateSubject: t.TemplateSubject,
          templateContent: t.TemplateContent,
          successRedirectionURL: t.SuccessRedirectionURL,
          failureRedirectionURL: t.FailureRedirectionURL,
        },
      },
      account,
      region,
    };
  },
  pointer: () => ['FromEmailAddress'],
};
