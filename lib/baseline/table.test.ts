import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { BASELINE_TABLE_DEFINITION } from './table.ts';
import { IDEMPOTENCY_TABLE_DEFINITION } from '../guard/idempotency.ts';

/**
 * The stores address items by the attribute names exported here; a table deployed with other names
 * would make every read miss (no baseline, no deduplication) without an error. serverless.yml must agree.
 */
const SERVERLESS = fileURLToPath(new URL('../../serverless.yml', import.meta.url));

type ResourcesFragment = { Resources?: Record<string, { Properties?: Record<string, unknown> }> };

function deployedTable(logicalId: string): Record<string, unknown> {
  // CloudFormation intrinsics (!Ref, !GetAtt, ...) are kept as plain values: only key names matter here.
  const doc = parseDocument(readFileSync(SERVERLESS, 'utf8'), { customTags: ['!Ref', '!GetAtt', '!Sub', '!Join', '!If', '!Equals', '!Not', '!Select', '!Split', '!FindInMap', '!ImportValue', '!Condition'].map((tag) => ({ tag, resolve: (value: unknown) => value })) });
  // `resources` may be one fragment or a list of them (generated files are merged in as list entries).
  const { resources } = doc.toJS() as { resources?: ResourcesFragment | Array<ResourcesFragment | string> };
  const fragments = Array.isArray(resources) ? resources : resources ? [resources] : [];
  const properties = fragments.flatMap((f) => (typeof f === 'object' && f.Resources?.[logicalId]?.Properties ? [f.Resources[logicalId].Properties] : []))[0];
  if (!properties) throw new Error(`serverless.yml has no resources.Resources.${logicalId}`);
  return properties;
}

describe('deployed tables use the names the stores read and write', () => {
  it.each([
    { name: 'BaselineTable (DynamoBaselineStore)', logicalId: 'BaselineTable', definition: BASELINE_TABLE_DEFINITION },
    { name: 'IdempotencyTable (Powertools idempotency, with TTL on its expiry attribute)', logicalId: 'IdempotencyTable', definition: IDEMPOTENCY_TABLE_DEFINITION },
  ])('$name', ({ logicalId, definition }) => {
    const deployed = deployedTable(logicalId);
    expect(deployed).toMatchObject(JSON.parse(JSON.stringify(definition)));
  });
});
