import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCloudTrailEvent, type ParseOptions } from '../cloudtrail/parse.ts';
import type { Change } from '../cloudtrail/types.ts';
import { StateUnavailableOfflineError } from './state-errors.ts';
import { SAMPLE_PARSE_OPTIONS } from '../../test/support/sample-options.ts';
import { EVENT_PARSERS, familyById, type FamilyId, type KnownChange, type KnownState, type StateKind } from './index.ts';

function readOfflineState(change: Change, sidecar?: unknown): KnownState {
  const family = familyById(change.family);
  if (!family) throw new Error(`no family ${change.family}`);
  return family.offlineState(change, sidecar) as KnownState;
}

/**
 * Every sample event the replay CLI can be pointed at either yields the state of its family offline, or
 * — only for IAM calls whose CloudTrail record carries no document and that have no sidecar — says that
 * --live is needed. Nothing in events/ may fail any other way.
 */
const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
const OPTIONS: ParseOptions = SAMPLE_PARSE_OPTIONS;

const KIND_OF_FAMILY: Record<FamilyId, readonly StateKind[]> = {
  'identity-policy': ['identity-policy'],
  'event-destination': ['event-destination'],
  'custom-verification': ['custom-verification-send', 'verification-template'],
  'iam-grant': ['iam-grant'],
  'guard-integrity': ['guard-integrity'],
};

/** CloudTrail records these with no policy document in requestParameters. */
function carriesNoDocument(change: KnownChange): boolean {
  if (change.family !== 'iam-grant') return false;
  return change.operation === 'attach' || change.operation === 'set-default-version' || change.operation === 'add-to-group' || (change.operation === 'create-version' && !change.setAsDefault);
}

const samples = readdirSync(EVENTS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => readdirSync(join(EVENTS_DIR, dir.name)).filter((f) => f.endsWith('.json') && !f.endsWith('.state.json')).map((f) => join(dir.name, f)))
  .sort()
  .flatMap((file) => {
    const parsed = parseCloudTrailEvent(JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')), EVENT_PARSERS, OPTIONS);
    // Skipped events never reach the state reader.
    return 'skip' in parsed ? [] : [{ file, change: parsed as KnownChange }];
  });

describe('readOfflineState over events/', () => {
  it('has sample changes to read', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each(samples)('$file', ({ file, change }) => {
    const sidecarPath = join(EVENTS_DIR, file.replace(/\.json$/, '.state.json'));
    const sidecar: unknown = existsSync(sidecarPath) ? JSON.parse(readFileSync(sidecarPath, 'utf8')) : undefined;
    if (sidecar === undefined && carriesNoDocument(change)) {
      expect(() => readOfflineState(change, sidecar)).toThrow(StateUnavailableOfflineError);
      return;
    }
    const state = readOfflineState(change, sidecar);
    expect(KIND_OF_FAMILY[change.family as FamilyId]).toContain(state.kind);
    if (state.kind === 'identity-policy') expect(state.parseErrors ?? []).toEqual([]);
    if (state.kind === 'iam-grant') expect(state.trust?.document ?? state.changedPolicy?.document ?? state.gainedPolicies).toBeTruthy();
  });
});
