import { describe, it, expect } from 'vitest';
import { cloudTrailEventLink, guardResourceLink, resourceLink } from './console-links.ts';

describe('resourceLink', () => {
  it.each([
    {
      name: 'SES identity -> SES v2 console identity page in its region',
      arn: 'arn:aws:ses:eu-west-1:111122223333:identity/example.com',
      url: 'https://eu-west-1.console.aws.amazon.com/ses/home?region=eu-west-1#/identities/example.com',
    },
    {
      name: 'SES e-mail address identity is URL-encoded',
      arn: 'arn:aws:ses:us-east-1:111122223333:identity/ops+alerts@example.com',
      url: 'https://us-east-1.console.aws.amazon.com/ses/home?region=us-east-1#/identities/ops%2Balerts%40example.com',
    },
    {
      name: 'SES configuration set -> configuration set page',
      arn: 'arn:aws:ses:eu-west-1:111122223333:configuration-set/marketing',
      url: 'https://eu-west-1.console.aws.amazon.com/ses/home?region=eu-west-1#/configuration-sets/marketing',
    },
    { name: 'custom verification templates have no console page', arn: 'arn:aws:ses:eu-west-1:111122223333:custom-verification-email-template/welcome', url: null },
    { name: 'IAM user (global console, path dropped)', arn: 'arn:aws:iam::111122223333:user/team/bob', url: 'https://console.aws.amazon.com/iam/home#/users/details/bob' },
    { name: 'IAM role', arn: 'arn:aws:iam::111122223333:role/DevOps', url: 'https://console.aws.amazon.com/iam/home#/roles/details/DevOps' },
    { name: 'IAM group', arn: 'arn:aws:iam::111122223333:group/mailers', url: 'https://console.aws.amazon.com/iam/home#/groups/details/mailers' },
    {
      name: 'IAM managed policy is addressed by its encoded ARN',
      arn: 'arn:aws:iam::111122223333:policy/ses-send',
      url: 'https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fses-send',
    },
    { name: 'SNS topic', arn: 'arn:aws:sns:eu-west-1:111122223333:alerts', url: 'https://eu-west-1.console.aws.amazon.com/sns/v3/home?region=eu-west-1#/topic/arn%3Aaws%3Asns%3Aeu-west-1%3A111122223333%3Aalerts' },
    { name: 'Lambda function', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:sesguard-prod', url: 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/sesguard-prod' },
    { name: 'other partitions are not linked (their consoles live elsewhere)', arn: 'arn:aws-cn:ses:cn-north-1:111122223333:identity/example.com', url: null },
    { name: 'a bare name is not an ARN', arn: 'example.com', url: null },
    { name: 'undefined', arn: undefined, url: null },
  ])('$name', ({ arn, url }) => {
    expect(resourceLink(arn)).toBe(url);
  });
});

describe('cloudTrailEventLink', () => {
  it('links the event history page for the event id in the event region', () => {
    expect(cloudTrailEventLink('c0ffee00-1234', 'eu-west-1', 'ses.amazonaws.com')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/c0ffee00-1234',
    );
  });
  it('IAM is global and records its events in us-east-1, so its events are linked there', () => {
    expect(cloudTrailEventLink('e1', 'eu-west-1', 'iam.amazonaws.com')).toBe('https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/e1');
  });
  it.each([
    { name: 'no event id', id: undefined, region: 'eu-west-1' },
    { name: 'no region', id: 'e1', region: undefined },
    { name: 'a region that is not one (injection guard)', id: 'e1', region: 'evil.example.com/x' },
    { name: 'an event id with URL syntax', id: 'e1#/x?y', region: 'eu-west-1' },
  ])('no link when there is $name', ({ id, region }) => {
    expect(cloudTrailEventLink(id, region)).toBeNull();
  });
});

describe('guardResourceLink', () => {
  it.each([
    { type: 'lambda-function' as const, name: 'sesguard-fn', url: 'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/sesguard-fn' },
    { type: 'iam-role' as const, name: 'sesguard-role', url: 'https://console.aws.amazon.com/iam/home#/roles/details/sesguard-role' },
    { type: 'dynamodb-table' as const, name: 'sesguard-baseline', url: 'https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#table?name=sesguard-baseline' },
    { type: 'sns-topic' as const, name: 'sesguard-alerts', url: null },
  ])('$type', ({ type, name, url }) => {
    expect(guardResourceLink(type, name, 'eu-west-1')).toBe(url);
  });
});
