import { describe, it, expect } from 'vitest';
import { describeStatement, diffDocuments } from './statement-diff.ts';

const policy = (...statements: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const app = { Sid: 'AllowApp', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'ses:SendRawEmail', Resource: '*' };
const open = { Sid: 'PublicSend', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' };

describe('diffDocuments: policy documents compared statement by statement', () => {
  const cases: Array<{ name: string; before: string | null; after: string | null; kind: string; changed: boolean; lines: string[] }> = [
    {
      name: 'a stripped statement shows as removed, the kept one as context',
      before: policy(app, open),
      after: policy(app),
      kind: 'policy',
      changed: true,
      lines: ['  [0] Sid=AllowApp Allow arn:aws:iam::111122223333:role/app ses:SendRawEmail', '- [1] Sid=PublicSend Allow * ses:SendEmail'],
    },
    {
      name: 'an added statement shows as added',
      before: policy(app),
      after: policy(app, open),
      kind: 'policy',
      changed: true,
      lines: ['  [0] Sid=AllowApp Allow arn:aws:iam::111122223333:role/app ses:SendRawEmail', '+ [1] Sid=PublicSend Allow * ses:SendEmail'],
    },
    {
      name: 'same Sid with new content is shown as the old line then the new line',
      before: policy(app),
      after: policy({ ...app, Principal: '*' }),
      kind: 'policy',
      changed: true,
      lines: ['- [0] Sid=AllowApp Allow arn:aws:iam::111122223333:role/app ses:SendRawEmail', '+ [0] Sid=AllowApp Allow * ses:SendRawEmail'],
    },
    {
      name: 'key order and single-object Statement do not make a difference (IAM accepts both forms)',
      before: JSON.stringify({ Version: '2012-10-17', Statement: { Resource: '*', Action: 'ses:SendEmail', Principal: '*', Effect: 'Allow' } }),
      after: policy({ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: '*' }),
      kind: 'policy',
      changed: false,
      lines: ['  [0] Allow * ses:SendEmail'],
    },
    {
      name: 'statements without Sid are matched by canonical JSON',
      before: policy({ Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail' }, { Effect: 'Deny', Principal: '*', Action: 'ses:*' }),
      after: policy({ Effect: 'Deny', Principal: '*', Action: 'ses:*' }),
      kind: 'policy',
      changed: true,
      lines: ['- [0] Allow * ses:SendEmail', '  [1] Deny * ses:*'],
    },
    {
      name: 'a deleted policy lists every statement as removed',
      before: policy(open),
      after: null,
      kind: 'policy',
      changed: true,
      lines: ['- [0] Sid=PublicSend Allow * ses:SendEmail', '- (policy deleted)'],
    },
    {
      name: 'a created policy lists every statement as added',
      before: null,
      after: policy(open),
      kind: 'policy',
      changed: true,
      lines: ['+ (policy created)', '+ [0] Sid=PublicSend Allow * ses:SendEmail'],
    },
    {
      name: 'event destinations (not policies) are compared key by key',
      before: JSON.stringify({ name: 'to-sns', enabled: true, snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:ok' } }),
      after: JSON.stringify({ name: 'to-sns', enabled: true, snsDestination: { topicArn: 'arn:aws:sns:eu-west-1:999999999999:exfil' } }),
      kind: 'keys',
      changed: true,
      lines: [
        '  enabled: true',
        '  name: "to-sns"',
        '- snsDestination.topicArn: "arn:aws:sns:eu-west-1:111122223333:ok"',
        '+ snsDestination.topicArn: "arn:aws:sns:eu-west-1:999999999999:exfil"',
      ],
    },
    {
      name: 'text that is not JSON is compared line by line',
      before: 'a\nb',
      after: 'a\nc',
      kind: 'text',
      changed: true,
      lines: ['- b', '+ c'],
    },
    { name: 'nothing on either side', before: null, after: null, kind: 'none', changed: false, lines: [] },
  ];

  it.each(cases)('$name', ({ before, after, kind, changed, lines }) => {
    expect(diffDocuments(before, after)).toEqual({ kind, changed, lines });
  });

  it('summarises very long diffs instead of flooding the alert', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail' }));
    const diff = diffDocuments(null, policy(...many));
    expect(diff.lines).toHaveLength(61);
    expect(diff.lines.at(-1)).toBe('… 41 more line(s) not shown');
  });
});

describe('describeStatement', () => {
  it.each([
    { name: '{"AWS":"*"} reads as * (AWS treats it as everyone)', statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ses:SendEmail' }, text: 'Allow * ses:SendEmail' },
    { name: 'service principals are named with their key', statement: { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'ses:SendEmail' }, text: 'Allow Service:lambda.amazonaws.com ses:SendEmail' },
    {
      name: 'NotPrincipal, NotAction, NotResource and conditions are spelled out',
      statement: {
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
        NotAction: ['ses:DeleteIdentity'],
        NotResource: 'arn:aws:ses:eu-west-1:111122223333:identity/x',
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
      },
      text: 'Allow NotPrincipal=arn:aws:iam::111122223333:root NotAction=ses:DeleteIdentity not on arn:aws:ses:eu-west-1:111122223333:identity/x if IpAddress aws:SourceIp=10.0.0.0/8,192.168.0.0/16; StringEquals aws:SourceAccount=111122223333',
    },
  ])('$name', ({ statement, text }) => {
    expect(describeStatement(statement)).toBe(text);
  });
});
