/**
 * Every family in lib/families gets its own Lambda function whose whole code is this entry, generated
 * per family by the bundler (scripts/deploy/bundle.ts): it imports that family's index.ts only, so the
 * bundle — and the IAM role derived from it — carries exactly that family's SDK commands. Adding a family
 * therefore needs no file here.
 */
export function familyEntrySource(familyId: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(familyId)) throw new Error(`not a family id: ${familyId}`);
  return [
    `import family from './lib/families/${familyId}/index.ts';`,
    `import { createGuardHandler } from './functions/runtime/guard-handler.ts';`,
    `export const handler = createGuardHandler(family);`,
  ].join('\n');
}
