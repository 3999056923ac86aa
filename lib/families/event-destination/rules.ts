import { accountOfArn } from '../../policy/index.ts';
import { trustedAccountsOf } from '../../rules/trust.ts';
import type { RawFinding, Rule, RuleContext } from '../../rules/types.ts';
import type { EventDestination, EventDestinationState } from './types.ts';

/**
 * SES-EVD-001: mail-event data (recipients, subjects, bounce and open details) must not flow to an
 * account outside the perimeter. Every ARN a destination carries is judged — for Firehose that is the
 * stream *and* the role SES assumes, since a role in another account can be made to write anywhere.
 * SESv2 only accepts the default event bus of the same account, but the ARN is judged anyway: a
 * future API or a misread state must not be trusted by assumption.
 */

interface DestinationTarget {
  what: string;
  arn: string;
}

export function targetsOf(destination: EventDestination): DestinationTarget[] {
  const targets: DestinationTarget[] = [];
  if (destination.snsDestination) targets.push({ what: 'SNS topic', arn: destination.snsDestination.topicArn });
  if (destination.kinesisFirehoseDestination) {
    targets.push({ what: 'Firehose delivery stream', arn: destination.kinesisFirehoseDestination.deliveryStreamArn });
    targets.push({ what: 'Firehose IAM role', arn: destination.kinesisFirehoseDestination.iamRoleArn });
  }
  if (destination.eventBridgeDestination) targets.push({ what: 'EventBridge event bus', arn: destination.eventBridgeDestination.eventBusArn });
  if (destination.pinpointDestination) targets.push({ what: 'Pinpoint application', arn: destination.pinpointDestination.applicationArn });
  return targets;
}

function evaluateEventDestination(state: EventDestinationState, ctx: RuleContext): RawFinding[] {
  if (state.destination === null) return [];
  const destination = state.destination;
  // A disabled destination sends nothing; enabling it is an UpdateConfigurationSetEventDestination call,
  // which the guard judges again. Flagging it would also fight `eventDestinationRemoval: disable`.
  if (!destination.enabled) return [];
  const trusted = trustedAccountsOf(ctx.config.trustedAccounts, ctx.accountId);
  const untrusted = targetsOf(destination).flatMap((target) => {
    const account = accountOfArn(target.arn);
    if (account === undefined) return [`${target.what} "${target.arn}" names no account`];
    return trusted.includes(account) ? [] : [`${target.what} ${target.arn} is in untrusted account ${account}`];
  });
  if (untrusted.length === 0) return [];
  return [
    {
      resource: state.configurationSetArn,
      reason: `Event destination "${destination.name}" of configuration set "${state.configurationSet}" sends mail events outside the perimeter: ${untrusted.join('; ')}.`,
      fix: { kind: 'remove-destination', configurationSet: state.configurationSet, destinationName: destination.name },
    },
  ];
}

export const EVENT_DESTINATION_RULES: readonly Rule<EventDestinationState>[] = [
  {
    id: 'SES-EVD-001',
    title: 'Event destination delivers to an untrusted account',
    appliesTo: ['event-destination'],
    defaultSeverity: 'high',
    defaultAction: 'remove-destination',
    evaluate: evaluateEventDestination,
  },
];
