import { basename } from 'node:path';
import { z } from 'zod';
import { parsePolicy } from '../../lib/policy/index.ts';
import type { Policy } from '../../lib/policy/types.ts';
import type { EventDestination, ResourceState } from '../../lib/state/types.ts';
import { accountOfArn } from '../../lib/policy/arn.ts';
import { iamPrincipalArn, sesConfigurationSetArn, sesIdentityArn, sesVerificationTemplateArn } from '../../lib/state/resource-arns.ts';
import { EventDestinationInputSchema, toEventDestination } from '../../lib/state/event-destination-input.ts';

/**
 * What `sesguard check` accepts: the JSON a team is about to deploy, turned into the ResourceState the
 * rules judge at runtime, so the check and the guard share one decision.
 */

export const CHECK_KINDS = ['identity-policy', 'iam-policy', 'event-destination', 'verification-template'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** The input cannot be judged; exit 2. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

export interface KindInference {
  kind: CheckKind;
  /** Why the kind was chosen, shown to the user. */
  because: string;
  inferred: boolean;
}

const DESTINATION_KEYS = [
  'SnsDestination',
  'SNSDestination',
  'KinesisFirehoseDestination',
  'EventBridgeDestination',
  'PinpointDestination',
  'CloudWatchDestination',
  'MatchingEventTypes',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function inferKind(document: unknown): Omit<KindInference, 'inferred'> | undefined {
  if (!isRecord(document)) return undefined;
  if ('Statement' in document) {
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    const named = statements.some((s) => isRecord(s) && ('Principal' in s || 'NotPrincipal' in s));
    return named
      ? { kind: 'identity-policy', because: 'statements name a Principal' }
      : { kind: 'iam-policy', because: 'no statement names a Principal' };
  }
  const destination = isRecord(document.EventDestination) ? document.EventDestination : document;
  const key = DESTINATION_KEYS.find((k) => k in destination);
  if (key) return { kind: 'event-destination', because: `it has ${key}` };
  if ('FromEmailAddress' in document) return { kind: 'verification-template', because: 'it has FromEmailAddress' };
  return undefined;
}

export interface CheckTarget {
  /** --resource ARN, when given. */
  resource?: string;
  /** Absent when neither --account, --resource nor trustedAccounts says; needed only for placeholder ARNs. */
  account?: string;
  region: string;
  /** ARN of the principal an IAM policy is judged for. */
  principal?: string;
}

function policyOf(file: string, document: unknown): Policy {
  const result = parsePolicy(document);
  if (!result.ok) {
    throw new InvalidInputError(
      file,
      result.errors.map((e) => (e.statement !== undefined ? `Statement[${e.statement}].${e.field}: ${e.message}` : `${e.field}: ${e.message}`)),
    );
  }
  return result.policy;
}

/**
 * The identity an identity policy is for: --resource, else the one SES identity ARN every Allow
 * statement names (AWS's own examples name it), else a placeholder in the target account.
 */
function identityArnOf(file: string, policy: Policy, target: CheckTarget): string {
  if (target.resource) return target.resource;
  const named = new Set(policy.statements.flatMap((s) => (s.resource ?? []).filter((r) => /^arn:[^:]+:ses:[^:]+:\d{12}:identity\/[^*?]+$/.test(r))));
  if (named.size === 1) return [...named][0] as string;
  return sesIdentityArn(target.region, accountFor(file, target), 'example.com');
}

function accountFor(file: string, target: CheckTarget): string {
  const account = (target.resource ? accountOfArn(target.resource) : undefined) ?? target.account;
  if (account === undefined) {
    throw new InvalidInputError(file, ['cannot tell which account the resource is in: pass --account or --resource, or list trustedAccounts in the config']);
  }
  return account;
}

/**
 * `prefix.path: message`. With `original`, each path segment is spelled as the file spells it: the event
 * destination schema matches member names case-insensitively, and the error must name the field the user wrote.
 */
function describeZod(error: z.ZodError, prefix: string, original?: unknown): string[] {
  return error.issues.map((issue) => {
    const path: string[] = [];
    let node: unknown = original;
    for (const segment of issue.path.map(String)) {
      const written = isRecord(node) ? Object.keys(node).find((key) => key.toLowerCase() === segment.toLowerCase()) : undefined;
      path.push(written ?? segment);
      node = isRecord(node) && written !== undefined ? node[written] : undefined;
    }
    return `${[prefix, ...path].filter(Boolean).join('.')}: ${issue.message}`;
  });
}

/** A destination in the v2 shape, also from v1 (SNSDestination/TopicARN, IAMRoleARN) and from a whole Create request. */
export function parseEventDestination(file: string, document: Record<string, unknown>): { destination: EventDestination; configurationSet?: string } {
  const wrapped = isRecord(document.EventDestination);
  const body = wrapped ? (document.EventDestination as Record<string, unknown>) : document;
  const prefix = wrapped ? 'EventDestination' : '';
  const configurationSet = typeof document.ConfigurationSetName === 'string' ? document.ConfigurationSetName : undefined;
  const fallbackName = typeof document.EventDestinationName === 'string' ? document.EventDestinationName : basename(file).replace(/\.json$/i, '');
  const parsed = EventDestinationInputSchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(file, describeZod(parsed.error, prefix, body));
  // Enabled is judged as true when absent: a check must not pass a destination because a field was left out.
  return {
    destination: toEventDestination(parsed.data, parsed.data.name ?? fallbackName, true),
    ...(configurationSet !== undefined && { configurationSet }),
  };
}

/** SESv2 CreateCustomVerificationEmailTemplate input; every field is required by the API. */
const TemplateSchema = z.object({
  TemplateName: z.string().min(1),
  FromEmailAddress: z.string().min(1),
  TemplateSubject: z.string(),
  TemplateContent: z.string(),
  SuccessRedirectionURL: z.string(),
  FailureRedirectionURL: z.string(),
});

export interface BuiltState {
  state: ResourceState;
  /** Account and region of the judged resource (for the rule context). */
  account: string;
  region: string;
}

/** Turns one parsed input into the state the rules judge; throws InvalidInputError naming the field. */
export function buildState(file: string, kind: CheckKind, document: unknown, target: CheckTarget): BuiltState {
  if (!isRecord(document)) throw new InvalidInputError(file, [`(root): must be a JSON object for kind ${kind}`]);
  const resourceRegion = target.resource?.split(':')[3] || undefined;
  switch (kind) {
    case 'identity-policy': {
      const policy = policyOf(file, document);
      const identityArn = identityArnOf(file, policy, target);
      const identity = identityArn.slice(identityArn.indexOf(':identity/') + ':identity/'.length);
      return {
        state: { kind: 'identity-policy', identity, identityArn, policyName: basename(file).replace(/\.json$/i, ''), rawDocument: JSON.stringify(document), document: policy },
        account: accountOfArn(identityArn) ?? accountFor(file, target),
        region: identityArn.split(':')[3] || target.region,
      };
    }
    case 'iam-policy': {
      const policy = policyOf(file, document);
      const account = accountFor(file, target);
      const source = target.resource ?? file;
      const principalArn = target.principal ?? iamPrincipalArn(target.region, account, 'user', 'policy-holder');
      const changed = { source, kind: 'managed' as const, rawDocument: JSON.stringify(document), document: policy };
      return {
        state: {
          kind: 'iam-grant',
          changedPolicy: changed,
          principals: [{ principal: { type: 'user', name: principalArn.split('/').pop() ?? 'policy-holder' }, arn: principalArn, policies: [changed] }],
        },
        account,
        region: target.region,
      };
    }
    case 'event-destination': {
      const { destination, configurationSet } = parseEventDestination(file, document);
      const account = accountFor(file, target);
      const region = resourceRegion ?? target.region;
      const setName = configurationSet ?? target.resource?.split('/').pop() ?? 'checked-configuration-set';
      return {
        state: { kind: 'event-destination', configurationSet: setName, configurationSetArn: target.resource ?? sesConfigurationSetArn(region, account, setName), destination },
        account,
        region,
      };
    }
    case 'verification-template': {
      const parsed = TemplateSchema.safeParse(document);
      if (!parsed.success) throw new InvalidInputError(file, describeZod(parsed.error, ''));
      const t = parsed.data;
      const account = accountFor(file, target);
      const region = resourceRegion ?? target.region;
      return {
        state: {
          kind: 'verification-template',
          templateName: t.TemplateName,
          templateArn: target.resource ?? sesVerificationTemplateArn(region, account, t.TemplateName),
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
    }
  }
}
