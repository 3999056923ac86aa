import { randomUUID } from 'node:crypto';
import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import { loadCliConfig } from '../config-source.ts';
import { failsOn, parseFailOn } from '../fail-on.ts';
import { silenceSdkNodeVersionWarning } from '../aws-sdk-setup.ts';
import { toolVersion } from '../version.ts';
import type { Config } from '../../lib/config/schema.ts';
import { InvalidConfigError } from '../../lib/config/validate.ts';
import { createServiceClient, InvalidAwsSettingsError, resolveAwsSettings, type MakeClient } from '../../lib/aws/client-factory.ts';
import { globalIamRegion } from '../../lib/aws/partition.ts';
import { MemoryBaselineStore } from '../../lib/baseline/memory-store.ts';
import { FAMILY_LIST } from '../../lib/families/index.ts';
import { systemClock, type Clock } from '../../lib/aws/clock.ts';
import { runSweepInvocation } from '../../lib/sweep/engine.ts';
import { MemorySweepStore, type RunRecord } from '../../lib/sweep/run-record.ts';
import { summarize } from '../../lib/sweep/summary.ts';
import { formatSweepJsonLine, formatSweepJsonSummary, formatSweepSarif, formatSweepText, type SweptResource } from './sweep-format.ts';

const HELP = `sesguard sweep --live [options]

Judges every SES identity policy, configuration-set event destination and custom verification template in
the given regions, and every IAM user, group and role (in the partition's IAM region), with the same rules,
exemptions and repairs as the deployed guard. Like an audit tool: dry-run unless --apply and mode: enforce.
It paces itself below SES's 1 call/s (sweep.sesCallsPerSecond), so a large account takes a while: about one
call per identity and per configuration set. The guard's own deployed resources are checked by the
deployed sweep (it knows what was deployed), not from here.

Options:
  --live                 required: read the account through the AWS SDK (credentials and settings as the AWS CLI)
  --apply                repair what is noncompliant (config mode must be enforce)
  --region R             a region to sweep, repeatable (default: AWS_REGION)
  --family F             only this family, repeatable (identity-policy, event-destination, custom-verification, iam-grant)
  --config FILE          config to judge with (default: ./sesguard.config.yml when present, else defaults)
  --format text|json|sarif
                         text for people (default); json: one object per resource, then a summary object; sarif
  --account ID           the account id in ARNs (default: the first trusted account, else read from IAM)
  --fail-on SEVERITY     exit 1 when a finding is at or above low|medium|high|critical (default low: any finding)

Exit: 0 nothing at or above --fail-on; 1 a finding at or above --fail-on; 2 a resource or region that could
not be judged, a sweep refused, bad usage or config.
`;

export interface SweepCliOptions {
  /** Tests: a simulated clock, so pacing does not sleep. */
  clock?: Clock;
}

export async function runSweep(args: string[], io: CliIo, options: SweepCliOptions = {}): Promise<number> {
  const parsed = parseCommandArgs('sweep', HELP, io, {
    args,
    allowPositionals: false,
    options: {
      live: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      region: { type: 'string', multiple: true },
      family: { type: 'string', multiple: true },
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      account: { type: 'string' },
      'fail-on': { type: 'string', default: 'low' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const usage = (message: string): number => usageError('sweep', io, message);
  if (!values.live) return usage('a sweep reads the account: pass --live (add --apply to repair)');
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') return usage(`--format must be text, json or sarif, not "${format}"`);
  const known = FAMILY_LIST.map((f) => f.id);
  const unknown = (values.family ?? []).filter((f) => !known.includes(f));
  if (unknown.length > 0) return usage(`unknown --family ${unknown.join(', ')}; families: ${known.join(', ')}`);
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) return usage('--account must be a 12-digit account id');
  const failOn = parseFailOn(values['fail-on']);
  if (typeof failOn !== 'string') return usage(failOn.error);

  let config: Config;
  try {
    ({ config } = await loadCliConfig(values.config));
  } catch (error) {
    if (error instanceof InvalidConfigError) return usage(error.message);
    throw error;
  }
  if (values.apply && config.mode !== 'enforce') return usage(`--apply with config mode "${config.mode}" would change nothing; set mode: enforce to repair`);
  const effective: Config = values.apply ? config : { ...config, mode: 'dry-run' };

  let regions: string[];
  try {
    const settings = resolveAwsSettings(io.env);
    regions = values.region ?? (settings.region ? [settings.region] : []);
  } catch (error) {
    if (error instanceof InvalidAwsSettingsError) return usage(error.message);
    throw error;
  }
  if (regions.length === 0) return usage('name a region with --region (or set AWS_REGION)');
  const accountId = values.account ?? config.trustedAccounts[0];
  if (accountId === undefined) return usage('pass --account (or list the account first in trustedAccounts): ARNs name it');

  silenceSdkNodeVersionWarning();
  // The pacer retries each attempt through its token bucket, so the SDK's own retries are off.
  const makeClient = (region: string): MakeClient => (Client, service) => createServiceClient(Client, service, { ...io.env, AWS_REGION: region, AWS_MAX_ATTEMPTS: '1' });
  const clock = options.clock ?? systemClock;
  const items: SweptResource[] = [];
  const progress = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const started = clock.now();
  const showProgress = (record: RunRecord) => {
    if (!progress) return;
    const seen = record.units.reduce((n, u) => n + u.seen, 0);
    const listed = record.units.reduce((n, u) => n + u.listed, 0);
    const rate = seen / Math.max(1, (clock.now() - started) / 1000);
    const eta = rate > 0 && listed > seen ? `, ETA ${Math.ceil((listed - seen) / rate / 60)} min` : '';
    const unit = record.units.find((u) => !u.done);
    io.stderr.write(`\r${unit ? `${unit.family} ${unit.region}: ` : ''}${seen}/${listed} resources, ${rate.toFixed(2)}/s${eta}   `);
  };
  const outcome = await runSweepInvocation(
    {
      config: effective,
      families: FAMILY_LIST,
      scope: { regions, globalRegion: globalIamRegion(regions[0]), ...(values.family && { families: values.family }) },
      accountId,
      makeClient,
      store: new MemorySweepStore(),
      baseline: new MemoryBaselineStore(),
      clock,
      pacing: { sesRate: config.sweep.sesCallsPerSecond, iamRate: config.sweep.iamCallsPerSecond },
      parseOptions: { ownRoleArns: [], guardResourcePrefix: 'sesguard-' },
      actor: { type: 'Unknown', invokedBy: 'sesguard sweep (CLI)' },
      remainingMs: () => Number.POSITIVE_INFINITY,
      reserveMs: 0,
      leaseMs: 24 * 3600_000,
      onDecision: (decision, family, unit) => {
        if (decision.verdict === 'ignored') return;
        const item = { family: family.id, region: unit.region, decision };
        items.push(item);
        if (format === 'json') io.stdout.write(formatSweepJsonLine(item));
      },
      onProgress: showProgress,
      newSweepId: () => `cli-${randomUUID().slice(0, 8)}`,
    },
    { holder: `cli-${process.pid}`, trigger: 'cli' },
  );
  if (progress) io.stderr.write('\n');
  if (outcome.status === 'refused') {
    io.stderr.write(`sesguard sweep: ${outcome.reason}\n`);
    return 2;
  }
  const summary = summarize(outcome.record);
  if (format === 'json') io.stdout.write(formatSweepJsonSummary(summary));
  else if (format === 'sarif') io.stdout.write(formatSweepSarif(items, toolVersion()));
  else io.stdout.write(formatSweepText(items, summary));
  // The exit-code contract of every command (bin/cli.ts): not judged is 2, findings at or above --fail-on 1.
  const notJudged = items.some((i) => i.decision.verdict === 'invalid' || i.decision.verdict === 'error') || outcome.record.units.some((u) => u.error !== undefined);
  if (notJudged) return 2;
  return failsOn(items.flatMap((i) => i.decision.findings), failOn) ? 1 : 0;
}
