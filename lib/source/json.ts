/**
 * JSON as people write it, with errors a person can find: `line:column` and what was expected. JSON.parse
 * does the parsing (it is fast, and CloudTrail log files are large); only when it fails does a small scanner
 * walk the text to find where, since V8's message names a character offset, or nothing at all.
 */

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

export function parseJsonText(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: locateJsonSyntaxError(text) };
  }
}

/** `3:17: expected "," or "}" after a property value`. */
export function describeJsonSyntaxError(error: JsonSyntaxError): string {
  return `${error.line}:${error.column}: ${error.message}`;
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The first place `text` stops being JSON (RFC 8259), with what was expected there. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError {
  let pos = 0;
  const fail = (message: string, at = pos): never => {
    throw new SyntaxAt(at, message);
  };
  const found = (): string => (pos >= text.length ? 'the end of the input' : `"${text[pos]}"`);
  const skip = (): void => {
    while (pos < text.length && WHITESPACE.has(text[pos] as string)) pos++;
  };
  const string = (): void => {
    const start = pos;
    pos++; // opening quote
    while (pos < text.length) {
      const ch = text[pos] as string;
      if (ch === '"') {
        pos++;
        return;
      }
      if (ch === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('a \\u escape needs four hex digits');
          pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) pos += 2;
        else fail(`"\\${next ?? ''}" is not a JSON escape`);
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('a control character (such as a line break) must be escaped inside a string');
      pos++;
    }
    fail('this string is never closed', start);
  };
  const value = (): void => {
    skip();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      skip();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail(text[pos] === '}' ? 'a trailing comma is not allowed in JSON' : `expected a property name in double quotes, found ${found()}`);
        string();
        skip();
        if (text[pos] !== ':') fail(`expected ":" after the property name, found ${found()}`);
        pos++;
        value();
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return;
        }
        fail(`expected "," or "}" after a property value, found ${found()}`);
      }
    }
    if (ch === '[') {
      pos++;
      skip();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (;;) {
        skip();
        if (text[pos] === ']') fail('a trailing comma is not allowed in JSON');
        value();
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return;
        }
        fail(`expected "," or "]" after an array element, found ${found()}`);
      }
    }
    if (ch === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (number && number[0].length > 0) {
      pos += number[0].length;
      return;
    }
    if (ch === "'") fail('strings must use double quotes in JSON');
    fail(pos >= text.length ? 'the input ends where a value was expected' : `expected a value, found ${found()}`);
  };

  try {
    value();
    skip();
    if (pos < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
    // JSON.parse failed but the scanner did not: report where V8 would not, at the start.
    return { ...lineColumn(text, 0), message: 'is not valid JSON' };
  } catch (error) {
    if (!(error instanceof SyntaxAt)) throw error;
    return { ...lineColumn(text, error.offset), message: error.message };
  }
}

/** 1-based line and column (in UTF-16 code units, as editors count most text) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - lineStart + 1 };
}
