import type { CliIo } from './io.ts';

const USAGE = `sesguard — runtime enforcement guard for the Amazon SES data perimeter

Usage:
  sesguard replay FILE|DIR... [--config FILE] [--format text|json] [--live [--apply]]
      Run sample or captured EventBridge/CloudTrail events through the guard. Offline and dry-run by default.
  sesguard check FILE... [--kind KIND] [--config FILE] [--format text|json|sarif] [--fail-on SEVERITY]
      Judge a policy, event destination or verification template against the perimeter rules before deploy.
  sesguard simulate --jsonl < cases.jsonl
  sesguard simulate --policy FILE --action A --resource R [--context k=v ...]
      Evaluate requests against IAM policies with AWS's semantics.

  sesguard sweep --live [--apply] [--region R ...] [--family F ...] [--config FILE] [--format text|json|sarif]
      Judge every SES and IAM resource of an account (dry-run unless --apply and mode: enforce).

Run "sesguard <command> --help" for a command's options.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

// Commands load lazily so `sesguard check` does not pay for the AWS SDK that `replay --live` needs.
const COMMANDS: Record<string, () => Promise<Command>> = {
  replay: async () => (await import('./commands/replay.ts')).runReplay,
  check: async () => (await import('./commands/check.ts')).runCheck,
  simulate: async () => (await import('./commands/simulate.ts')).runSimulate,
  sweep: async () => (await import('./commands/sweep.ts')).runSweep,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`sesguard: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  return command(rest, io);
}
