import { accountOfArn, parsePolicy } from '../policy/index.ts';
import type { Policy, PolicyError } from '../policy/types.ts';
import { didYouMean, unknownKeysMessage } from '../nearest-name.ts';
import { describePolicyError } from './policy-document.ts';
import { isRecord } from '../json-value.ts';
import { InvalidInputError, type CheckTarget } from './family.ts';

/** Helpers the families' `sesguard check` inputs share. */

export { isRecord } from '../json-value.ts';

/** The statements of a policy-shaped document (a single-object Statement counts as one). */
export function statementsOf(document: unknown): unknown[] {
  if (!isRecord(document) || !('Statement' in document)) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function namesAPrincipal(document: unknown): boolean {
  return statementsOf(document).some((s) => isRecord(s) && ('Principal' in s || 'NotPrincipal' in s));
}

/** The IAM policy grammar's element names (IAM User Guide, "Grammar of the IAM JSON policy language"), for suggestions. */
const POLICY_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/** The parser names an element it does not know; the message also names the element that was probably meant. */
function withSuggestion(error: PolicyError): string {
  const described = describePolicyError(error);
  if (/is not a (policy|statement) element/.test(error.message)) return `${described}${didYouMean(error.field, error.statement === undefined ? POLICY_ELEMENTS : STATEMENT_ELEMENTS)}`;
  return described;
}

export function policyOf(file: string, document: unknown): Policy {
  const result = parsePolicy(document);
  if (!result.ok) throw new InvalidInputError(file, result.errors.map(withSuggestion));
  return result.policy;
}

/** The account the checked resource is in: --resource's, else --account (or the first trusted account). */
export function accountFor(file: string, target: CheckTarget): string {
  const account = (target.resource ? accountOfArn(target.resource) : undefined) ?? target.account;
  if (account === undefined) {
    throw new InvalidInputError(file, ['cannot tell which account the resource is in: pass --account or --resource, or list trustedAccounts in the config']);
  }
  return account;
}

/** The region of --resource, when it names one. */
export function regionOf(target: CheckTarget): string | undefined {
  return target.resource?.split(':')[3] || undefined;
}

/** A finding on a statement points at it; otherwise at the document. */
export function statementPointer(finding: { statement?: { index: number } }): ReadonlyArray<string | number> {
  return finding.statement ? ['Statement', finding.statement.index] : [];
}

export function fileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}

/**
 * The members an input may have: `true` for a value, a nested tree for an object, `[tree]` for a list of
 * objects. Member names match case-insensitively when the API they come from does (SES folds v1's
 * `SNSDestination`/`TopicARN` into v2's spelling).
 */
export type MemberTree = { readonly [member: string]: true | MemberTree | readonly [MemberTree] };

/** Every member of `value` the tree does not list, as `path: unknown field "x" (did you mean "y"?)`. */
export function unknownMembers(value: unknown, tree: MemberTree, options: { path?: string; caseInsensitive?: boolean } = {}): string[] {
  if (!isRecord(value)) return [];
  const { path = '', caseInsensitive = false } = options;
  const names = Object.keys(tree);
  const find = (key: string): string | undefined => names.find((n) => (caseInsensitive ? n.toLowerCase() === key.toLowerCase() : n === key));
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const name = find(key);
    if (name === undefined) {
      unknown.push(key);
      continue;
    }
    const shape = tree[name];
    const at = path ? `${path}.${key}` : key;
    if (Array.isArray(shape)) {
      if (Array.isArray(member)) member.forEach((item, i) => problems.push(...unknownMembers(item, shape[0] as MemberTree, { path: `${at}[${i}]`, caseInsensitive })));
    } else if (shape !== true) {
      problems.push(...unknownMembers(member, shape as MemberTree, { path: at, caseInsensitive }));
    }
  }
  if (unknown.length > 0) problems.unshift(`${path || '(root)'}: ${unknownKeysMessage(unknown, names)}`);
  return problems;
}
