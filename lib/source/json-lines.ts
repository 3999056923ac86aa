/**
 * Where things are in a JSON file, so SARIF and text output can point code-scanning tools and people at
 * the statement a finding concerns. JSON.parse keeps no positions; this walks the (already valid) text
 * once and records the line each value starts on.
 */

export interface JsonNode {
  line: number;
  /** Object members by key, or array elements by index. */
  children?: Map<string, JsonNode> | JsonNode[];
}

export function locateJson(text: string): JsonNode {
  let pos = 0;
  let line = 1;

  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '\n') line += 1;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '\ufeff') return;
      pos += 1;
    }
  };

  const readString = (): string => {
    const start = pos;
    pos += 1; // opening quote
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos += 1;
    return JSON.parse(text.slice(start, pos)) as string;
  };

  const readValue = (): JsonNode => {
    skipWhitespace();
    const node: JsonNode = { line };
    const ch = text[pos];
    if (ch === '{') {
      const members = new Map<string, JsonNode>();
      pos += 1;
      skipWhitespace();
      while (text[pos] !== '}') {
        skipWhitespace();
        const key = readString();
        skipWhitespace();
        pos += 1; // colon
        const value = readValue();
        // Duplicate keys: JSON.parse keeps the last one, so does this.
        members.set(key, value);
        skipWhitespace();
        if (text[pos] === ',') pos += 1;
        skipWhitespace();
      }
      pos += 1;
      node.children = members;
    } else if (ch === '[') {
      const elements: JsonNode[] = [];
      pos += 1;
      skipWhitespace();
      while (text[pos] !== ']') {
        elements.push(readValue());
        skipWhitespace();
        if (text[pos] === ',') pos += 1;
        skipWhitespace();
      }
      pos += 1;
      node.children = elements;
    } else if (ch === '"') {
      readString();
    } else {
      while (pos < text.length && !/[\s,\]}]/.test(text[pos] ?? '')) pos += 1;
    }
    return node;
  };

  return readValue();
}

/** The line of the value at `path` (keys matched case-insensitively, as IAM reads element names); the nearest ancestor's line when the path stops early. */
export function lineOf(root: JsonNode, path: ReadonlyArray<string | number>): number {
  let node = root;
  for (const step of path) {
    const children = node.children;
    let next: JsonNode | undefined;
    if (Array.isArray(children)) next = typeof step === 'number' ? children[step] : undefined;
    else if (children instanceof Map) {
      if (typeof step === 'string') {
        next = children.get(step);
        if (!next) for (const [key, value] of children) if (key.toLowerCase() === step.toLowerCase()) next = value;
      } else if (step === 0) {
        // A single-object Statement is statement 0.
        next = node;
      }
    }
    if (!next) return node.line;
    node = next;
  }
  return node.line;
}
