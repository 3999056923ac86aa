import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readSimpleYaml } from './simple-yaml.ts';

/** Whatever readSimpleYaml answers must be what yaml reads, key order included; yaml may not refuse it. */
function expectSameAsYaml(text: string): void {
  const mine = readSimpleYaml(text);
  if (mine === undefined) return;
  let theirs: unknown;
  try {
    theirs = parse(text);
  } catch (error) {
    throw new Error(`readSimpleYaml read a document yaml refuses (${String(error)}):\n${text}`);
  }
  expect(mine, text).toEqual(theirs);
  expect(JSON.stringify(mine), text).toBe(JSON.stringify(theirs));
}

/** Scalars as configs write them, and the tricky ones of YAML 1.2's core schema. */
const USUAL = [
  'dry-run', 'enforce', 'delete', 'rate(6 hours)', 'sesguard-quarantine', 'arn:aws:iam::111122223333:role/ses-admin',
  'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*', 'example.com',
  'true', 'false', '0.8', '2', '"111122223333"', "'*.example.com'", 'a b', 'x_y', '/path/x',
];
const TRICKY = [
  'toString', 'constructor', 'hasOwnProperty', 'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'off', 'y', 'null', 'Null', 'NULL', '~', 'nil',
  '0', '00', '007', '-0', '-0.0', '-1', '+1', '1.5', '0.8', '2', '1.', '.5', '1e3', '1E3', '0x1F', '0o17', '.inf', '-.inf', '.nan', 'NaN',
  '111122223333', '1234567890123456789', '2026-12-31', '2026-12-31T00:00:00Z', '12:30', '1_000',
  'a b', 'a  b', 'a #b', 'a#b', 'a: b', 'a:b', 'a :b', 'a,b', 'a]', 'a}', 'a ', ' a', 'key:', 'a?', '?a', '-a', '- a', '/x', '_x',
  '*.example.com', '*x', '&x', '!tag', '!!str x', '|', '>', '@x', '`x', '%x', '[a]', '[a, b]', '{a: 1}', '{}', '[]', 'ü', 'a\\b',
  '"q"', '"a # b"', '"a\\"b"', '"a\\nb"', '"a, b"', '"]"', "'s'", "'it''s'", "'a\"b'", '""', "''", '"', "'",
];
const scalar = fc.oneof({ arbitrary: fc.constantFrom(...USUAL), weight: 6 }, { arbitrary: fc.constantFrom(...TRICKY), weight: 1 });
const key = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/), weight: 8 },
  { arbitrary: fc.constantFrom('mode', 'rules', 'SES-IDP-005', 'a', 'true', 'null', '1', '"q"', 'a b', '__proto__', 'toString', 'constructor', '?', 'x:', '-'), weight: 1 },
);
const gap = fc.constantFrom(' ', ' ', ' ', '  ', '');
const comment = fc.constantFrom('', '', '', '', '', ' # note', '  #x', '#x', ' #');

type Node = { kind: 'scalar'; text: string } | { kind: 'flow'; items: string[]; map: boolean } | { kind: 'map'; entries: Array<[string, Node]> } | { kind: 'seq'; items: Node[] };

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((text): Node => ({ kind: 'scalar', text })),
    fc.record({ items: fc.array(scalar, { maxLength: 3 }), map: fc.boolean() }).map(({ items, map }): Node => ({ kind: 'flow', items, map })),
    fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4 }).map((entries): Node => ({ kind: 'map', entries })),
    // Lists hold scalars mostly, as configs write them; a nested list or mapping is left to yaml.
    fc.array(fc.oneof({ arbitrary: scalar.map((text): Node => ({ kind: 'scalar', text })), weight: 8 }, { arbitrary: tie('node'), weight: 1 }), { minLength: 1, maxLength: 3 }).map((items): Node => ({ kind: 'seq', items })),
  ),
})).node;

function flow(n: Extract<Node, { kind: 'flow' }>): string {
  return n.map ? `{${n.items.map((v, i) => ` k${i}: ${v}`).join(',')} }` : `[${n.items.join(', ')}]`;
}

/** Renders a node under `key` at `indent`, with the style choices `style` picks (indent step, compact lists). */
function render(entries: Array<[string, Node]>, indent: number, style: { step: number; compact: boolean; note: string; pad: string }): string[] {
  const pad = ' '.repeat(indent);
  return entries.flatMap(([k, v]): string[] => {
    if (v.kind === 'scalar') return [`${pad}${k}:${style.pad}${v.text}${style.note}`];
    if (v.kind === 'flow') return [`${pad}${k}: ${flow(v)}${style.note}`];
    if (v.kind === 'map') return [`${pad}${k}:${style.note}`, ...render(v.entries, indent + style.step, style)];
    const itemIndent = style.compact ? indent : indent + style.step;
    return [
      `${pad}${k}:`,
      ...v.items.flatMap((item): string[] => {
        const itemPad = ' '.repeat(itemIndent);
        if (item.kind === 'scalar') return [`${itemPad}- ${item.text}${style.note}`];
        if (item.kind === 'flow') return [`${itemPad}- ${flow(item)}`];
        if (item.kind === 'map') return [`${itemPad}-`, ...render(item.entries, itemIndent + 2, style)];
        return [`${itemPad}- - x`];
      }),
    ];
  });
}

const document = fc
  .record({
    entries: fc.array(fc.tuple(key, node), { minLength: 1, maxLength: 5 }),
    style: fc.record({ step: fc.constantFrom(1, 2, 4), compact: fc.boolean(), note: comment, pad: gap }),
    blank: fc.constantFrom('', '\n', '\n# a comment line\n', '\n   \n'),
  })
  .map(({ entries, style, blank }) => render(entries, 0, style).join(blank === '' ? '\n' : blank) + '\n');

/** A document with one line changed: indented, dedented, cut, or a character inserted. */
const mutated = fc.tuple(document, fc.nat(), fc.constantFrom(' ', '\t', ':', '#', '-', '"', "'", '[', ']', '{', '}', ',', '&', '*', '!', '|', '\r', '---', 'x')).map(([text, at, insert]) => {
  const position = at % (text.length + 1);
  return text.slice(0, position) + insert + text.slice(position);
});

describe('readSimpleYaml', () => {
  it('reads the configs in this repository, as yaml does', () => {
    for (const file of ['sesguard.config.yml', 'examples/sesguard.config.yml']) {
      const text = readFileSync(file, 'utf8');
      expect(readSimpleYaml(text), file).toEqual(parse(text));
    }
  });

  it('reads nested maps, compact and indented lists, flow lists and maps, quoted and plain scalars, comments', () => {
    const text = [
      '# top', 'mode: enforce  # trailing', 'trustedAccounts: ["111122223333", \'444455556666\']', 'domains: [example.com, "*.example.com"]', 'rules:',
      '  SES-IDP-005: { action: revert, severity: high }', '  SES-CVE-001:', '    enabled: false', 'admins:', '- arn:aws:iam::111122223333:role/a',
      '- "x # y"', 'sweep:', '    rate: 0.8', '    calls: 2', '    none:', '    nothing: ~', 'empty: {}', '',
    ].join('\n');
    expect(readSimpleYaml(text)).toEqual(parse(text));
    expect(readSimpleYaml(text)).toMatchObject({ mode: 'enforce', rules: { 'SES-IDP-005': { action: 'revert' }, 'SES-CVE-001': { enabled: false } }, sweep: { rate: 0.8, none: null } });
  });

  it('leaves to yaml what it is not sure of: anchors, tags, block scalars, multi-line scalars, escapes, mappings in lists, errors', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !Ref x\n', 'a: |\n  x\n', 'a: x\n  y\n', 'a: "x\\ty"\n', 'a:\n  - b: 1\n', 'a: 1\na: 2\n', 'a: [1\n', '--- \na: 1\n', 'a:\tb\n', '- a\n', '', '# only\n', 'a: 1\n b: 2\n', 'a: 0x1F\n', 'a: 2026-12-31 10:00\n']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
    }
  });

  it('answers as yaml does on generated config-like documents (or not at all)', () => {
    fc.assert(fc.property(document, expectSameAsYaml), { numRuns: 3000 });
  });

  it('answers as yaml does on documents with a character inserted anywhere (or not at all)', () => {
    fc.assert(fc.property(mutated, expectSameAsYaml), { numRuns: 3000 });
  });

  it('answers for most generated documents, so the property above is not vacuous', () => {
    const sample = fc.sample(document, { numRuns: 500, seed: 15 });
    const answered = sample.filter((text) => readSimpleYaml(text) !== undefined).length;
    expect(answered).toBeGreaterThan(100);
  });
});
