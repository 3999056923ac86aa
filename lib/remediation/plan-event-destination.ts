import type { BaselineRecord } from '../baseline/types.ts';
import type { Config } from '../config/schema.ts';
import type { Finding } from '../rules/types.ts';
import type { EventDestination, EventDestinationState, ResourceState } from '../state/types.ts';
import { resourceFindings, uniqueRuleIds } from './compliance.ts';
import { notRepairedAll, type DraftStep, type FamilyPlan } from './draft.ts';
import { parseStoredDestination, toEventDestinationDefinition, UnwritableDestinationError } from './event-destination-definition.ts';

export interface EventDestinationPlanInput {
  state: EventDestinationState;
  /** Findings to repair: not exempt, not alert-only, not quarantine. */
  findings: Finding[];
  baseline?: BaselineRecord;
  config: Config;
  judge: (state: ResourceState) => Finding[];
}

const SUPPORTED = new Set(['remove-destination', 'disable-destination', 'revert', 'strip', 'delete']);

/**
 * SES-EVD-001: mail events flowing to another account. The previous definition is restored when the
 * baseline has a compliant one (the team's own destination keeps receiving events); otherwise the
 * destination is deleted, or only disabled when config asks to keep it for review.
 */
export function planEventDestinationRepair(input: EventDestinationPlanInput): FamilyPlan {
  const { state } = input;
  const unsupported = input.findings.filter((f) => !SUPPORTED.has(f.action));
  const findings = input.findings.filter((f) => SUPPORTED.has(f.action));
  const notRepaired = unsupported.map((f) => ({ ruleId: f.ruleId, reason: `action "${f.action}" does not apply to an event destination` }));
  if (findings.length === 0) {
    return { strategy: 'alert-only', steps: [], explanation: 'No finding on the event destination has an action that applies to it.', notRepaired };
  }
  const destination = state.destination;
  if (destination === null) {
    return {
      strategy: 'none',
      steps: [],
      explanation: `The event destination on configuration set "${state.configurationSet}" no longer exists: it is already gone, so there is nothing to repair.`,
      notRepaired: [...notRepaired, ...notRepairedAll(findings, 'the event destination no longer exists')],
    };
  }
  const label = `event destination "${destination.name}" of configuration set "${state.configurationSet}"`;
  const ruleIds = uniqueRuleIds(findings);
  const update = (definition: Record<string, unknown>, reason: string): DraftStep => ({
    action: { type: 'ses.update-event-destination', configurationSet: state.configurationSet, destinationName: destination.name, destination: definition },
    ruleIds,
    reason,
  });
  const remove = (reason: string): DraftStep => ({
    action: { type: 'ses.delete-event-destination', configurationSet: state.configurationSet, destinationName: destination.name },
    ruleIds,
    reason,
  });

  const forcedDelete = findings.some((f) => f.action === 'delete');
  const notes: string[] = [];
  if (!forcedDelete) {
    const restore = tryBaseline(state, destination, input.baseline, input.judge);
    if (restore.definition) {
      const why = `Restores the previous definition of the ${label} recorded at ${input.baseline?.recordedAt} (event ${input.baseline?.eventId}), which is compliant under today's rules.`;
      return { strategy: 'restore-destination', steps: [update(restore.definition, why)], explanation: why, notRepaired };
    }
    notes.push(restore.why);
  }

  const disable = !forcedDelete && (findings.some((f) => f.action === 'disable-destination') || input.config.eventDestinationRemoval === 'disable');
  if (disable) {
    try {
      const definition = toEventDestinationDefinition({ ...destination, enabled: false });
      const why = `Disables the ${label} (Enabled=false) and keeps its definition for review, as configured.`;
      return { strategy: 'disable-destination', steps: [update(definition, why)], explanation: [...notes, why].join(' '), notRepaired };
    } catch (error) {
      if (!(error instanceof UnwritableDestinationError)) throw error;
      notes.push(`It cannot be disabled because its definition cannot be written back (${error.message}).`);
    }
  }
  const why = forcedDelete
    ? `Config sets action "delete" for ${ruleIds.join(', ')}, so the ${label} is deleted.`
    : `Deletes the ${label} so no more mail events leave the perimeter.`;
  return { strategy: 'remove-destination', steps: [remove(why)], explanation: [...notes, why].join(' '), notRepaired };
}

function tryBaseline(
  state: EventDestinationState,
  current: EventDestination,
  baseline: BaselineRecord | undefined,
  judge: (state: ResourceState) => Finding[],
): { definition: Record<string, unknown>; why?: undefined } | { definition?: undefined; why: string } {
  if (!baseline) return { why: 'No previous definition is recorded for this destination.' };
  const parsed = parseStoredDestination(baseline.document);
  if (!parsed.ok) return { why: `The recorded previous definition (${baseline.recordedAt}) is unreadable: ${parsed.error}.` };
  if (parsed.destination.name !== current.name) {
    return { why: `The recorded previous definition names destination "${parsed.destination.name}", not "${current.name}".` };
  }
  const remaining = resourceFindings(judge({ ...state, destination: parsed.destination }));
  if (remaining.length > 0) {
    return { why: `The recorded previous definition (${baseline.recordedAt}) is not compliant under today's rules (${uniqueRuleIds(remaining).join(', ')}).` };
  }
  try {
    return { definition: toEventDestinationDefinition(parsed.destination) };
  } catch (error) {
    if (!(error instanceof UnwritableDestinationError)) throw error;
    return { why: `The recorded previous definition cannot be written back: ${error.message}.` };
  }
}
