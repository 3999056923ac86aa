import { existsSync } from 'node:fs';
import type { CliIo } from '../io.ts';
import { InputError, namedFile, readInput, type InputRef } from '../input-files.ts';
import { historyEntries, type HistoryFormat } from '../../lib/cloudtrail/sources.ts';
import { describeJsonSyntaxError, parseJsonText } from '../../lib/source/json.ts';
import { inferKind } from './check-inputs.ts';

/**
 * The events one replay run judges, from every input, in the order the guard would have seen them:
 * by eventTime (CloudTrail log files "aren't an ordered stack trace", CloudTrail User Guide), file order
 * breaking ties.
 */
export interface ReplayItem {
  /** Where the event is: the file, and its place in it for multi-event files (`x.json.gz Records[3]`). */
  source: string;
  file: string;
  format?: HistoryFormat;
  envelope?: unknown;
  /** The CloudTrail record (`detail`). */
  record?: Record<string, unknown>;
  /** Raw CloudTrail history (records, log files, lookup-events) rather than envelopes EventBridge delivered. */
  fromHistory: boolean;
  /** Why the event cannot be judged (not JSON, not a CloudTrail format): it is reported invalid. */
  problem?: string;
  /** The state sidecar beside a single-event file (`<event>.state.json`), or why it could not be read. */
  sidecar?: { value: unknown } | { problem: string };
  eventId?: string;
  time?: number;
}

export const SIDECAR_SUFFIX = '.state.json';


async function readSidecar(file: string, io: CliIo): Promise<ReplayItem['sidecar']> {
  const path = file.replace(/\.json$/, SIDECAR_SUFFIX);
  if (path === file || !existsSync(path)) return undefined;
  try {
    const parsed = parseJsonText((await readInput(namedFile(path), io)).text);
    return parsed.ok ? { value: parsed.value } : { problem: `state sidecar ${path}:${describeJsonSyntaxError(parsed.error)} (not valid JSON)` };
  } catch (error) {
    if (error instanceof InputError) return { problem: `state sidecar ${path}: ${error.message}` };
    throw error;
  }
}

/** Every event of one input; a file that cannot be read or is no CloudTrail format is one invalid item. */
export async function itemsOf(input: InputRef, io: CliIo): Promise<ReplayItem[]> {
  let text: string;
  try {
    text = (await readInput(input, io)).text;
  } catch (error) {
    if (error instanceof InputError) return [{ source: input.name, file: input.name, fromHistory: false, problem: `${input.name}: ${error.message}` }];
    throw error;
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) return [{ source: input.name, file: input.name, fromHistory: false, problem: `${input.name}:${describeJsonSyntaxError(parsed.error)} (not valid JSON)` }];
  const history = historyEntries(parsed.value);
  if (!history) {
    const kind = inferKind(parsed.value);
    const hint = kind ? `; it looks like ${kind.kind} (${kind.because}): use \`sesguard check\`` : '';
    return [{ source: input.name, file: input.name, fromHistory: false, problem: `${input.name}: is none of the CloudTrail formats replay reads (EventBridge envelope, CloudTrail record, S3 log file {"Records": [...]}, lookup-events output)${hint}` }];
  }
  const single = history.entries.length === 1 && (history.format === 'eventbridge-envelope' || history.format === 'cloudtrail-record');
  const sidecar = single && input.path !== undefined ? await readSidecar(input.path, io) : undefined;
  return history.entries.map((entry): ReplayItem => {
    const record = entry.record;
    const eventId = record && typeof record['eventID'] === 'string' ? record['eventID'] : undefined;
    const time = record && typeof record['eventTime'] === 'string' ? Date.parse(record['eventTime']) : Number.NaN;
    return {
      source: entry.position ? `${input.name} ${entry.position}` : input.name,
      file: input.name,
      format: history.format,
      fromHistory: entry.wrapped,
      ...(entry.envelope !== undefined && { envelope: entry.envelope }),
      ...(record && { record }),
      ...(entry.problem !== undefined && { problem: `${input.name} ${entry.problem}` }),
      ...(sidecar && { sidecar }),
      ...(eventId !== undefined && { eventId }),
      ...(!Number.isNaN(time) && { time }),
    };
  });
}

/** eventTime order, stable: an event without a readable time keeps its place before the timed ones. */
export function inTimeOrder(items: readonly ReplayItem[]): ReplayItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (a.item.time ?? -Infinity) - (b.item.time ?? -Infinity) || a.index - b.index)
    .map(({ item }) => item);
}
