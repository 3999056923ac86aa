import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Family } from './family.ts';
import { FAMILIES, FAMILY_LIST, SUPPORTED_EVENTS } from './index.ts';
import { widgetEvent, widgetFamily, type WidgetChange, type WidgetState } from './__fixtures__/widget-family.ts';
import { buildEventPatterns } from '../../scripts/deploy/event-patterns.ts';
import { matchesEventPattern } from '../../scripts/deploy/event-pattern-matcher.ts';
import { guardFunctionOf } from '../../scripts/deploy/functions.ts';
import { familyEntrySource } from '../../functions/runtime/family-entry.ts';

/**
 * A trigger family is one folder and one registry line. The compiler names a missing facet (the
 * `@ts-expect-error` lines below fail `npm test`'s typecheck if an incomplete family ever compiles), and
 * everything that deploys or runs a family derives from the registry entry alone.
 */
const widget = widgetFamily(new Map());

describe('the Family contract', () => {
  it('an incomplete family does not compile: every facet is required', () => {
    const { rules: _rules, ...withoutRules } = widget;
    const { states: _states, ...withoutStates } = widget;
    const { connect: _connect, ...withoutConnect } = widget;
    const { inventory: _inventory, ...withoutInventory } = widget;
    // @ts-expect-error a family without its inventory is not a Family: the sweep would never see its resources
    const missingInventory: Family<WidgetChange, WidgetState> = withoutInventory;
    // @ts-expect-error a family without its rules is not a Family
    const missingRules: Family<WidgetChange, WidgetState> = withoutRules;
    // @ts-expect-error a family without the facets of its state kinds is not a Family
    const missingStates: Family<WidgetChange, WidgetState> = withoutStates;
    // @ts-expect-error a family without its AWS side (reader, repair senders) is not a Family
    const missingConnect: Family<WidgetChange, WidgetState> = withoutConnect;
    const incomplete: unknown[] = [missingRules, missingStates, missingConnect, missingInventory];
    expect(incomplete).toHaveLength(4);
  });

  it('a state kind without its facet does not compile', () => {
    // @ts-expect-error `states` is a mapped type over the family's state kinds: 'widget' must be there
    const states: Family<WidgetChange, WidgetState>['states'] = {};
    expect(states).toEqual({});
  });
});

describe('a new family needs nothing outside its folder and its registry line', () => {
  it('its function, entry, EventBridge pattern and routing all derive from the Family object', () => {
    expect(guardFunctionOf(widget)).toEqual({ kind: 'guard', name: 'widget', globalOnly: false });
    expect(familyEntrySource('widget')).toContain("import family from './lib/families/widget/index.ts';");
    const rows = [...SUPPORTED_EVENTS, ...widget.events.map(({ eventSource, eventName }) => ({ eventSource, eventName, family: 'widget' }))];
    const patterns = buildEventPatterns(rows, { dropFailedCalls: true });
    const pattern = patterns['widget']?.regional;
    expect(pattern).toBeDefined();
    expect(matchesEventPattern(pattern ?? {}, widgetEvent('w'))).toBe(true);
    for (const [family, byScope] of Object.entries(patterns)) {
      if (family === 'widget') continue;
      for (const other of Object.values(byScope)) expect(matchesEventPattern(other, widgetEvent('w'))).toBe(false);
    }
  });
});

describe('the registry', () => {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const folders = readdirSync(root).filter((name) => !name.startsWith('__') && statSync(join(root, name)).isDirectory());

  it('lists every family folder, keyed by the family id', () => {
    expect(Object.keys(FAMILIES).sort()).toEqual(folders.sort());
    for (const [key, family] of Object.entries(FAMILIES)) expect(family.id).toBe(key);
  });

  it.each(folders)('lib/families/%s/index.ts default-exports its family (the generated Lambda entry imports it)', async (folder) => {
    const module = (await import(`./${folder}/index.ts`)) as { default: Family };
    expect(module.default.id).toBe(folder);
  });

  it('offers shared events to guard-integrity first', () => {
    expect(FAMILY_LIST[0]?.id).toBe('guard-integrity');
    expect(FAMILY_LIST.map((f) => f.id).sort()).toEqual(Object.keys(FAMILIES).sort());
  });
});
