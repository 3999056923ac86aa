import { readFile } from 'node:fs/promises';
import * as z from '../../lib/zod.ts';
import { describeZodIssues } from '../../lib/zod-issues.ts';

/**
 * `"sesguard": { "bundleBudgetKb": 600 }` in package.json: the most minified JavaScript a function may load at
 * start-up (its handler module, which the start-up chunks are linked into; what only a dynamic import() reaches loads later).
 */
const PackageJsonBudget = z.object({
  sesguard: z.object({
    bundleBudgetKb: z.number().check(z.int(), z.positive('sesguard.bundleBudgetKb must be a positive number of KiB')),
  }),
});

export async function readBundleBudgetKb(packageJsonPath = 'package.json'): Promise<number> {
  const parsed = PackageJsonBudget.safeParse(JSON.parse(await readFile(packageJsonPath, 'utf8')));
  if (!parsed.success) {
    throw new Error(`package.json: ${describeZodIssues(parsed.error).join('; ')}`);
  }
  return parsed.data.sesguard.bundleBudgetKb;
}

const SweepBudget = z.object({ sesguard: z.object({ sweepBundleBudgetKb: z.number().check(z.int(), z.positive('sesguard.sweepBundleBudgetKb must be a positive number of KiB')) }) });

/**
 * The sweep carries every family (and the guard-integrity readers) and is never on the event path, where a
 * cold start delays a repair: it has a budget of its own, `"sesguard": { "sweepBundleBudgetKb": ... }`.
 */
export async function readSweepBundleBudgetKb(packageJsonPath = 'package.json'): Promise<number> {
  const parsed = SweepBudget.safeParse(JSON.parse(await readFile(packageJsonPath, 'utf8')));
  if (!parsed.success) throw new Error(`package.json: ${describeZodIssues(parsed.error).join('; ')}`);
  return parsed.data.sesguard.sweepBundleBudgetKb;
}

export interface BundleSize {
  name: string;
  bytes: number;
}

/** The bundles over budget, with how far over; empty when every bundle fits. */
export function bundlesOverBudget(sizes: readonly BundleSize[], budgetKb: number): string[] {
  const limit = budgetKb * 1024;
  return sizes
    .filter((s) => s.bytes > limit)
    .map((s) => `${s.name}: ${(s.bytes / 1024).toFixed(1)} KB exceeds the ${budgetKb} KB budget by ${((s.bytes - limit) / 1024).toFixed(1)} KB`);
}
