import type { CollectionTag, ScalarTag } from 'yaml';

/**
 * CloudFormation's short-form intrinsic function tags, read as their long form (`!Sub x` ->
 * `{"Fn::Sub": x}`, `!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`, `!Ref x` -> `{"Ref": x}`), so a YAML
 * template and its JSON form parse to the same value (CloudFormation User Guide, intrinsic function
 * reference: each function's "Short form" syntax).
 */
const INTRINSICS = [
  'Ref', 'Condition', 'Sub', 'GetAtt', 'Join', 'If', 'ImportValue', 'Equals', 'Select', 'Split', 'Base64', 'FindInMap', 'GetAZs',
  'Not', 'And', 'Or', 'Cidr', 'Transform', 'Length', 'ToJsonString',
] as const;

function longForm(name: (typeof INTRINSICS)[number], value: unknown): Record<string, unknown> {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  // `!GetAtt Resource.Attribute` is the one short form whose scalar is split into the long form's list.
  if (name === 'GetAtt' && typeof value === 'string' && value.includes('.')) return { [key]: [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)] };
  return { [key]: value };
}

const plain = (value: unknown): unknown => (value !== null && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON: () => unknown }).toJSON() : value);

export const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (text: string) => longForm(name, text) } as ScalarTag,
  { tag: `!${name}`, collection: 'seq', resolve: (seq: unknown) => longForm(name, plain(seq)) } as unknown as CollectionTag,
  { tag: `!${name}`, collection: 'map', resolve: (map: unknown) => longForm(name, plain(map)) } as unknown as CollectionTag,
]);
