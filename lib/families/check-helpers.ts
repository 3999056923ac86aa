import { accountOfArn, parsePolicy } from '../policy/index.ts';
import type { Policy } from '../policy/types.ts';
import { describePolicyError } from './policy-document.ts';
import { InvalidInputError, type CheckTarget } from './family.ts';

/** Helpers the families' `sesguard check` inputs share. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The statements of a policy-shaped document (a single-object Statement counts as one). */
export function statementsOf(document: unknown): unknown[] {
  if (!isRecord(document) || !('Statement' in document)) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function namesAPrincipal(document: unknown): boolean {
  return statementsOf(document).some((s) => isRecord(s) && ('Principal' in s || 'NotPrincipal' in s));
}

export function policyOf(file: string, document: unknown): Policy {
  const result = parsePolicy(document);
  if (!result.ok) throw new InvalidInputError(file, result.errors.map(describePolicyError));
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
