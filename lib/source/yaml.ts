import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Tags } from 'yaml';

/**
 * YAML read with positions: the value, and the line each member starts on (for SARIF and the text
 * report), or errors with `line:column`. CloudFormation reads YAML 1.1 ("AWS CloudFormation supports the
 * YAML Version 1.1 specification with a few exceptions", CloudFormation User Guide, template formats),
 * so that is the version parsed here.
 */
export type YamlSourceResult = { ok: true; value: unknown; lineOf: (path: ReadonlyArray<string | number>) => number } | { ok: false; errors: string[] };

export function parseYamlSource(text: string, customTags: Tags = []): YamlSourceResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, customTags, version: '1.1', uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const at = error.linePos?.[0];
        return `${at ? `${at.line}:${at.col}: ` : ''}${error.message.split('\n')[0] ?? error.message}`;
      }),
    };
  }
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const lineOf = (path: ReadonlyArray<string | number>): number => {
    let node: unknown = document.contents;
    let line = isNode(node) && node.range ? lineAt(node.range[0]) : 1;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(step));
        if (!pair) return line;
        // A member's line is its key's: that is where a reader looks for "Resources: X:".
        if (isNode(pair.key) && pair.key.range) line = lineAt(pair.key.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        const item: unknown = node.items[step];
        if (!isNode(item) || !item.range) return line;
        line = lineAt(item.range[0]);
        node = item;
      } else {
        return line;
      }
    }
    return line;
  };
  return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown, lineOf };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
