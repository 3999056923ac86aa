import * as z from '../../zod.ts';
import type { SesApiVersion } from '../../cloudtrail/types.ts';
import { canonicalKeys, parseParameters, type EventParser, type ParseContext, type ParserResult } from '../../cloudtrail/event-parser.ts';
import type { CustomVerificationChange, CustomVerificationSendChange, VerificationTemplateChange } from './types.ts';

const SES = 'ses.amazonaws.com';

/**
 * Same operation names and member names in SES v1 and v2.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_SendCustomVerificationEmail.html
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendCustomVerificationEmail.html
 */
const SendParams = z.object({
  emailAddress: z.string().check(z.minLength(1)),
  templateName: z.string().check(z.minLength(1)),
  configurationSetName: z.optional(z.string().check(z.minLength(1))),
});

/**
 * `successRedirectionURL` keeps AWS's `URL` casing; matched case-insensitively in case a recorder
 * writes `successRedirectionUrl`. templateContent is optional: CloudTrail may omit large parameters and
 * the guard judges the addresses, not the HTML.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateCustomVerificationEmailTemplate.html
 */
const templateShape = {
  templateName: z.string().check(z.minLength(1)),
  fromEmailAddress: z.optional(z.string()),
  templateSubject: z.optional(z.string()),
  templateContent: z.optional(z.string()),
  successRedirectionURL: z.optional(z.string()),
  failureRedirectionURL: z.optional(z.string()),
};
const TemplateParams = z.pipe(z.transform(canonicalKeys(Object.keys(templateShape))), z.object(templateShape));

/**
 * v1 and v2 template calls share eventSource, eventName and parameter names, so CloudTrail does not
 * say which API was used; the SDKs and the CLI put the service id (`sesv2`) in the user agent, which is
 * the only trace. Inferred: anything else is reported as v1.
 */
export function templateApiVersion(userAgent: string | undefined): SesApiVersion {
  return userAgent !== undefined && /sesv2|ses-v2|email-v2/i.test(userAgent) ? 'v2' : 'v1';
}

function parseSend(ctx: ParseContext): ParserResult<CustomVerificationChange> {
  const p = parseParameters(SendParams, ctx);
  if (!p.ok) return p.skip;
  const change: CustomVerificationSendChange = {
    ...ctx.base,
    family: 'custom-verification',
    operation: 'send',
    target: {
      templateName: p.value.templateName,
      emailAddress: p.value.emailAddress,
      ...(p.value.configurationSetName !== undefined && { configurationSet: p.value.configurationSetName }),
    },
  };
  return change;
}

function parseTemplate(operation: VerificationTemplateChange['operation']) {
  return (ctx: ParseContext): ParserResult<CustomVerificationChange> => {
    const p = parseParameters(TemplateParams, ctx);
    if (!p.ok) return p.skip;
    const t = p.value;
    const requestedTemplate: NonNullable<VerificationTemplateChange['requestedTemplate']> = {
      ...(t.fromEmailAddress !== undefined && { fromEmailAddress: t.fromEmailAddress }),
      ...(t.templateSubject !== undefined && { templateSubject: t.templateSubject }),
      ...(t.successRedirectionURL !== undefined && { successRedirectionURL: t.successRedirectionURL }),
      ...(t.failureRedirectionURL !== undefined && { failureRedirectionURL: t.failureRedirectionURL }),
    };
    const change: VerificationTemplateChange = {
      ...ctx.base,
      family: 'custom-verification',
      operation,
      apiVersion: templateApiVersion(ctx.record.userAgent),
      target: { templateName: t.templateName },
      requestedTemplate,
    };
    return change;
  };
}

export const CUSTOM_VERIFICATION_EVENTS: readonly EventParser<CustomVerificationChange>[] = [
  { eventSource: SES, eventName: 'SendCustomVerificationEmail', family: 'custom-verification', parse: parseSend },
  { eventSource: SES, eventName: 'CreateCustomVerificationEmailTemplate', family: 'custom-verification', parse: parseTemplate('create-template') },
  { eventSource: SES, eventName: 'UpdateCustomVerificationEmailTemplate', family: 'custom-verification', parse: parseTemplate('update-template') },
];
