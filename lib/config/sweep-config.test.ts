import { describe, expect, it } from 'vitest';
import { InvalidConfigError, parseConfig } from './validate.ts';

describe('config: sweep', () => {
  it.each([
    { name: 'a rate expression', sweep: { schedule: 'rate(12 hours)' } },
    { name: 'a cron expression', sweep: { schedule: 'cron(0 3 * * ? *)' } },
    { name: 'a rate below the SES limit', sweep: { sesCallsPerSecond: 0.5 } },
  ])('accepts $name', ({ sweep }) => {
    expect(parseConfig({ sweep }).sweep).toMatchObject(sweep);
  });

  it.each([
    { name: 'a schedule that is not a Scheduler expression', sweep: { schedule: 'every 6 hours' }, field: 'sweep.schedule' },
    { name: 'a rate above SES’s 1 call per second', sweep: { sesCallsPerSecond: 2 }, field: 'sweep.sesCallsPerSecond' },
    { name: 'a rate of zero (the sweep would never end)', sweep: { sesCallsPerSecond: 0 }, field: 'sweep.sesCallsPerSecond' },
    { name: 'an unknown alert setting', sweep: { resourceAlerts: 'none' }, field: 'sweep.resourceAlerts' },
    { name: 'an unknown key', sweep: { intervalHours: 6 }, field: 'sweep' },
  ])('rejects $name, naming the field', ({ sweep, field }) => {
    expect(() => parseConfig({ sweep })).toThrow(InvalidConfigError);
    expect(() => parseConfig({ sweep })).toThrow(field);
  });
});
