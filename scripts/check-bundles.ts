/**
 * `npm run check:bundles`: bundles every function and fails when one is over package.json
 * `sesguard.bundleBudgetKb` (the JavaScript a cold start loads: the handler module, which the start-up chunks are linked into). A bundle that grows past its budget usually means a whole SDK client or
 * catalogue got pulled in where one command was meant: cold starts and the role both grow with it.
 */
import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../lib/config/load.ts';
import { bundleFunction } from './deploy/bundle.ts';
import { bundlesOverBudget, readBundleBudgetKb, readSweepBundleBudgetKb } from './deploy/bundle-budget.ts';
import { ALL_FUNCTIONS } from './deploy/functions.ts';

try {
  const budgetKb = await readBundleBudgetKb();
  const sweepBudgetKb = await readSweepBundleBudgetKb();
  const budgetOf = (name: string): number => (name === 'sweep' ? sweepBudgetKb : budgetKb);
  const config = parseConfigText(await readFile('sesguard.config.yml', 'utf8'), 'sesguard.config.yml');
  const bundles = await Promise.all(ALL_FUNCTIONS.map((fn) => bundleFunction(fn, config)));
  for (const b of bundles) console.log(`${b.fn.name.padEnd(20)} ${(b.bytes / 1024).toFixed(1).padStart(7)} KB at start-up / ${budgetOf(b.fn.name)} KB (${(b.totalBytes / 1024).toFixed(1)} KB with its lazy chunks)`);
  const over = bundles.flatMap((b) => bundlesOverBudget([{ name: b.fn.name, bytes: b.bytes }], budgetOf(b.fn.name)));
  if (over.length > 0) {
    console.error(`bundle budget exceeded:\n  ${over.join('\n  ')}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`check:bundles failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
