import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import { InvalidConfigError, loadConfigFile, parseConfig } from '../../lib/config/load.ts';
import { SEVERITIES, type Config, type Severity } from '../../lib/config/schema.ts';
import { InvalidInputError } from '../../lib/families/family.ts';
import { isRecord } from '../../lib/families/check-helpers.ts';
import { CHECK_KINDS, checkDocument, describeKinds, inferKind, type KindInference } from './check-inputs.ts';
import { formatJson, formatSarif, formatText, type CheckReport, type FileReport, type LocatedFinding } from './check-format.ts';
import { lineOf, locateJson } from './check-locate.ts';

const HELP = `sesguard check FILE... [options]

Judges policies and definitions against the perimeter rules before they are deployed, with the same
rules the guard enforces at runtime. Input files are JSON:
${describeKinds()}

Options:
  --kind KIND            one of ${CHECK_KINDS.join(', ')}; inferred when omitted
                         (Statement with a Principal: identity-policy; Statement without: iam-policy;
                         SnsDestination/KinesisFirehoseDestination/...: event-destination;
                         FromEmailAddress: verification-template)
  --config FILE          config to judge with (default: ./sesguard.config.yml when present, else the
                         built-in defaults; the one used is always printed)
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0 for code scanning
  --fail-on SEVERITY     exit 1 when a finding is at or above low|medium|high|critical (default low:
                         any finding); exempt findings never fail the check
  --account ID           the account the checked resource lives in (default: the account of --resource,
                         else the first trustedAccounts entry; required when neither says). An identity
                         policy whose Resource names one SES identity ARN is judged for that identity.
  --region REGION        region for placeholder ARNs (default us-east-1)
  --resource ARN         the ARN of the resource being checked (identity, configuration set, template,
                         or the IAM policy ARN)
  --principal ARN        iam-policy: the principal the policy is judged for
                         (default arn:aws:iam::<account>:user/policy-holder, a non-administrator)
  --now ISO-TIME         judge exemption expiry as of this time (default: now)

Exit: 0 compliant; 1 a finding at or above --fail-on; 2 invalid input, config or usage.
`;

const FORMATS = ['text', 'json', 'sarif'] as const;

async function readCheckConfig(path: string | undefined): Promise<{ config: Config; source: string }> {
  if (path !== undefined) return { config: await loadConfigFile(path), source: path };
  const defaultPath = resolve('sesguard.config.yml');
  if (existsSync(defaultPath)) return { config: await loadConfigFile(defaultPath), source: 'sesguard.config.yml' };
  return { config: parseConfig({}, 'built-in defaults'), source: 'built-in defaults (no ./sesguard.config.yml)' };
}

async function toolVersion(): Promise<string> {
  try {
    const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** SARIF wants a URI; relative to the working directory (the repository root in CI) when inside it. */
function artifactUri(file: string): string {
  const absolute = resolve(file);
  const rel = relative(process.cwd(), absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(absolute).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

function meetsThreshold(severity: Severity, failOn: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(failOn);
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
      account: { type: 'string' },
      region: { type: 'string', default: 'us-east-1' },
      resource: { type: 'string' },
      principal: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  } as const);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string): number => usageError('check', io, message);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) return usage(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const failOn = values['fail-on'] as Severity;
  if (!SEVERITIES.includes(failOn)) return usage(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${values['fail-on']}"`);
  const givenKind = values.kind;
  if (givenKind !== undefined && !CHECK_KINDS.includes(givenKind)) return usage(`--kind must be one of ${CHECK_KINDS.join(', ')}, not "${values.kind}"`);
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) return usage(`--account must be a 12-digit AWS account id, not "${values.account}"`);
  if (values.resource !== undefined && !/^arn:[^:]+:[^:]+:[^:]*:\d{12}:.+/.test(values.resource)) return usage(`--resource must be an ARN with an account id, not "${values.resource}"`);
  if (values.principal !== undefined && !/^arn:[^:]+:(iam|sts)::\d{12}:.+/.test(values.principal)) return usage(`--principal must be an IAM or STS ARN, not "${values.principal}"`);
  const now = values.now !== undefined ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) return usage(`--now must be an ISO date-time, not "${values.now}"`);
  if (positionals.length === 0) return usage('name at least one JSON file to check (e.g. examples/identity-policy-compliant.json)');

  let config: Config;
  let configSource: string;
  try {
    ({ config, source: configSource } = await readCheckConfig(values.config));
  } catch (error) {
    if (error instanceof InvalidConfigError) return usage(error.message);
    throw error;
  }

  const account = values.account ?? (values.resource ? values.resource.split(':')[4] : undefined) ?? config.trustedAccounts[0];
  const files: FileReport[] = [];
  for (const file of positionals) {
    files.push(await checkFile(file, { givenKind, config, account, region: values.region, resource: values.resource, principal: values.principal, now }));
  }

  const invalid = files.some((f) => f.errors.length > 0);
  const failing = files.some((f) => f.findings.some((finding) => !finding.exemption && meetsThreshold(finding.severity, failOn)));
  const exitCode = invalid ? 2 : failing ? 1 : 0;
  const report: CheckReport = { configSource, failOn, files, exitCode };
  if (format === 'json') io.stdout.write(formatJson(report));
  else if (format === 'sarif') io.stdout.write(formatSarif(report, await toolVersion()));
  else io.stdout.write(formatText(report));
  return exitCode;
}

interface CheckOptions {
  givenKind: string | undefined;
  config: Config;
  account: string | undefined;
  region: string;
  resource: string | undefined;
  principal: string | undefined;
  now: Date;
}

async function checkFile(file: string, options: CheckOptions): Promise<FileReport> {
  const report: FileReport = { file, uri: artifactUri(file), findings: [], errors: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    report.errors.push(`cannot read file: ${(error as Error).message}`);
    return report;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    report.errors.push(`not valid JSON: ${(error as Error).message}`);
    return report;
  }

  let inference: KindInference;
  if (options.givenKind) {
    inference = { kind: options.givenKind, because: '--kind', inferred: false };
  } else {
    const inferred = inferKind(document);
    if (!inferred) {
      report.errors.push('cannot infer the kind (no Statement, event destination or FromEmailAddress); pass --kind');
      return report;
    }
    inference = { ...inferred, inferred: true };
  }
  report.inference = inference;

  if (!isRecord(document)) {
    report.errors.push(`(root): must be a JSON object for kind ${inference.kind}`);
    return report;
  }
  try {
    const checked = checkDocument(
      file,
      inference.kind,
      document,
      {
        region: options.region,
        ...(options.account !== undefined && { account: options.account }),
        ...(options.resource !== undefined && { resource: options.resource }),
        ...(options.principal !== undefined && { principal: options.principal }),
      },
      { config: options.config, now: options.now },
    );
    report.resource = checked.resource;
    const tree = locateJson(text);
    report.findings = checked.findings.map((finding): LocatedFinding => ({ ...finding, line: lineOf(tree, [...checked.pointer(finding)]) }));
  } catch (error) {
    if (error instanceof InvalidInputError) report.errors.push(...error.problems);
    else throw error;
  }
  return report;
}
