import { describe, it, expect } from 'vitest';
import {
  DeleteConfigurationSetEventDestinationCommand,
  GetConfigurationSetEventDestinationsCommand,
  UpdateConfigurationSetEventDestinationCommand,
  type EventDestination,
} from '@aws-sdk/client-sesv2';
import { ACCOUNT, OUTSIDE_ACCOUNT, enforceConfig, sample, useGuardHarness, type GuardHarness } from './harness.ts';

/** functions/event-destination.ts end to end: SES-EVD-001, mail events flowing to another account (DESIGN §3, §4 remove destination). */

const h = useGuardHarness({ region: 'eu-west-1' });

const CROSS_ACCOUNT_SAMPLE = 'event-destination/v2-create-sns-cross-account';
const CONFIGURATION_SET_ARN = `arn:aws:ses:eu-west-1:${ACCOUNT}:configuration-set/transactional`;
const OUTSIDE_TOPIC = `arn:aws:sns:eu-west-1:${OUTSIDE_ACCOUNT}:mail-events`;
const EVENT_TYPES = ['SEND', 'DELIVERY', 'OPEN', 'CLICK', 'BOUNCE'];

/** Event destinations of one configuration set that behave like SES: reads see what the writes left. */
function fakeEventDestinations(harness: GuardHarness, initial: EventDestination[]): { destinations: EventDestination[] } {
  const state = { destinations: structuredClone(initial) };
  harness.sesv2.on(GetConfigurationSetEventDestinationsCommand, { ConfigurationSetName: 'transactional' }).callsFake(async () => ({ EventDestinations: structuredClone(state.destinations) }));
  harness.sesv2.on(DeleteConfigurationSetEventDestinationCommand).callsFake(async (input: { EventDestinationName?: string }) => {
    state.destinations = state.destinations.filter((d) => d.Name !== input.EventDestinationName);
    return {};
  });
  harness.sesv2.on(UpdateConfigurationSetEventDestinationCommand).callsFake(async (input: { EventDestinationName?: string; EventDestination?: Omit<EventDestination, 'Name'> }) => {
    state.destinations = state.destinations.map((d) => (d.Name === input.EventDestinationName ? { Name: d.Name, ...input.EventDestination } as EventDestination : d));
    return {};
  });
  return state;
}

const toOutsideTopic: EventDestination = { Name: 'all-events', Enabled: true, MatchingEventTypes: EVENT_TYPES as EventDestination['MatchingEventTypes'], SnsDestination: { TopicArn: OUTSIDE_TOPIC } };

describe('event-destination function, enforce mode: an SNS destination in another account is removed (SES-EVD-001)', () => {
  it.each([
    {
      name: 'eventDestinationRemoval delete (default): DeleteConfigurationSetEventDestination',
      config: enforceConfig(),
      command: DeleteConfigurationSetEventDestinationCommand,
      input: { ConfigurationSetName: 'transactional', EventDestinationName: 'all-events' },
      strategy: 'remove-destination',
      step: 'ses.delete-event-destination',
      left: [],
    },
    {
      name: 'eventDestinationRemoval disable: UpdateConfigurationSetEventDestination with Enabled false, the rest of the definition kept for review',
      config: enforceConfig({ eventDestinationRemoval: 'disable' }),
      command: UpdateConfigurationSetEventDestinationCommand,
      input: {
        ConfigurationSetName: 'transactional',
        EventDestinationName: 'all-events',
        EventDestination: { Enabled: false, MatchingEventTypes: EVENT_TYPES, SnsDestination: { TopicArn: OUTSIDE_TOPIC } },
      },
      strategy: 'disable-destination',
      step: 'ses.update-event-destination',
      left: [{ ...toOutsideTopic, Enabled: false }],
    },
  ])('$name', async ({ config, command, input, strategy, step, left }) => {
    const ses = fakeEventDestinations(h, [toOutsideTopic]);
    const invoke = await h.coldStart('event-destination', config);
    const event = sample(CROSS_ACCOUNT_SAMPLE);

    const summary = await invoke(event);

    expect(h.awsWriteCalls()).toEqual([{ command: command.name, input }]);
    expect(h.sesv2.commandCalls(GetConfigurationSetEventDestinationsCommand).map((c) => c.args[0].input)).toEqual(Array(2).fill({ ConfigurationSetName: 'transactional' }));
    expect(ses.destinations).toEqual(left);
    expect(summary).toEqual({ eventId: event.detail.eventID, eventName: 'CreateConfigurationSetEventDestination', verdict: 'noncompliant', findings: ['SES-EVD-001'], steps: [`${step}:done`], alerted: true });
    const [published, ...more] = h.publishedAlerts();
    expect(more).toEqual([]);
    expect(published?.input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      outcome: { DataType: 'String', StringValue: 'repaired' },
      rules: { DataType: 'String.Array', StringValue: '["SES-EVD-001"]' },
    });
    expect(published?.alert).toMatchObject({ outcome: 'repaired', severity: 'high', rules: ['SES-EVD-001'], resource: { arn: CONFIGURATION_SET_ARN, family: 'event-destination' } });
    expect(published?.alert.remediation).toMatchObject({ strategy, steps: [{ id: 's1', action: step, ruleIds: ['SES-EVD-001'], outcome: 'done' }] });
  });

  it('restores the previous own-account definition recorded in DynamoDB instead of deleting it', async () => {
    // Its own destination name, so the baseline it records cannot meet the other tests' destination.
    const ownTopic: EventDestination = { Name: 'ops-feed', Enabled: true, MatchingEventTypes: ['BOUNCE', 'COMPLAINT'], SnsDestination: { TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:ses-bounces` } };
    const ses = fakeEventDestinations(h, [ownTopic]);
    const invoke = await h.coldStart('event-destination', enforceConfig());
    // The team's own destination, created by the deployer: compliant, so it becomes the baseline.
    const created = sample('event-destination/v1-create-sns-same-account', (e) => {
      (e.detail.requestParameters?.['eventDestination'] as Record<string, unknown>)['name'] = 'ops-feed';
    });
    expect(await invoke(created)).toMatchObject({ verdict: 'compliant', alerted: false });
    expect(await h.baselineItem(`${CONFIGURATION_SET_ARN}#destination/ops-feed`)).toMatchObject({ eventId: created.detail.eventID });

    ses.destinations = [{ ...toOutsideTopic, Name: 'ops-feed' }];
    const summary = await invoke(sample(CROSS_ACCOUNT_SAMPLE, (e) => void ((e.detail.requestParameters ?? {})['eventDestinationName'] = 'ops-feed')));

    expect(h.awsWrites()).toEqual(['UpdateConfigurationSetEventDestinationCommand']);
    expect(h.sesv2.commandCalls(UpdateConfigurationSetEventDestinationCommand).map((c) => c.args[0].input)).toEqual([
      { ConfigurationSetName: 'transactional', EventDestinationName: 'ops-feed', EventDestination: { Enabled: true, MatchingEventTypes: ['BOUNCE', 'COMPLAINT'], SnsDestination: { TopicArn: ownTopic.SnsDestination?.TopicArn } } },
    ]);
    expect(ses.destinations).toEqual([ownTopic]);
    expect(summary.steps).toEqual(['ses.update-event-destination:done']);
    expect(h.publishedAlerts().map((p) => [p.alert.outcome, p.alert.remediation?.strategy])).toEqual([['repaired', 'restore-destination']]);
  });

  it('dry-run: reads only, and the alert says it would delete the destination', async () => {
    const ses = fakeEventDestinations(h, [toOutsideTopic]);
    const invoke = await h.coldStart('event-destination', { mode: 'dry-run' });

    await invoke(sample(CROSS_ACCOUNT_SAMPLE));

    expect(h.awsCommands()).toEqual(['GetConfigurationSetEventDestinationsCommand']);
    expect(ses.destinations).toEqual([toOutsideTopic]);
    const [published] = h.publishedAlerts();
    expect(published?.alert).toMatchObject({ outcome: 'would-repair', dryRun: true, remediation: { steps: [{ action: 'ses.delete-event-destination', outcome: 'would-do' }] } });
  });
});
