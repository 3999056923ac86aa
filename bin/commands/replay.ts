import { readFile, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import type { Config } from '../../lib/config/schema.ts';
import { InvalidConfigError, loadConfigFile, parseConfig } from '../../lib/config/load.ts';
import { createAwsClients, createServiceClient, InvalidAwsSettingsError, resolveAwsSettings } from '../../lib/aws/client-factory.ts';
import { MemoryBaselineStore } from '../../lib/baseline/memory-store.ts';
import { DynamoBaselineStore } from '../../lib/baseline/dynamodb-store.ts';
import type { BaselineStore } from '../../lib/baseline/types.ts';
import { executePlan } from '../../lib/remediation/execute.ts';
import { mergeSenders, type StepSenders } from '../../lib/remediation/step.ts';
import { decideEvent, type GuardDeps } from '../../lib/guard/decide.ts';
import { describeError } from '../../lib/aws/errors.ts';
import { undecidedDecision, type Decision } from '../../lib/guard/decision.ts';
import type { Change } from '../../lib/cloudtrail/types.ts';
import type { Family, FamilyConnection } from '../../lib/families/family.ts';
import type { ResourceState } from '../../lib/rules/types.ts';
import { FAMILY_LIST } from '../../lib/families/index.ts';
import { ownRoleArnProblem } from '../../lib/cloudtrail/own-role.ts';
import { revokeSessionsPolicyName } from '../../lib/remediation/quarantine/revoke-sessions.ts';
import { formatReplayJson, formatReplayText, formatReplayTotals } from './replay-format.ts';

const HELP = `sesguard replay FILE|DIR... [options]

Runs EventBridge envelopes of CloudTrail events through the guard and prints each decision.
Default: offline and dry-run. The current state is taken from the event payload (and, for IAM
events whose payload carries no document, from a sidecar FILE.state.json beside the event);
nothing is called and nothing is changed.

Options:
  --config FILE          config to judge with (default: ./sesguard.config.yml when present, else defaults)
  --format text|json     text for people (default); json prints one object per event, one per line
  --live                 read the current state through the AWS SDK (AWS_REGION, AWS_ENDPOINT_URL... decide where)
  --apply                with --live only: execute the plan (config mode must be enforce)
  --baseline-table NAME  with --live: the DynamoDB baseline table (default: an in-memory one for this run)
  --own-role ARN         exact ARN of one of the guard's own roles, repeatable; their calls are skipped as the
                         guard's repairs (default: none). Patterns are refused: a name pattern would also cover
                         any role merely named like the guard's
  --resource-prefix P    name prefix of the guard's resources (default: sesguard-)

Exit: 0 all decided; 1 an event was invalid or the guard failed on one; 2 bad usage or config.
`;

export async function runReplay(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('replay', HELP, io, {
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      live: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      'baseline-table': { type: 'string' },
      'own-role': { type: 'string', multiple: true },
      'resource-prefix': { type: 'string', default: 'sesguard-' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string): number => usageError('replay', io, message);
  if (values.format !== 'text' && values.format !== 'json') return usage(`--format must be text or json, not "${values.format}"`);
  if (values.apply && !values.live) return usage('--apply needs --live: offline replay never changes anything');
  if (values['baseline-table'] && !values.live) return usage('--baseline-table needs --live');
  if (positionals.length === 0) return usage('name at least one event file or directory (e.g. events/)');
  const ownRoleArns = values['own-role'] ?? [];
  for (const arn of ownRoleArns) {
    const problem = ownRoleArnProblem(arn);
    if (problem) return usage(`--own-role ${problem}`);
  }

  let config: Config;
  try {
    config = await readReplayConfig(values.config);
  } catch (error) {
    if (error instanceof InvalidConfigError) return usage(error.message);
    throw error;
  }
  if (values.apply && config.mode !== 'enforce') {
    return usage(`--apply with config mode "${config.mode}" would change nothing; set mode: enforce to repair`);
  }
  // Only --live --apply may write; every other replay is a dry run whatever the config says.
  const effectiveConfig: Config = values.apply ? config : { ...config, mode: 'dry-run' };

  let files: string[];
  try {
    files = await collectEventFiles(positionals);
  } catch (error) {
    return usage((error as Error).message);
  }

  // Only --live touches AWS; an offline replay neither builds clients nor reads the SDK settings.
  let live: Map<string, FamilyConnection<Change, ResourceState>> | undefined;
  let baseline: BaselineStore = new MemoryBaselineStore();
  if (values.live) {
    try {
      resolveAwsSettings(io.env);
    } catch (error) {
      if (error instanceof InvalidAwsSettingsError) return usage(error.message);
      throw error;
    }
    live = new Map(FAMILY_LIST.map((family) => [family.id, family.connect((Client, service) => createServiceClient(Client, service, io.env))]));
    if (values['baseline-table']) baseline = new DynamoBaselineStore({ client: createAwsClients(io.env).dynamodb, tableName: values['baseline-table'] });
  }
  // Only --apply sends repairs; a dry run plans them and the executor marks them would-do.
  const senders: StepSenders = live && values.apply ? mergeSenders(...[...live.values()].map((c) => c.senders)) : new Map();

  const decisions: Array<{ file: string; decision: Decision }> = [];
  for (const file of files) {
    const decision = await replayFile(file, {
      config: effectiveConfig,
      baseline,
      live,
      ownRoleArns,
      resourcePrefix: values['resource-prefix'],
      execute: (plan, context) => executePlan(plan, { senders, ...context, now: () => new Date() }),
    });
    decisions.push({ file, decision });
    io.stdout.write(values.format === 'json' ? formatReplayJson(file, decision) : formatReplayText(file, decision));
  }
  if (values.format === 'text') {
    const mode = values.apply ? 'enforce (--live --apply)' : values.live ? 'dry-run (live state)' : 'dry-run (offline, state from the event payload)';
    io.stdout.write(formatReplayTotals(decisions.map((d) => d.decision), mode));
  }
  return decisions.some((d) => d.decision.verdict === 'invalid' || d.decision.verdict === 'error') ? 1 : 0;
}

async function readReplayConfig(path: string | undefined): Promise<Config> {
  if (path !== undefined) return loadConfigFile(path);
  if (existsSync('sesguard.config.yml')) return loadConfigFile('sesguard.config.yml');
  return parseConfig({}, 'defaults');
}

const isSidecar = (name: string): boolean => name.endsWith('.state.json');

/** Files named on the command line, and every *.json below named directories (sorted, sidecars excluded). */
export async function collectEventFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new Error(`no such file or directory: ${path}`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(path, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((e) => e.isFile() && e.name.endsWith('.json') && !isSidecar(e.name))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files;
}

interface ReplayDeps {
  config: Config;
  baseline: BaselineStore;
  /** Each family's live reader (--live), by family id. */
  live: Map<string, FamilyConnection<Change, ResourceState>> | undefined;
  ownRoleArns: string[];
  resourcePrefix: string;
  execute: GuardDeps['execute'];
}

/** A decision the guard could not reach for one file; the run goes on with the next. */
function undecided(verdict: 'invalid' | 'error', problem: string, dryRun: boolean): Decision {
  return undecidedDecision(verdict, problem, { dryRun, now: new Date() });
}

async function replayFile(file: string, deps: ReplayDeps): Promise<Decision> {
  const dryRun = deps.config.mode === 'dry-run';
  let envelope: unknown;
  try {
    envelope = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return undecided('invalid', `${file} is not JSON: ${(error as Error).message}`, dryRun);
  }
  const sidecarPath = resolve(file.replace(/\.json$/, '.state.json'));
  let sidecar: unknown;
  if (existsSync(sidecarPath)) {
    try {
      sidecar = JSON.parse(await readFile(sidecarPath, 'utf8'));
    } catch (error) {
      return undecided('error', `state sidecar ${sidecarPath} is not JSON: ${(error as Error).message}`, dryRun);
    }
  }
  const readState = async (change: Change, family: Family): Promise<ResourceState> => {
    const connection = deps.live?.get(family.id);
    return connection ? connection.read(change) : family.offlineState(change, sidecar);
  };
  try {
    return await decideEvent(envelope, {
      config: deps.config,
      families: FAMILY_LIST,
      readState,
      baseline: deps.baseline,
      execute: deps.execute,
      parseOptions: {
        ownRoleArns: deps.ownRoleArns,
        guardResourcePrefix: deps.resourcePrefix,
        guardPolicyNames: [deps.config.quarantinePolicyName, revokeSessionsPolicyName(deps.config.quarantinePolicyName)],
      },
      now: () => new Date(),
    });
  } catch (error) {
    // A guard bug on one event must not hide the decisions on the others; it is reported and fails the run.
    return undecided('error', `the guard failed on ${file}: ${describeError(error)}`, dryRun);
  }
}
