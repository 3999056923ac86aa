import type { CliIo } from './io.ts';
import { toolVersion } from './version.ts';
import { didYouMean } from '../lib/nearest-name.ts';

const USAGE = `sesguard — runtime enforcement guard for the Amazon SES data perimeter

Usage:
  sesguard replay FILE|DIR|-... [--config FILE] [--format text|json|alert|slack|sns] [--fail-on SEVERITY] [--live [--apply]]
      Run CloudTrail history through the guard: EventBridge envelopes, CloudTrail records, S3 log files
      (.json, .json.gz) and lookup-events output. Offline and dry-run by default.
  sesguard check FILE|DIR|-... [--kind KIND] [--config FILE] [--format text|json|sarif] [--fail-on SEVERITY]
      Judge policies, event destinations, verification templates, Terraform plans and CloudFormation
      templates against the perimeter rules before deploy.
  sesguard config validate [FILE]
      Validate a config and print its effective settings.
  sesguard simulate --jsonl < cases.jsonl
  sesguard simulate --policy FILE --action A --resource R [--context k=v ...]
      Evaluate requests against IAM policies with AWS's semantics.

  sesguard sweep --live [--apply] [--region R ...] [--family F ...] [--config FILE] [--format text|json|sarif] [--fail-on SEVERITY]
      Judge every SES and IAM resource of an account (dry-run unless --apply and mode: enforce).

Run "sesguard <command> --help" for a command's options. "sesguard --version" prints the version.

Exit codes (every command): 0 done, nothing at or above --fail-on; 1 a finding at or above --fail-on;
2 bad usage, an invalid config, or an input that could not be read or judged; 3 an internal error.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

// Commands load lazily so `sesguard check` does not pay for the AWS SDK that `replay --live` needs.
const COMMANDS: Record<string, () => Promise<Command>> = {
  replay: async () => (await import('./commands/replay.ts')).runReplay,
  check: async () => (await import('./commands/check.ts')).runCheck,
  config: async () => (await import('./commands/config.ts')).runConfig,
  simulate: async () => (await import('./commands/simulate.ts')).runSimulate,
  sweep: async () => (await import('./commands/sweep.ts')).runSweep,
};

/** The exit code of a bug: distinct from 2 (the input's fault) so CI can tell them apart. */
export const INTERNAL_ERROR = 3;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`sesguard ${toolVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`sesguard: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  try {
    return await command(rest, io);
  } catch (error) {
    // A defect, not the input's fault: say so plainly; the stack only when asked for.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr.write(`sesguard ${name}: internal error: ${message}\n`);
    if (io.env['SESGUARD_DEBUG'] && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write('(set SESGUARD_DEBUG=1 for the stack trace; please report it)\n');
    return INTERNAL_ERROR;
  }
}
