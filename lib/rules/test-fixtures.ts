/**
 * Builders for rule tests (imported only by *.test.ts): real documents go through the real policy
 * parser, so the rules are tested on what the engine produces, not on hand-made shapes.
 */
import { parseConfig } from '../config/load.ts';
import type { ConfigInput } from '../config/schema.ts';
import type { Actor } from '../cloudtrail/types.ts';
import { parsePolicy } from '../policy/index.ts';
import type { Policy } from '../policy/types.ts';
import type { IdentityPolicyState } from '../families/identity-policy/types.ts';
import type { IamGrantState, IamPolicyInEffect } from '../families/iam-grant/types.ts';
import { RULES } from '../families/index.ts';
import { judge } from './judge.ts';
import type { Finding, ResourceState, RuleContext } from './types.ts';

/** Every registered rule judges the state (each rule applies only to its own state kinds). */
export function judgeAll<S extends ResourceState>(state: S, context: RuleContext): Finding[] {
  return judge(state, context, RULES);
}

export const OWN_ACCOUNT = '888888888888';
export const NOW = new Date('2026-06-15T12:00:00Z');

export function ctx(config: ConfigInput = {}, extra: Partial<Omit<RuleContext, 'config'>> = {}): RuleContext {
  return { config: parseConfig(config), accountId: OWN_ACCOUNT, region: 'us-east-1', now: NOW, ...extra };
}

export function policy(document: unknown): Policy {
  const result = parsePolicy(document);
  if (!result.ok) throw new Error(`fixture does not parse: ${JSON.stringify(result.errors)}`);
  return result.policy;
}

export function identityPolicyState(document: unknown, identity = 'example.com'): IdentityPolicyState {
  return {
    kind: 'identity-policy',
    identity,
    identityArn: `arn:aws:ses:us-east-1:${OWN_ACCOUNT}:identity/${identity}`,
    policyName: 'test-policy',
    rawDocument: JSON.stringify(document),
    document: policy(document),
  };
}

export function iamPolicy(source: string, document: unknown): IamPolicyInEffect {
  return { source, kind: source.startsWith('inline:') ? 'inline' : 'managed', rawDocument: JSON.stringify(document), document: policy(document) };
}

/** A change to `changed`, reaching each principal with `changed` plus its other policies. */
export function iamGrantState(changed: IamPolicyInEffect, principals: Array<{ arn: string; others?: IamPolicyInEffect[] }>): IamGrantState {
  return {
    kind: 'iam-grant',
    changedPolicy: changed,
    principals: principals.map(({ arn, others = [] }) => ({
      principal: { type: arn.includes(':role/') ? 'role' : 'user', name: arn.split('/').pop() ?? arn },
      arn,
      policies: [changed, ...others],
    })),
  };
}

export function actor(arn: string, sessionIssuerArn?: string): Actor {
  return {
    arn,
    type: sessionIssuerArn ? 'AssumedRole' : 'IAMUser',
    accountId: arn.split(':')[4] ?? OWN_ACCOUNT,
    ...(sessionIssuerArn && { sessionIssuerArn }),
  };
}
