import { describe, expect, it } from 'vitest';
import { matchesEventPattern, UnsupportedPatternError } from '../../scripts/deploy/event-pattern-matcher.ts';

const event = {
  source: 'aws.iam',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: {
    eventSource: 'iam.amazonaws.com',
    eventName: 'PutRolePolicy',
    requestParameters: { roleName: 'sesguard-prod-identity-policy-us-east-1', tags: ['a', 'b'] },
    count: 5,
    nothing: null,
  },
};

// Semantics from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
const cases: { name: string; pattern: unknown; matches: boolean }[] = [
  { name: 'exact value in a list matches (values in an array are OR-ed)', pattern: { source: ['aws.ses', 'aws.iam'] }, matches: true },
  { name: 'exact value is case-sensitive', pattern: { source: ['AWS.IAM'] }, matches: false },
  { name: 'fields are AND-ed: one mismatch fails the pattern', pattern: { source: ['aws.iam'], 'detail-type': ['Other'] }, matches: false },
  { name: 'nested objects match field by field', pattern: { detail: { eventName: ['PutRolePolicy'] } }, matches: true },
  { name: 'a field the event lacks fails an exact match', pattern: { detail: { errorCode: ['AccessDenied'] } }, matches: false },
  { name: 'exists:false matches an absent field', pattern: { detail: { errorCode: [{ exists: false }] } }, matches: true },
  { name: 'exists:false fails when the field is present', pattern: { detail: { eventName: [{ exists: false }] } }, matches: false },
  { name: 'exists:true matches a present leaf', pattern: { detail: { eventName: [{ exists: true }] } }, matches: true },
  { name: 'exists:true does not match an object (exists works on leaves)', pattern: { detail: { requestParameters: [{ exists: true }] } }, matches: false },
  { name: 'prefix matches the beginning of a string', pattern: { detail: { requestParameters: { roleName: [{ prefix: 'sesguard-prod-' }] } } }, matches: true },
  { name: 'prefix of another stage does not match', pattern: { detail: { requestParameters: { roleName: [{ prefix: 'sesguard-dev-' }] } } }, matches: false },
  { name: 'anything-but prefix excludes names with the prefix', pattern: { detail: { requestParameters: { roleName: [{ 'anything-but': { prefix: 'sesguard-prod-' } }] } } }, matches: false },
  { name: 'anything-but prefix keeps other names', pattern: { detail: { requestParameters: { roleName: [{ 'anything-but': { prefix: 'other-' } }] } } }, matches: true },
  { name: 'anything-but on an absent field does not match', pattern: { detail: { userName: [{ 'anything-but': 'x' }] } }, matches: false },
  { name: 'anything-but list excludes each value', pattern: { detail: { eventName: [{ 'anything-but': ['PutRolePolicy', 'X'] }] } }, matches: false },
  { name: 'anything-but single value', pattern: { detail: { eventName: [{ 'anything-but': 'AttachRolePolicy' }] } }, matches: true },
  { name: 'suffix', pattern: { detail: { requestParameters: { roleName: [{ suffix: '-us-east-1' }] } } }, matches: true },
  { name: 'equals-ignore-case', pattern: { detail: { eventName: [{ 'equals-ignore-case': 'putrolepolicy' }] } }, matches: true },
  { name: 'an array in the event matches when any element does', pattern: { detail: { requestParameters: { tags: ['b'] } } }, matches: true },
  { name: 'numbers match numerically', pattern: { detail: { count: [5] } }, matches: true },
  { name: 'null matches null', pattern: { detail: { nothing: [null] } }, matches: true },
  { name: '$or matches when one branch matches', pattern: { detail: { $or: [{ eventName: ['X'] }, { eventSource: ['iam.amazonaws.com'] }] } }, matches: true },
  { name: '$or fails when no branch matches', pattern: { detail: { $or: [{ eventName: ['X'] }, { eventSource: ['Y'] }] } }, matches: false },
  { name: '$or is AND-ed with its sibling fields', pattern: { detail: { eventName: ['Nope'], $or: [{ eventName: ['PutRolePolicy'] }, { eventSource: ['Y'] }] } }, matches: false },
  { name: 'a nested pattern against a string field fails', pattern: { source: { x: ['y'] } }, matches: false },
];

describe('matchesEventPattern: EventBridge content filtering', () => {
  it.each(cases)('$name', ({ pattern, matches }) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });

  const unsupported: { name: string; pattern: unknown }[] = [
    { name: 'numeric ranges (not used by sesguard)', pattern: { detail: { count: [{ numeric: ['>', 1] }] } } },
    { name: 'wildcard (not used by sesguard)', pattern: { source: [{ wildcard: 'aws.*' }] } },
    { name: 'an empty value list, which EventBridge rejects', pattern: { source: [] } },
    { name: 'a $or with a single branch, which EventBridge rejects', pattern: { $or: [{ source: ['aws.iam'] }] } },
    { name: 'a scalar instead of a list', pattern: { source: 'aws.iam' } },
    { name: 'a pattern that is not an object', pattern: ['aws.iam'] },
  ];
  it.each(unsupported)('refuses $name rather than guessing', ({ pattern }) => {
    expect(() => matchesEventPattern(pattern, event)).toThrow(UnsupportedPatternError);
  });
});
