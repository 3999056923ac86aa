import { spawn } from 'node:child_process';

/**
 * The environment osls runs in for packaging: no telemetry, no update notices (both would reach for the
 * network), and no interactive prompts. Credentials are not needed to package and none are added.
 */
export function oslsEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    CI: env['CI'] ?? '1',
  };
}

export interface OslsRun {
  code: number | null;
  output: string;
}

/** Runs the project's osls binary with `args` and collects its output (tests and scripts). */
export function runOsls(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<OslsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/osls/bin/serverless.js', ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: oslsEnvironment(options.env ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
