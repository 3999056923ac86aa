import { parseConfig } from '../../../config/load.ts';
import { checkCase, labelled, ACCOUNT, PERIMETER_ACTIONS, PRINCIPAL, type DifferentialCase, type Outcome } from '../../../policy/__fixtures__/reach-differential.ts';
import type { RuleContext } from '../../../rules/types.ts';
import { perimeterGains } from '../rules.ts';
import type { IamGrantState, IamPolicyInEffect } from '../types.ts';

/**
 * IAM-SES-001 against @cloud-copilot/iam-simulate. For one case (alice, a user of 111122223333, holding
 * `documents`), the rule's answer per perimeter action — does alice gain it through any statement of any
 * of her policies — is compared with the oracle's verdict on concrete requests (lib/policy/__fixtures__/
 * reach-differential.ts: iam-simulate must allow the witness of a grant, and deny a broad sample of
 * requests where there is none):
 * - the rule finds a gain that iam-simulate confirms, or finds none where iam-simulate allows none: agree;
 * - the rule finds none but iam-simulate allows a request: the rule MISSED a grant (the hole this checks);
 * - the rule finds a gain where the oracle's sample allows nothing: a false positive.
 * Answers the oracle cannot confirm (resting on stated assumptions, or on a resource type the catalogue
 * does not list for the action) must still be gains for the rule: a guard counts them.
 */
export type RuleOutcome = { kind: 'agree'; oracle: Outcome['kind'] } | { kind: 'missed' | 'false-positive' | 'oracle-divergence'; detail: string };

const CTX: RuleContext = { config: parseConfig({}), accountId: ACCOUNT, region: 'us-east-1', now: new Date('2026-11-24T00:00:00Z') };

/** The actions the rule says alice gains: each of her policies judged as the changed one, the others beside it. */
export function ruleGains(documents: readonly unknown[]): Set<string> {
  const policies: IamPolicyInEffect[] = labelled(documents).map(({ label, policy }, i) => ({ source: `arn:aws:iam::${ACCOUNT}:policy/${label}`, kind: 'managed', rawDocument: JSON.stringify(documents[i]), document: policy }));
  const gained = new Set<string>();
  for (const changed of policies) {
    const state: IamGrantState = { kind: 'iam-grant', changedPolicy: changed, principals: [{ principal: { type: 'user', name: 'alice' }, arn: PRINCIPAL, policies, groups: [] }] };
    for (const gain of perimeterGains(state, CTX)) for (const g of gain.gained) gained.add(g.action);
  }
  return gained;
}

export async function checkRule(c: DifferentialCase, breadth: 'broad' | 'narrow', gained = ruleGains(c.documents)): Promise<RuleOutcome> {
  const oracle = await checkCase(c, breadth);
  const ruleSays = gained.has(c.action);
  switch (oracle.kind) {
    case 'confirmed-witness':
      return ruleSays ? { kind: 'agree', oracle: oracle.kind } : { kind: 'missed', detail: `iam-simulate allows ${oracle.result.reachable ? `${oracle.result.resource} ${JSON.stringify(oracle.result.context)}` : ''}, the rule finds no gain` };
    case 'unreachable-confirmed':
      return ruleSays ? { kind: 'false-positive', detail: `the rule finds a gain; iam-simulate allows none of ${oracle.simulations} sampled requests` } : { kind: 'agree', oracle: oracle.kind };
    case 'uncertain':
    case 'perimeter-witness':
      return ruleSays ? { kind: 'agree', oracle: oracle.kind } : { kind: 'missed', detail: `reachable (${oracle.kind}) but the rule finds no gain` };
    case 'oracle-divergence':
      return { kind: 'oracle-divergence', detail: oracle.detail };
    case 'disagreement':
      // The engine and the oracle disagree (reach.test.ts reports these); the rule cannot be judged here.
      return { kind: 'oracle-divergence', detail: `engine/oracle disagreement: ${oracle.detail}` };
  }
}

export { PERIMETER_ACTIONS };
