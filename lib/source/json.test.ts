import { describe, expect, it } from 'vitest';
import { describeJsonSyntaxError, parseJsonText } from './json.ts';
import { decodeSourceBytes } from './text.ts';
import { gzipSync } from 'node:zlib';

describe('parseJsonText: a JSON syntax error says line:column and what was expected', () => {
  it.each([
    { name: 'a missing comma', text: '{\n  "Version": "2012-10-17"\n  "Statement": []\n}', at: '3:3: expected "," or "}" after a property value, found """' },
    { name: 'a trailing comma', text: '{\n  "Statement": [\n    {"Effect": "Allow"},\n  ]\n}', at: '4:3: a trailing comma is not allowed in JSON' },
    { name: 'single quotes', text: "{'Version': 1}", at: '1:2: expected a property name in double quotes, found "\'"' },
    { name: 'an unclosed string', text: '{"Sid": "abc\n}', at: '1:13: a control character (such as a line break) must be escaped inside a string' },
    { name: 'the input ends early', text: '{"Statement": [', at: '1:16: the input ends where a value was expected' },
    { name: 'two documents', text: '{}\n{}', at: '2:1: unexpected "{" after the end of the JSON value' },
    { name: 'an empty file', text: '', at: '1:1: the input ends where a value was expected' },
    { name: 'a bad escape', text: '["\\x"]', at: '1:3: "\\x" is not a JSON escape' },
  ])('$name', ({ text, at }) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(describeJsonSyntaxError(result.error)).toBe(at);
  });

  it('valid JSON parses as JSON.parse does', () => {
    expect(parseJsonText('{"a":[1,2.5e3,true,null,"\\u00e9"]}')).toEqual({ ok: true, value: { a: [1, 2500, true, null, 'é'] } });
  });
});

describe('decodeSourceBytes', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('drops a UTF-8 byte-order mark and says so', () => {
    const decoded = decodeSourceBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]));
    expect(decoded).toEqual({ text: '{"a":1}', hadByteOrderMark: true, gzipped: false });
  });

  it('gunzips a CloudTrail .json.gz', () => {
    expect(decodeSourceBytes(gzipSync(bytes('{"Records":[]}')))).toEqual({ text: '{"Records":[]}', hadByteOrderMark: false, gzipped: true });
  });

  it.each([
    { name: 'UTF-16', input: new Uint8Array([0xff, 0xfe, 0x7b, 0x00]), error: /UTF-16/ },
    { name: 'invalid UTF-8', input: new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]), error: /not UTF-8/ },
    { name: 'broken gzip', input: new Uint8Array([0x1f, 0x8b, 0x00, 0x01]), error: /does not decompress/ },
  ])('refuses $name, naming why', ({ input, error }) => {
    expect(() => decodeSourceBytes(input)).toThrow(error);
  });
});
