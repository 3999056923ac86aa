/**
 * What one entry of an Action/NotAction list means. IAM accepts `*` or `service:action`, and it has
 * accepted entries with stray whitespace or nothing after the colon: its own managed policies carried
 * `"lambda:ListFunctions "` (SecurityAudit v5-v6), `"access-analyzer:ListTagsForResource "`
 * (ReadOnlyAccess v61-v62), `"ec2: DescribeAccountAttributes"` (ViewOnlyAccess v1) and
 * `"amplifybackend: *"` (AdministratorAccess-Amplify v1).
 *
 * Such an entry is accepted but *inert*: it matches no request action, because a request's action never
 * contains whitespace and AWS does not trim the entry. That is how @cloud-copilot/iam-simulate evaluates
 * them (src/action/action.ts, "whitespace actions" and core-engine case edgeCases/whitespaceActions.json:
 * in Action it grants nothing, in NotAction it excludes nothing), consistent with AWS shipping the next
 * version of each of those managed policies with the spaces removed. "The name must match an action that
 * is supported by the service": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */

export type ActionPattern =
  | { kind: 'all' }
  /** `service` and `name` as written (compare case-insensitively); either may hold `*`/`?` wildcards. */
  | { kind: 'service'; service: string; name: string }
  /** Accepted by IAM, matches no action. */
  | { kind: 'inert'; reason: 'whitespace' | 'empty-action' };

const SERVICE = /^[A-Za-z0-9*?-]+$/;
const NAME = /^[A-Za-z0-9*?_.-]*$/;
const WHITESPACE = /\s/;

const cache = new Map<string, ActionPattern | null>();

/** Classifies an Action/NotAction entry; null when IAM would reject it (no `service:` prefix, bad characters). */
export function classifyAction(text: string): ActionPattern | null {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const result = classify(text);
  if (cache.size < 20_000) cache.set(text, result);
  return result;
}

function classify(text: string): ActionPattern | null {
  if (text === '*') return { kind: 'all' };
  const colon = text.indexOf(':');
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) return null;
  const service = text.slice(0, colon);
  const name = text.slice(colon + 1);
  // Whitespace is judged after the shape: "ses: Send$Email" is as invalid as "ses:Send$Email".
  if (!SERVICE.test(service.trim()) || !NAME.test(name.replace(/\s+/g, ''))) return null;
  if (WHITESPACE.test(text)) return { kind: 'inert', reason: 'whitespace' };
  if (name === '') return { kind: 'inert', reason: 'empty-action' };
  return { kind: 'service', service, name };
}

/** True when the entry can match some action (it is `*` or a well-formed `service:action`). */
export function isLiveAction(text: string): boolean {
  const pattern = classifyAction(text);
  return pattern !== null && pattern.kind !== 'inert';
}
