import { parseOperator, type BaseOperator } from './operators.ts';
import type { ConditionClause } from './types.ts';

/**
 * "Is this Allow statement's principal pinned to trusted accounts or organizations?" — shared by every
 * rule that judges who a statement reaches. Conditions are judged by who controls the key
 * (DESIGN.md §3): keys AWS fills in from the caller's authenticated identity or the calling service's
 * resource pin; keys the caller chooses (aws:SourceIp, aws:UserAgent, aws:CurrentTime, aws:Referer,
 * ses:FromAddress ...) restrict *how* a principal may act, never *who* it is.
 */

/** Who is inside the perimeter: the trusted accounts and AWS Organizations ids. */
export interface Trust {
  accounts: readonly string[];
  orgIds: readonly string[];
}

/**
 * Which keys may pin. `principal`: anything that names the caller or the service's source resource,
 * for `"*"` and named AWS principals. `service`: a service principal acts for whoever configured it, so
 * only the source keys say on whose behalf (aws:PrincipalOrgID is absent from service requests).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export type PinScope = 'principal' | 'service';

type KeyKind = 'account' | 'org' | 'org-path' | 'arn';

const PINNING_KEYS: Record<PinScope, Record<string, KeyKind>> = {
  principal: {
    'aws:principalaccount': 'account',
    'aws:principalorgid': 'org',
    'aws:principalorgpaths': 'org-path',
    'aws:principalarn': 'arn',
    'aws:sourceaccount': 'account',
    'aws:sourceorgid': 'org',
    'aws:sourceorgpaths': 'org-path',
    'aws:sourcearn': 'arn',
  },
  service: {
    'aws:sourceaccount': 'account',
    'aws:sourceorgid': 'org',
    'aws:sourceorgpaths': 'org-path',
    'aws:sourcearn': 'arn',
  },
};

/** Operators whose match means "the request value is one of these values". */
const POSITIVE_MATCH: ReadonlySet<string> = new Set(['StringEquals', 'StringLike', 'StringEqualsIgnoreCase', 'ArnEquals', 'ArnLike']);

export interface ClauseVerdict {
  pins: boolean;
  /** Why the clause does not pin (for the finding's reason); empty when it pins. */
  why: string;
}

/**
 * Whether one clause, on its own, guarantees the principal is trusted. All clauses of a statement must
 * hold for it to apply, so one pinning clause pins the statement.
 */
export function clausePins(clause: ConditionClause, trust: Trust, scope: PinScope): ClauseVerdict {
  const key = clause.key.toLowerCase();
  const kind = PINNING_KEYS[scope][key];
  if (!kind) return { pins: false, why: `${clause.key} is set by the caller, not bound to its identity` };
  const op = parseOperator(clause.operator);
  if (!op) return { pins: false, why: `${clause.operator} is not a valid condition operator` };
  if (op.negated || !POSITIVE_MATCH.has(op.base)) {
    return { pins: false, why: `${clause.operator} on ${clause.key} excludes values instead of requiring trusted ones` };
  }
  // IfExists and ForAllValues both let a request that lacks the key through (ForAllValues is true on an
  // empty set). ForAnyValue is false when the key is missing, so with a positive operator it still
  // requires a trusted value. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  if (op.ifExists) return { pins: false, why: `${clause.operator} lets a request without ${clause.key} through` };
  if (op.set === 'ForAllValues') return { pins: false, why: `ForAllValues on ${clause.key} is true when the key is absent` };
  if (clause.values.length === 0) return { pins: false, why: `${clause.key} has no values` };
  const untrusted = clause.values.filter((value) => !valueIsTrusted(kind, value, trust, op.base));
  if (untrusted.length > 0) return { pins: false, why: `${clause.key} allows ${untrusted.map((v) => `"${v}"`).join(', ')}, which is not trusted` };
  return { pins: true, why: '' };
}

/** `*` and `?` are wildcards only for StringLike and the Arn operators; StringEquals compares them literally. */
function wildcardsApply(base: BaseOperator): boolean {
  return base === 'StringLike' || base === 'ArnLike' || base === 'ArnEquals';
}

/**
 * Whether the text can only ever stand for itself: no policy variable (its value is the caller's, or
 * empty), and no wildcard where the operator expands wildcards.
 */
function isLiteral(text: string, base: BaseOperator): boolean {
  if (text.includes('${')) return false;
  return !wildcardsApply(base) || !/[*?]/.test(text);
}

function valueIsTrusted(kind: KeyKind, value: string, trust: Trust, base: BaseOperator): boolean {
  switch (kind) {
    case 'account':
      return isLiteral(value, base) && trust.accounts.includes(value);
    case 'org':
      return isLiteral(value, base) && trust.orgIds.some((org) => org.toLowerCase() === value.toLowerCase());
    case 'org-path': {
      // Paths look like o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/...; the org id, first, must be literal, and
      // so must the slash that ends it (or `o-a1b2c3d4e5*` would match o-a1b2c3d4e5zz/...).
      const slash = value.indexOf('/');
      const org = slash < 0 ? value : value.slice(0, slash);
      return isLiteral(org, base) && trust.orgIds.some((trusted) => trusted.toLowerCase() === org.toLowerCase());
    }
    case 'arn':
      return arnPinsAccount(value, trust, base);
  }
}

/**
 * An ARN value pins the account only if nothing a caller controls can reach into or past the account
 * field. IAM paths and many resource names may contain ":", so with StringLike (whose `*` spans colons)
 * or any policy variable (whose value may hold colons) before the account field, the trusted account
 * can be pushed into the resource part: "arn:aws:iam:*:111122223333:*" matches
 * arn:aws:iam::444455556666:user/:111122223333:/mallory. ArnLike and ArnEquals match segment by
 * segment, so there a wildcard before the account field stays in its own segment, and only the account
 * segment itself must be literal.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
function arnPinsAccount(value: string, trust: Trust, base: BaseOperator): boolean {
  // The first five colons must be literal text: a variable before them may hide a colon of its own.
  let colons = 0;
  let end = -1;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) === 58 && ++colons === 5) {
      end = i;
      break;
    }
  }
  // Fewer than six segments: an Arn operator never matches a short ARN; a string one names no account.
  if (end < 0) return false;
  const head = value.slice(0, end + 1);
  if (head.includes('${')) return false;
  const account = head.split(':')[4] ?? '';
  if (!trust.accounts.includes(account)) return false;
  if (base === 'ArnLike' || base === 'ArnEquals') return true;
  // String operators compare the whole text: everything up to the account must be literal.
  return isLiteral(head, base);
}

export interface PinVerdict {
  pinned: boolean;
  /** The clauses that pin it (when pinned). */
  by: ConditionClause[];
  /** Sentence fragment: why it is not pinned (when not pinned). */
  why: string;
}

export function conditionsPinToTrusted(conditions: readonly ConditionClause[], trust: Trust, scope: PinScope): PinVerdict {
  const verdicts = conditions.map((clause) => ({ clause, verdict: clausePins(clause, trust, scope) }));
  const by = verdicts.filter((v) => v.verdict.pins).map((v) => v.clause);
  if (by.length > 0) return { pinned: true, by, why: '' };
  const keyword = scope === 'service' ? 'aws:SourceAccount, aws:SourceArn or aws:SourceOrgID' : 'aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn or aws:SourceOrgID';
  if (conditions.length === 0) return { pinned: false, by, why: `it has no condition on ${keyword}` };
  return { pinned: false, by, why: `no condition pins it to a trusted account or organization (${verdicts.map((v) => v.verdict.why).join('; ')})` };
}

/**
 * Whether a condition on a content key (ses:FromAddress, ses:Recipients) actually restricts: a
 * positive match that the request must carry and that is not simply `*`.
 */
export function clauseRestricts(clause: ConditionClause): boolean {
  const op = parseOperator(clause.operator);
  if (!op || op.negated || op.ifExists || !POSITIVE_MATCH.has(op.base)) return false;
  // ForAllValues is true when the key is absent; SES always sets ses:Recipients on a send, so there
  // (and only there) ForAllValues restricts every recipient. ses:FromAddress is single-valued.
  if (op.set === 'ForAllValues' && clause.key.toLowerCase() !== 'ses:recipients') return false;
  // `*`, `*@*` and the like match any address.
  return clause.values.length > 0 && clause.values.every((value) => !/^[*?]*@?[*?]*$/.test(value));
}
