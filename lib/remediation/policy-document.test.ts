import { describe, expect, it } from 'vitest';
import { stripStatements, UnstrippableDocumentError } from './policy-document.ts';

const a = { Sid: 'A', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'ses:SendEmail', Resource: '*' };
const b = { Sid: 'B', Effect: 'Allow', Principal: '*', Action: 'ses:*', Resource: '*' };

describe('stripStatements: remove statements by index from the document AWS holds', () => {
  it.each([
    {
      name: 'keeps the other statements exactly as written (Principal "*" and single-value Action stay as they were)',
      raw: JSON.stringify({ Version: '2012-10-17', Id: 'p1', Statement: [b, a, b] }),
      indices: [0, 2],
      expected: { document: JSON.stringify({ Version: '2012-10-17', Id: 'p1', Statement: [a] }), remaining: 1 },
    },
    {
      name: 'keeps element order and unknown-to-us members of the document',
      raw: '{"Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ses:SendEmail","Resource":"*"},{"Sid":"B"}],"Version":"2012-10-17"}',
      indices: [1],
      expected: { document: '{"Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ses:SendEmail","Resource":"*"}],"Version":"2012-10-17"}', remaining: 1 },
    },
    {
      name: 'keeps a pretty-printed document pretty-printed with the same indentation',
      raw: JSON.stringify({ Version: '2012-10-17', Statement: [a, b] }, null, 4),
      indices: [1],
      expected: { document: JSON.stringify({ Version: '2012-10-17', Statement: [a] }, null, 4), remaining: 1 },
    },
    {
      name: 'a single-object Statement (index 0) removed leaves nothing: the caller deletes the policy',
      raw: JSON.stringify({ Version: '2012-10-17', Statement: b }),
      indices: [0],
      expected: { document: null, remaining: 0 },
    },
    {
      name: 'a single-object Statement not removed is written back as an object, not wrapped in a list',
      raw: JSON.stringify({ Version: '2012-10-17', Statement: a }),
      indices: [3],
      expected: { document: JSON.stringify({ Version: '2012-10-17', Statement: a }), remaining: 1 },
    },
    {
      name: 'every statement removed leaves nothing',
      raw: JSON.stringify({ Version: '2012-10-17', Statement: [b, b] }),
      indices: [0, 1],
      expected: { document: null, remaining: 0 },
    },
    {
      name: 'an IAM URL-encoded document (GetUserPolicy returns RFC 3986 encoding) is decoded first',
      raw: encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [a, b] })),
      indices: [1],
      expected: { document: JSON.stringify({ Version: '2012-10-17', Statement: [a] }), remaining: 1 },
    },
  ])('$name', ({ raw, indices, expected }) => {
    expect(stripStatements(raw, new Set(indices))).toEqual(expected);
  });

  it.each([
    { name: 'not JSON', raw: '{"Version":', message: /not valid JSON/ },
    { name: 'a JSON array', raw: '[]', message: /not a JSON object/ },
    { name: 'no Statement', raw: '{"Version":"2012-10-17"}', message: /no Statement/ },
  ])('refuses a document that is $name with UnstrippableDocumentError', ({ raw, message }) => {
    expect(() => stripStatements(raw, new Set([0]))).toThrow(UnstrippableDocumentError);
    expect(() => stripStatements(raw, new Set([0]))).toThrow(message);
  });
});
