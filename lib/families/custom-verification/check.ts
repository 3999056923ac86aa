import { z } from 'zod';
import { InvalidInputError, type CheckInput } from '../family.ts';
import { accountFor, isRecord, regionOf } from '../check-helpers.ts';
import { describeZodIssues } from '../../zod-issues.ts';
import { verificationTemplateArn } from './state.ts';
import type { CustomVerificationState } from './types.ts';

/** SESv2 CreateCustomVerificationEmailTemplate input; every field is required by the API. */
const TemplateSchema = z.object({
  TemplateName: z.string().min(1),
  FromEmailAddress: z.string().min(1),
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
    if (!parsed.success) throw new InvalidInputError(file, describeZodIssues(parsed.error, { root: '' }));
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
