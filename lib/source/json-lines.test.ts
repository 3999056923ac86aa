import { describe, expect, it } from 'vitest';
import { lineOf, locateJson } from './json-lines.ts';

describe('locateJson/lineOf: the line a policy statement starts on', () => {
  const text = [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    '    { "Sid": "has } and ] and \\" inside", "Effect": "Allow" },',
    '',
    '    {',
    '      "Sid": "second",',
    '      "Condition": { "StringLike": { "ses:FromAddress": ["a@example.com", "b@example.com"] } }',
    '    }',
    '  ]',
    '}',
  ].join('\n');
  const tree = locateJson(text);

  it.each([
    ['first statement, despite brackets and escaped quotes in strings', ['Statement', 0], 4],
    ['second statement after a blank line', ['Statement', 1], 6],
    ['a nested field', ['Statement', 1, 'Condition'], 8],
    ['element names compare case-insensitively, as IAM reads them', ['statement', 1, 'sid'], 7],
    ['a missing path stops at the nearest ancestor', ['Statement', 7], 3],
  ] as const)('%s', (_name, path, line) => {
    expect(lineOf(tree, path)).toBe(line);
  });

  it('a single-object Statement is statement 0', () => {
    const single = locateJson('{\n  "Statement":\n    { "Effect": "Allow" }\n}');
    expect(lineOf(single, ['Statement', 0])).toBe(3);
  });
});
