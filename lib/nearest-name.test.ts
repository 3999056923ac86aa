import { describe, expect, it } from 'vitest';
import { didYouMean, nearestName, unknownKeysMessage } from './nearest-name.ts';

describe('nearestName', () => {
  it.each([
    { input: 'SnsDestinaton', candidates: ['SnsDestination', 'EventBridgeDestination'], near: 'SnsDestination' },
    { input: 'trustedAccount', candidates: ['trustedAccounts', 'trustedOrgIds'], near: 'trustedAccounts' },
    { input: 'revrt', candidates: ['revert', 'strip', 'delete'], near: 'revert' },
    { input: 'SES_IDP_001', candidates: ['SES-IDP-001', 'SES-IDP-002'], near: 'SES-IDP-001' },
    { input: 'fromemailaddress', candidates: ['FromEmailAddress', 'TemplateName'], near: 'FromEmailAddress' },
    { input: 'Efect', candidates: ['Effect', 'Action'], near: 'Effect' },
    { input: 'colour', candidates: ['mode', 'rules', 'alerts'], near: undefined },
    { input: 'x', candidates: [], near: undefined },
  ])('$input -> $near', ({ input, candidates, near }) => {
    expect(nearestName(input, candidates)).toBe(near);
  });

  it('says nothing when the name is right or nothing is close', () => {
    expect(didYouMean('mode', ['mode'])).toBe('');
    expect(didYouMean('zzz', ['mode'])).toBe('');
  });

  it('lists the valid names when some key has no close match', () => {
    expect(unknownKeysMessage(['Nme', 'zzz'], ['Name', 'Enabled'])).toBe('unknown fields "Nme" (did you mean "Name"?), "zzz"; expected "Name" or "Enabled"');
  });
});
