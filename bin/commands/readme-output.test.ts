import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runReplay } from './replay.ts';
import { runCommand } from './test-io.ts';

/**
 * The README promises that its "What the main job prints" excerpt is real output of `npx sesguard replay
 * events/`. Each paragraph of the excerpt (one event, or the summary) must appear, line for line, in what
 * the command prints today, so a change to the guard's output cannot leave the README behind. The
 * excerpt picks one event per family, so the paragraphs need not be in the output's order.
 */
async function readmeExcerpt(): Promise<string[][]> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## What the main job prints'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README has no output block under "What the main job prints"');
  return block
    .trimEnd()
    .split(/\n\n+/)
    .filter((part) => part.trim() !== '...')
    .map((part) => part.split('\n'));
}

describe('README main-job excerpt', () => {
  it('is what `sesguard replay events/` prints, paragraph by paragraph', async () => {
    const { stdout, code } = await runCommand(runReplay, ['events/'], { env: {} });
    expect(code).toBe(0);
    const printed = stdout.split('\n');
    const parts = await readmeExcerpt();
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) {
      const at = printed.findIndex((_, i) => part.every((line, k) => printed[i + k] === line));
      expect(at, `README paragraph starting "${part[0]}" is not in the output`).toBeGreaterThanOrEqual(0);
    }
  });
});
