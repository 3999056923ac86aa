import { describe, expect, it } from 'vitest';
import { decodePolicyDocumentText } from './document-text.ts';

describe('decodePolicyDocumentText: IAM returns documents URL-encoded per RFC 3986', () => {
  it.each([
    { name: 'plain JSON is returned as is, even with percent signs inside', input: '{"a":"%7B"}', expected: '{"a":"%7B"}' },
    { name: 'URL-encoded JSON is decoded', input: '%7B%22a%22%3A%20%22b%22%7D', expected: '{"a": "b"}' },
    { name: 'a literal + stays a + (RFC 3986 has no plus-for-space rule; form encoding does)', input: '%7B%22a%22%3A%22b+c%22%7D', expected: '{"a":"b+c"}' },
    { name: 'percent-encoded whitespace before the document is decoded too', input: '%20%0A%7B%7D', expected: ' \n{}' },
    { name: 'broken percent-encoding is null, for the caller to reject', input: '%7B%E0%A4%A', expected: null },
    { name: 'a byte order mark is not whitespace: the text is returned as is (for JSON.parse to reject)', input: '\uFEFF%7B%7D', expected: '\uFEFF%7B%7D' },
  ])('$name', ({ input, expected }) => {
    expect(decodePolicyDocumentText(input)).toBe(expected);
  });
});
