/**
 * `npx tsx scripts/deploy/write-docs.ts`: writes the generated parts of the docs, so what the README and
 * docs/permissions.md say about the guard's safety is what the code and the build do:
 *  - the GUARD-001 coverage table in README.md (from the guard-integrity parsers),
 *  - docs/permissions.md: every role's exact statements, from a build of stage `prod` in the sample regions.
 * Tests fail when either is stale (lib/families/guard-integrity/coverage-doc.test.ts, test/deployment/template.test.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { buildDeployment } from './build-deployment.ts';
import { renderPermissionsDoc, replaceGeneratedSection, renderGuardCoverage, DOC_BUILD, GUARD_COVERAGE_MARKER } from './docs.ts';

const readme = await readFile('README.md', 'utf8');
await writeFile('README.md', replaceGeneratedSection(readme, GUARD_COVERAGE_MARKER, renderGuardCoverage()));
const build = await buildDeployment({ stage: DOC_BUILD.stage, guardRegions: DOC_BUILD.guardRegions.join(','), outDir: '.build/docs' });
await writeFile('docs/permissions.md', renderPermissionsDoc(build));
console.log('wrote README.md (GUARD-001 coverage) and docs/permissions.md');
