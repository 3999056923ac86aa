import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSection, GUARD_COVERAGE_MARKER, renderGuardCoverage } from '../../../scripts/deploy/docs.ts';
import { SUPPORTED_EVENTS } from '../index.ts';

describe("README's GUARD-001 coverage is the parsers' own list", () => {
  it('is up to date (regenerate with npx tsx scripts/deploy/write-docs.ts)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(generatedSection(readme, GUARD_COVERAGE_MARKER)).toBe(renderGuardCoverage());
  });

  it('names every call the guard-integrity family handles', () => {
    const table = renderGuardCoverage();
    for (const e of SUPPORTED_EVENTS.filter((row) => row.family === 'guard-integrity')) expect(table).toContain(`\`${e.eventName}\``);
  });
});
