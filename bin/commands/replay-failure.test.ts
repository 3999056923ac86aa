import { describe, expect, it, vi } from 'vitest';
import { runReplay } from './replay.ts';
import { runCommand } from './test-io.ts';
import type * as Decide from '../../lib/guard/decide.ts';

// Stands in for a defect in the guard itself (a rule or planner that throws) on one particular event.
vi.mock('../../lib/guard/decide.ts', async (importOriginal) => {
  const original = await importOriginal<typeof Decide>();
  return {
    ...original,
    decideEvent: (envelope: unknown, deps: Parameters<typeof original.decideEvent>[1]) => {
      const eventName = (envelope as { detail?: { eventName?: string } }).detail?.eventName;
      if (eventName === 'StopLogging') return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'statements')"));
      return original.decideEvent(envelope, deps);
    },
  };
});

describe('sesguard replay when the guard fails on one event', () => {
  it('reports that event as an error, still decides the others, and exits 2', async () => {
    const { code, stdout } = await runCommand(runReplay, ['events/guard-integrity/cloudtrail-stop-logging.json', 'events/identity-policy/v2-create-policy-public-principal.json', '--format', 'json']);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { verdict: string; errors: string[] });
    // Judged in eventTime order: the identity-policy event happened first.
    expect(lines.map((l) => l.verdict)).toEqual(['noncompliant', 'error']);
    expect(lines[1]?.errors).toEqual([
      "the guard failed on events/guard-integrity/cloudtrail-stop-logging.json: TypeError: Cannot read properties of undefined (reading 'statements')",
    ]);
    expect(code).toBe(2);
  });
});
