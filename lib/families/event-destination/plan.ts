import { planDocumentRepair, splitByAction } from '../../remediation/document-repair.ts';
import { uniqueRuleIds } from '../../remediation/compliance.ts';
import { draftStep } from '../../remediation/step.ts';
import type { FamilyPlan, FamilyPlanInput } from '../../remediation/types.ts';
import { parseStoredDestination, toEventDestinationDefinition, UnwritableDestinationError, type EventDestination } from './destination.ts';
import { DELETE_EVENT_DESTINATION, UPDATE_EVENT_DESTINATION } from './steps.ts';
import type { EventDestinationChange, EventDestinationState } from './types.ts';

/** Why a definition cannot be written back, or undefined when it can. */
function unwritable(destination: EventDestination): string | undefined {
  try {
    toEventDestinationDefinition(destination);
    return undefined;
  } catch (error) {
    if (error instanceof UnwritableDestinationError) return error.message;
    throw error;
  }
}

/**
 * SES-EVD-001: mail events flowing to another account. The previous definition is restored when the
 * baseline has a compliant one (the team's own destination keeps receiving events); otherwise the
 * destination is deleted, or only disabled when config asks to keep it for review.
 */
export function planEventDestinationRepair(input: FamilyPlanInput<EventDestinationChange, EventDestinationState>): FamilyPlan {
  const { state, config } = input;
  const { findings, notRepaired } = splitByAction(input.findings, ['remove-destination', 'disable-destination', 'revert', 'strip', 'delete'], 'an event destination');
  const destination = state.destination;
  const ruleIds = uniqueRuleIds(findings);
  const name = destination?.name ?? '';
  const target = { configurationSet: state.configurationSet, destinationName: name };
  const label = `event destination "${name}" of configuration set "${state.configurationSet}"`;
  const update = (definition: EventDestination, reason: string) =>
    draftStep(UPDATE_EVENT_DESTINATION, { type: 'ses.update-event-destination', ...target, destination: definition }, { ruleIds, reason });
  const disable = findings.some((f) => f.action === 'disable-destination') || config.eventDestinationRemoval === 'disable';
  return planDocumentRepair(
    {
      label,
      state,
      current: destination ? JSON.stringify(destination) : null,
      strippable: false,
      names: { revert: 'restore-destination', delete: 'remove-destination' },
      whyRemove: `Deletes the ${label} so no more mail events leave the perimeter.`,
      withDocument(document) {
        const parsed = parseStoredDestination(document);
        if (!parsed.ok) return { unusable: `it is unreadable (${parsed.error})` };
        if (parsed.destination.name !== name) return { unusable: `it names destination "${parsed.destination.name}", not "${name}"` };
        const why = unwritable(parsed.destination);
        if (why !== undefined) return { unusable: `it cannot be written back (${why})` };
        return { ...state, destination: parsed.destination };
      },
      write(document, reason) {
        const parsed = parseStoredDestination(document);
        // withDocument accepted this document moments ago; a failure here is a bug, and loud beats wrong.
        if (!parsed.ok) throw new Error(`baseline destination became unreadable: ${parsed.error}`);
        return update(parsed.destination, reason);
      },
      remove: (reason) => draftStep(DELETE_EVENT_DESTINATION, { type: 'ses.delete-event-destination', ...target }, { ruleIds, reason }),
      soften(notes) {
        if (!disable || !destination) return undefined;
        const disabled = { ...destination, enabled: false };
        const why = unwritable(disabled);
        if (why !== undefined) {
          notes.push(`It cannot be disabled because its definition cannot be written back (${why}).`);
          return undefined;
        }
        const reason = `Disables the ${label} (Enabled=false) and keeps its definition for review, as configured.`;
        return { strategy: 'disable-destination', steps: [update(disabled, reason)], explanation: [...notes, reason].join(' '), notRepaired: [] };
      },
    },
    { findings, notRepaired, judge: input.judge, ...(input.baseline && { baseline: input.baseline }) },
  );
}
