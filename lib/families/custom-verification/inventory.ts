import { ListCustomVerificationEmailTemplatesCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { assertClientRegion } from '../../aws/region.ts';
import type { FamilyInventory } from '../family.ts';
import { verificationTemplateArn } from '../../aws/arns.ts';
import type { CustomVerificationChange, CustomVerificationState } from './types.ts';

/**
 * Every custom verification email template of the region (ListCustomVerificationEmailTemplates, at most 50 a
 * page). The listing carries no TemplateContent, and a compliant template seeds the baseline a revert writes
 * back whole, so the state is read live (GetCustomVerificationEmailTemplate, the event path's reader). Sent
 * verification emails are actions, not resources: there is nothing of them to sweep.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListCustomVerificationEmailTemplates.html
 */
export const PAGE_SIZE = 50;

export const customVerificationInventory: FamilyInventory<CustomVerificationChange, CustomVerificationState> = {
  scope: 'regional',
  connect(make, where) {
    const sesv2 = make(SESv2Client, 'SESV2');
    return {
      async page(cursor) {
        await assertClientRegion(sesv2, where.region, 'SES');
        const out = await sesv2.send(new ListCustomVerificationEmailTemplatesCommand({ PageSize: PAGE_SIZE, ...(cursor !== undefined && { NextToken: cursor }) }));
        const names = (out.CustomVerificationEmailTemplates ?? []).flatMap((t) => (t.TemplateName ? [t.TemplateName] : []));
        return {
          entries: names.map((templateName) => ({
            key: templateName,
            resource: verificationTemplateArn(where.region, where.accountId, templateName),
            items: () =>
              Promise.resolve([
                {
                  change: {
                    ...where.changeBase(templateName),
                    family: 'custom-verification' as const,
                    operation: 'update-template' as const,
                    apiVersion: 'v2' as const,
                    target: { templateName },
                  },
                },
              ]),
          })),
          sorted: false,
          ...(out.NextToken && { next: out.NextToken }),
        };
      },
    };
  },
};
