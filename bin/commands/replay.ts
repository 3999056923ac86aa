import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import { loadCliConfig } from '../config-source.ts';
import { collectInputs, InputError } from '../input-files.ts';
import { silenceSdkNodeVersionWarning } from '../aws-sdk-setup.ts';
import type { Config } from '../../lib/config/schema.ts';
import { InvalidConfigError } from '../../lib/config/validate.ts';
import { createServiceClient, InvalidAwsSettingsError, resolveAwsSettings } from '../../lib/aws/client-factory.ts';
import { createAwsClients } from '../../lib/aws/all-clients.ts';
import { MemoryBaselineStore } from '../../lib/baseline/memory-store.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import type { BaselineStore } from '../../lib/baseline/types.ts';
import { executePlan } from '../../lib/remediation/execute.ts';
import { mergeSenders, type StepSenders } from '../../lib/remediation/step.ts';
import { decideEvent } from '../../lib/guard/decide.ts';
import { describeError } from '../../lib/aws/errors.ts';
import { undecidedDecision, type Decision } from '../../lib/guard/decision.ts';
import { IamHistory } from '../../lib/cloudtrail/iam-history.ts';
import type { Change } from '../../lib/cloudtrail/types.ts';
import type { Family, FamilyConnection } from '../../lib/families/family.ts';
import { parseStateSidecar, type StateSidecar } from '../../lib/families/iam-grant/sidecar.ts';
import type { ResourceState } from '../../lib/rules/types.ts';
import { FAMILY_LIST, SUPPORTED_EVENTS } from '../../lib/families/index.ts';
import { failsOn, parseFailOn } from '../fail-on.ts';
import { formatReplayJson, formatReplayText, formatReplayTotals, verdictOf, type ReplayEntry } from './replay-format.ts';
import { inTimeOrder, itemsOf, SIDECAR_SUFFIX, type ReplayItem } from './replay-inputs.ts';
import { ALERT_FORMATS, formatAlert, type AlertFormat } from './replay-alerts.ts';
import { ownRoleArnProblem } from '../../lib/cloudtrail/own-role.ts';
import { guardPolicyNames } from '../../lib/remediation/quarantine/perimeter-deny.ts';

const HELP = `sesguard replay FILE|DIR|-... [options]

Runs CloudTrail events through the guard, as its functions would have judged them, and prints each
decision. Reads EventBridge envelopes (as the functions receive them), raw CloudTrail records, CloudTrail
log files as a trail writes them to S3 ({"Records": [...]}, .json or .json.gz) and
\`aws cloudtrail lookup-events\` output, from files, directories (recursive) or - (stdin).

A run models the runtime: events are judged in eventTime order; an event id seen before is a duplicate
(ignored, as the idempotency layer does); a document an earlier event carried is known to later ones (a
SetDefaultPolicyVersion after its CreatePolicyVersion); a CreatePolicyVersion with setAsDefault false
changes nothing in effect until it becomes default. Records EventBridge never delivers to the guard
(read-only and failed calls, events no rule handles) are counted, not printed.

Default: offline and dry-run. The current state is taken from the event payload, from what earlier
events of the run showed, from AWS managed policies known offline (data/aws-managed-policies.json),
and, for IAM events, from a sidecar FILE${SIDECAR_SUFFIX} beside the event (format:
lib/families/iam-grant/sidecar.ts); nothing is called and nothing is changed.

Options:
  --config FILE          config to judge with (default: ./sesguard.config.yml when present, else the
                         built-in defaults; the one used is always printed)
  --format FORMAT        text (default): for people; json: one object per event, one per line;
                         alert: the text of each alert the guard would publish; slack: the Block Kit
                         JSON the Slack notifier would post, one per line; sns: the SNS Publish input
                         (Subject, Message, MessageAttributes), one per line
  --fail-on SEVERITY     exit 1 when a finding is at or above low|medium|high|critical (default: never)
  --quiet                print only events that need a person (noncompliant, invalid, error), and the totals
  --include GLOB         files read from a directory (repeatable; default *.json *.json.gz; sidecars never)
  --live                 read the current state through the AWS SDK, in each event's region
                         (AWS_ENDPOINT_URL... and credentials as the SDK reads them)
  --apply                with --live only: execute the plan (config mode must be enforce)
  --baseline-table NAME  with --live: the DynamoDB baseline table (default: an in-memory one for this run)
  --own-role ARN         exact ARN of one of the guard's own roles, repeatable; their calls are skipped as the
                         guard's repairs (default: none). Patterns are refused: a name pattern would also cover
                         any role merely named like the guard's
  --resource-prefix P    name prefix of the guard's resources (default: sesguard-)
  --guard-key ARN        exact ARN of the guard's alert-topic KMS key, repeatable: changes to it are
                         GUARD-001 (default: none, so no key is known as the guard's)

Exit: 0 every event decided, nothing at or above --fail-on; 1 a finding at or above --fail-on;
2 an event or file that could not be read or judged, the guard failing on one, bad usage or config.
`;

const FORMATS = ['text', 'json', ...ALERT_FORMATS] as const;
type Format = (typeof FORMATS)[number];

/** (eventSource, eventName) pairs some family parses: exactly what the EventBridge patterns route (scripts/deploy/event-patterns.ts builds them from the same rows). */
const ROUTED = new Set(SUPPORTED_EVENTS.map((e) => `${e.eventSource} ${e.eventName}`));

/** Why EventBridge would not deliver a raw CloudTrail record to the guard, or undefined when it would. */
function notRoutedBecause(record: Record<string, unknown>): string | undefined {
  const type = record['eventType'];
  if (type !== undefined && type !== 'AwsApiCall') return 'not API calls';
  if (record['errorCode'] !== undefined) return 'failed calls';
  if (!ROUTED.has(`${String(record['eventSource'])} ${String(record['eventName'])}`)) return 'calls no rule handles';
  return undefined;
}

interface RegionConnections {
  connections: Map<string, FamilyConnection<Change, ResourceState>>;
  senders: StepSenders;
}

export async function runReplay(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('replay', HELP, io, {
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
      include: { type: 'string', multiple: true },
      live: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      'baseline-table': { type: 'string' },
      'own-role': { type: 'string', multiple: true },
      'resource-prefix': { type: 'string', default: 'sesguard-' },
      'guard-key': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string): number => usageError('replay', io, message);
  const format = values.format as Format;
  if (!FORMATS.includes(format)) return usage(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const failOn = values['fail-on'] === undefined ? undefined : parseFailOn(values['fail-on']);
  if (failOn !== undefined && typeof failOn !== 'string') return usage(failOn.error);
  if (values.apply && !values.live) return usage('--apply needs --live: offline replay never changes anything');
  if (values['baseline-table'] && !values.live) return usage('--baseline-table needs --live');
  if (positionals.length === 0) return usage('name at least one event file or directory (e.g. events/), or - for stdin');
  const guardKeyArns = values['guard-key'] ?? [];
  for (const arn of guardKeyArns) {
    if (!/^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(arn)) return usage(`--guard-key must be the exact ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>), not "${arn}"`);
  }
  const ownRoleArns = values['own-role'] ?? [];
  for (const arn of ownRoleArns) {
    const problem = ownRoleArnProblem(arn);
    if (problem) return usage(`--own-role ${problem}`);
  }

  let config: Config;
  let configSource: string;
  try {
    ({ config, source: configSource } = await loadCliConfig(values.config));
  } catch (error) {
    if (error instanceof InvalidConfigError) return usage(error.message);
    throw error;
  }
  if (values.apply && config.mode !== 'enforce') {
    return usage(`--apply with config mode "${config.mode}" would change nothing; set mode: enforce to repair`);
  }
  // Only --live --apply may write; every other replay is a dry run whatever the config says.
  const effectiveConfig: Config = values.apply ? config : { ...config, mode: 'dry-run' };

  let inputs;
  try {
    inputs = await collectInputs(positionals, { include: values.include ?? ['*.json', '*.json.gz'], exclude: (name) => name.endsWith(SIDECAR_SUFFIX) });
  } catch (error) {
    if (error instanceof InputError) return usage(error.message);
    throw error;
  }

  // Only --live touches AWS; an offline replay neither builds clients nor reads the SDK settings.
  let baseline: BaselineStore = new MemoryBaselineStore();
  let live: ((region: string) => RegionConnections) | undefined;
  if (values.live) {
    try {
      resolveAwsSettings(io.env);
    } catch (error) {
      if (error instanceof InvalidAwsSettingsError) return usage(error.message);
      throw error;
    }
    silenceSdkNodeVersionWarning();
    // Each event's state is read in the event's own region (AWS_REGION is only the default): an identity in
    // eu-west-1 read in us-east-1 would be "not found", and absent must never pass for compliant.
    const byRegion = new Map<string, RegionConnections>();
    live = (region) => {
      let entry = byRegion.get(region);
      if (!entry) {
        const env = { ...io.env, AWS_REGION: region };
        const connections = new Map(FAMILY_LIST.map((family) => [family.id, family.connect((Client, service) => createServiceClient(Client, service, env))]));
        entry = { connections, senders: values.apply ? mergeSenders(...[...connections.values()].map((c) => c.senders)) : new Map() };
        byRegion.set(region, entry);
      }
      return entry;
    };
    if (values['baseline-table']) baseline = new DynamoBaselineStore({ client: createAwsClients(io.env).dynamodb, tableName: values['baseline-table'] });
  }

  const items: ReplayItem[] = [];
  for (const input of inputs) items.push(...(await itemsOf(input, io)));

  const write = (text: string): void => {
    if (text !== '') io.stdout.write(text);
  };
  if (format === 'text') write(`config: ${configSource}\n\n`);
  else io.stderr.write(`sesguard replay: config: ${configSource}\n`);

  const history = new IamHistory();
  const seen = new Map<string, string>();
  const notRouted = new Map<string, number>();
  const entries: ReplayEntry[] = [];
  const run: RunDeps = {
    config: effectiveConfig,
    baseline,
    live,
    history,
    ownRoleArns,
    guardKeyArns,
    resourcePrefix: values['resource-prefix'],
  };
  for (const item of inTimeOrder(items)) {
    if (item.fromHistory && item.record) {
      const why = notRoutedBecause(item.record);
      if (why !== undefined) {
        notRouted.set(why, (notRouted.get(why) ?? 0) + 1);
        if (item.record['errorCode'] === undefined) history.observe(item.record);
        continue;
      }
    }
    let entry: ReplayEntry;
    const first = item.eventId !== undefined ? seen.get(item.eventId) : undefined;
    if (item.eventId !== undefined && first !== undefined) {
      entry = { kind: 'duplicate', source: item.source, eventId: item.eventId, firstSource: first };
    } else {
      if (item.eventId !== undefined) seen.set(item.eventId, item.source);
      entry = await replayItem(item, run);
      if (item.record) history.observe(item.record);
    }
    entries.push(entry);
    const attention = verdictOf(entry) === 'noncompliant' || verdictOf(entry) === 'invalid' || verdictOf(entry) === 'error';
    if (format === 'json') write(formatReplayJson(entry));
    else if (format === 'text') {
      if (!values.quiet || attention) write(formatReplayText(entry));
    } else if (entry.kind === 'decision') write(await formatAlert(format as AlertFormat, entry.decision, config));
  }
  if (format === 'text') {
    const mode = values.apply ? 'enforce (--live --apply)' : values.live ? 'dry-run (live state)' : 'dry-run (offline, state from the event payload)';
    write(formatReplayTotals({ entries, mode, notRouted }));
  }

  const decisions = entries.flatMap((e) => (e.kind === 'decision' ? [e.decision] : []));
  if (decisions.some((d) => d.verdict === 'invalid' || d.verdict === 'error')) return 2;
  if (failOn !== undefined && failsOn(decisions.flatMap((d) => d.findings), failOn)) return 1;
  return 0;
}

interface RunDeps {
  config: Config;
  baseline: BaselineStore;
  live: ((region: string) => RegionConnections) | undefined;
  history: IamHistory;
  ownRoleArns: string[];
  guardKeyArns: string[];
  resourcePrefix: string;
}

/** A decision the guard could not reach for one event; the run goes on with the next. */
function undecided(verdict: 'invalid' | 'error', problem: string, dryRun: boolean): Decision {
  return undecidedDecision(verdict, problem, { dryRun, now: new Date() });
}

function policyArnOf(change: Change): string | undefined {
  return 'policyArn' in change && typeof change.policyArn === 'string' ? change.policyArn : undefined;
}

async function replayItem(item: ReplayItem, deps: RunDeps): Promise<ReplayEntry> {
  const dryRun = deps.config.mode === 'dry-run';
  const decided = (decision: Decision, note?: string): ReplayEntry => ({ kind: 'decision', source: item.source, decision, ...(note !== undefined && { note }) });
  if (item.problem !== undefined || item.envelope === undefined) return decided(undecided('invalid', item.problem ?? `${item.source}: no event`, dryRun));
  if (item.sidecar && 'problem' in item.sidecar) return decided(undecided('error', item.sidecar.problem, dryRun));
  const fileSidecar = item.sidecar?.value;
  let note: string | undefined;
  const readState = async (change: Change, family: Family): Promise<ResourceState> => {
    if (deps.live) {
      const connection = deps.live(change.region).connections.get(family.id);
      if (connection) return connection.read(change);
    }
    if (family.id !== 'iam-grant') return family.offlineState(change, fileSidecar);
    if ('operation' in change && change.operation === 'create-version' && 'setAsDefault' in change && change.setAsDefault === false) {
      note = 'the new version is not the default: nothing it grants is in effect until SetDefaultPolicyVersion makes it so (judged then)';
    }
    const base: StateSidecar | undefined = fileSidecar === undefined || deps.history.empty ? undefined : parseStateSidecar(fileSidecar);
    const state = deps.history.empty ? family.offlineState(change, fileSidecar) : family.offlineState(change, deps.history.sidecarFor(policyArnOf(change), base));
    // IAM-SES-001 judges the principals a policy reaches; offline, nobody may be known to hold it. Say so
    // rather than let a compliant verdict read as "nobody gains anything".
    if (state.kind === 'iam-grant' && 'principals' in state && Array.isArray(state.principals) && state.principals.length === 0 && 'changedPolicy' in state && state.changedPolicy) {
      note = `no principal is known offline to hold ${String((state.changedPolicy as { source: string }).source)}, so IAM-SES-001 (who gains perimeter actions) had no one to judge: use --live, or list the holders in a ${SIDECAR_SUFFIX} sidecar`;
    }
    return state;
  };
  const region = typeof item.record?.['awsRegion'] === 'string' ? item.record['awsRegion'] : undefined;
  const senders = deps.live && region !== undefined ? deps.live(region).senders : new Map();
  try {
    const decision = await decideEvent(item.envelope, {
      config: deps.config,
      families: FAMILY_LIST,
      readState,
      baseline: deps.baseline,
      execute: (plan, context) => executePlan(plan, { senders, ...context, now: () => new Date() }),
      parseOptions: {
        ownRoleArns: deps.ownRoleArns,
        guardResourcePrefix: deps.resourcePrefix,
        guardPolicyNames: guardPolicyNames(deps.config.quarantinePolicyName),
        guardKeyArns: deps.guardKeyArns,
      },
      now: () => new Date(),
    });
    return decided(decision, note);
  } catch (error) {
    // A guard bug on one event must not hide the decisions on the others; it is reported and fails the run.
    return decided(undecided('error', `the guard failed on ${item.source}: ${describeError(error)}`, dryRun));
  }
}
