import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import { loadCliConfig } from '../config-source.ts';
import { collectInputs, InputError, readInput } from '../input-files.ts';
import { toolVersion } from '../version.ts';
import { useBuiltActionCatalog } from '../iam-data-dir.ts';
import { InvalidConfigError } from '../../lib/config/validate.ts';
import type { Config } from '../../lib/config/schema.ts';
import { CHECK_KINDS, describeKinds } from './check-inputs.ts';
import { checkSource, type CheckOptions } from './check-file.ts';
import { allFindings, formatJson, formatSarif, formatText, type CheckReport, type FileReport } from './check-format.ts';
import { failsOn, parseFailOn } from '../fail-on.ts';

const DEFAULT_INCLUDE = ['*.json', '*.yaml', '*.yml', '*.template'];

const HELP = `sesguard check FILE|DIR|-... [options]

Judges policies and definitions against the perimeter rules before they are deployed, with the same
rules the guard enforces at runtime. An input is one of:
${describeKinds()}
  Terraform plan         terraform show -json plan.out: every SES identity policy, event destination,
                         IAM policy (user, role, group, managed) and managed-policy attachment in it
  CloudFormation         a template (JSON or YAML, short intrinsic tags too): event destinations, IAM
                         policies, and the inline and attached policies of roles, users and groups
A directory is read recursively (files matching --include); - reads stdin.

Options:
  --kind KIND            one of ${CHECK_KINDS.join(', ')}, for a single document; inferred when omitted
                         (Statement with a Principal: identity-policy; Statement without: iam-policy;
                         SnsDestination/KinesisFirehoseDestination/...: event-destination;
                         FromEmailAddress: verification-template)
  --config FILE          config to judge with (default: ./sesguard.config.yml when present, else the
                         built-in defaults; the one used is always printed). With no FILE to check,
                         validates the config and prints its effective settings.
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0 for code scanning
  --fail-on SEVERITY     exit 1 when a finding is at or above low|medium|high|critical (default low:
                         any finding); exempt findings never fail the check
  --quiet                print only what fails or could not be judged, and the summary (for CI)
  --include GLOB         files read from a directory (repeatable; default ${DEFAULT_INCLUDE.join(' ')});
                         a GLOB without / matches file names at any depth, ** any directories
  --account ID           the account the checked resources live in (default: the account of --resource,
                         else the first trustedAccounts entry; required when neither says)
  --region REGION        region for resources that name none (default: the Terraform provider's, else us-east-1)
  --resource ARN         the ARN of the resource a single document is (identity, configuration set,
                         template, or the IAM policy ARN)
  --principal ARN        iam-policy: a user, role or group the policy is judged for (repeatable;
                         default arn:aws:iam::<account>:user/policy-holder, a non-administrator)
  --parameter NAME=VALUE CloudFormation: a parameter's value (default: its Default; without one,
                         whatever depends on it is reported as not judged)
  --now ISO-TIME         judge exemption expiry as of this time (default: now)

Exit: 0 compliant; 1 a finding at or above --fail-on; 2 an input that could not be read or judged,
an invalid config, or bad usage (2 wins over 1).
`;

const FORMATS = ['text', 'json', 'sarif'] as const;

/** SARIF wants a URI; relative to the working directory (the repository root in CI) when inside it. */
function artifactUri(file: string): string {
  if (file === '-') return 'stdin';
  const absolute = resolve(file);
  const rel = relative(process.cwd(), absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(absolute).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

function parseParameters(pairs: readonly string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `--parameter "${pair}" is not NAME=VALUE`;
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('check', HELP, io, {
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'low' },
      quiet: { type: 'boolean', short: 'q', default: false },
      include: { type: 'string', multiple: true },
      account: { type: 'string' },
      region: { type: 'string' },
      resource: { type: 'string' },
      principal: { type: 'string', multiple: true },
      parameter: { type: 'string', multiple: true },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string): number => usageError('check', io, message);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) return usage(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const failOn = parseFailOn(values['fail-on']);
  if (typeof failOn !== 'string') return usage(failOn.error);
  const givenKind = values.kind;
  if (givenKind !== undefined && !CHECK_KINDS.includes(givenKind)) return usage(`--kind must be one of ${CHECK_KINDS.join(', ')}, not "${values.kind}"`);
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) return usage(`--account must be a 12-digit AWS account id, not "${values.account}"`);
  if (values.resource !== undefined && !/^arn:[^:]+:[^:]+:[^:]*:\d{12}:.+/.test(values.resource)) return usage(`--resource must be an ARN with an account id, not "${values.resource}"`);
  for (const principal of values.principal ?? []) {
    if (!/^arn:[^:]+:iam::\d{12}:(user|role|group)\/.+/.test(principal)) return usage(`--principal must be an IAM user, role or group ARN, not "${principal}"`);
  }
  const parameters = parseParameters(values.parameter ?? []);
  if (typeof parameters === 'string') return usage(parameters);
  const now = values.now !== undefined ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) return usage(`--now must be an ISO date-time, not "${values.now}"`);
  if (positionals.length === 0) {
    // `check --config FILE` alone validates the config: that command's module loads only then.
    if (values.config !== undefined) return (await import('./config.ts')).validateConfigCommand('check', values.config, io);
    return usage('name at least one file or directory to check (e.g. examples/identity-policy-compliant.json), or - for stdin');
  }

  useBuiltActionCatalog();
  let config: Config;
  let configSource: string;
  try {
    ({ config, source: configSource } = await loadCliConfig(values.config));
  } catch (error) {
    if (error instanceof InvalidConfigError) return usage(error.message);
    throw error;
  }

  let inputs;
  try {
    inputs = await collectInputs(positionals, { include: values.include ?? DEFAULT_INCLUDE });
  } catch (error) {
    if (error instanceof InputError) return usage(error.message);
    throw error;
  }

  const options: CheckOptions = {
    givenKind,
    config,
    account: values.account ?? (values.resource ? values.resource.split(':')[4] : undefined) ?? config.trustedAccounts[0],
    region: values.region,
    resource: values.resource,
    principals: values.principal ?? [],
    parameters,
    now,
  };
  const files: FileReport[] = [];
  for (const input of inputs) {
    try {
      files.push(await checkSource(input.name, artifactUri(input.name), await readInput(input, io), options));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      files.push({ file: input.name, uri: artifactUri(input.name), format: 'document', resources: [], skipped: [], errors: [error.message] });
    }
  }

  const invalid = files.some((f) => f.errors.length > 0 || f.resources.some((r) => r.errors.length > 0));
  const report: CheckReport = { configSource, failOn, files, exitCode: 0, quiet: values.quiet };
  const failing = failsOn(allFindings(report), failOn);
  report.exitCode = invalid ? 2 : failing ? 1 : 0;
  if (format === 'json') io.stdout.write(formatJson(report));
  else if (format === 'sarif') io.stdout.write(formatSarif(report, toolVersion()));
  else io.stdout.write(formatText(report));
  return report.exitCode;
}
