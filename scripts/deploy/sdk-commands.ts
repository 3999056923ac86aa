import type { Metafile } from 'esbuild';
import { reachableOutputs } from './bundle-graph.ts';

/**
 * The AWS SDK commands a bundle can send, read from esbuild's metafile. Every SDK v3 command is its own
 * module (`@aws-sdk/client-<service>/dist-es/commands/<Name>Command.js`) and tree-shaking drops the ones
 * nothing imports, so the modules that put bytes into the bundle are exactly the calls the code can make.
 * That makes the role follow the code: import a new command and the role grows with it.
 */
export interface SdkCommand {
  /** `sesv2`, `iam`, `sns`, `ssm`, `dynamodb`, ... (the client package minus `client-`). */
  service: string;
  /** API operation, e.g. `GetEmailIdentityPolicies`. */
  operation: string;
  /** The module it came from, for error messages and reports. */
  module: string;
}

export interface BundleCommands {
  /** Calls made with the function's role. */
  commands: SdkCommand[];
  /**
   * Calls the SDK's credential chain can make to get credentials (STS web identity, SSO). In Lambda the
   * chain stops at the environment credentials, and these calls are authorised by a token, not by the
   * role, so they need no permission. Listed so a report can show they were seen and why they are left out.
   */
  credentialCommands: SdkCommand[];
}

const CLIENT_COMMAND = /@aws-sdk\/client-([a-z0-9-]+)\/dist-[a-z]+\/commands\/([A-Za-z0-9]+)Command\.js$/;
const NESTED_CLIENT_COMMAND = /@aws-sdk\/nested-clients\/dist-[a-z]+\/submodules\/([a-z0-9-]+)\/commands\/([A-Za-z0-9]+)Command\.js$/;
const DOCUMENT_COMMAND = /@aws-sdk\/lib-dynamodb\/dist-[a-z]+\/commands\/([A-Za-z0-9]+)Command\.js$/;

/** The clients the credential provider chain uses; never the guard's own calls. */
const CREDENTIAL_SERVICES: ReadonlySet<string> = new Set(['sso', 'sso-oidc', 'sts', 'cognito-identity', 'signin']);

/**
 * lib-dynamodb's document commands marshal and then send the low-level operation. Mapped explicitly so
 * a document command whose low-level module is not visible (a different bundling) still counts.
 */
export const DOCUMENT_CLIENT_OPERATIONS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

export class UnmappedCommandError extends Error {
  override readonly name = 'UnmappedCommandError';
}

/**
 * Inputs that contribute bytes to `outputFile`, or by default to any JavaScript the handler can load: a
 * function's bundle is its entry and the chunks beside it (scripts/deploy/bundle.ts splits what only a
 * dynamic import() loads), and a command in a loadable chunk can be sent as surely as one in the entry.
 * A chunk nothing can load holds no call the function can make (bundle-graph.ts).
 */
export function bundledModules(metafile: Metafile, outputFile?: string): string[] {
  const loadable = reachableOutputs(metafile, 'loadable');
  const outputs = Object.entries(metafile.outputs).filter(([file]) => /\.(m?js)$/.test(file));
  const chosen = outputFile ? outputs.filter(([file]) => file === outputFile || file.endsWith(`/${outputFile}`)) : outputs.filter(([file]) => loadable.has(file));
  if (chosen.length === 0) throw new Error(`metafile has no JavaScript output${outputFile ? ` named ${outputFile}` : ''}`);
  const modules = chosen.flatMap(([, output]) => Object.entries(output.inputs).filter(([, info]) => info.bytesInOutput > 0).map(([module]) => module));
  return [...new Set(modules)];
}

export function sdkCommandsInBundle(metafile: Metafile, outputFile?: string): BundleCommands {
  const commands = new Map<string, SdkCommand>();
  const credentialCommands = new Map<string, SdkCommand>();
  for (const module of bundledModules(metafile, outputFile)) {
    const normalised = module.replaceAll('\\', '/');
    let found: SdkCommand | undefined;
    let m = CLIENT_COMMAND.exec(normalised);
    if (m) found = { service: m[1]!, operation: m[2]!, module };
    m = found ? null : NESTED_CLIENT_COMMAND.exec(normalised);
    if (m) found = { service: m[1]!, operation: m[2]!, module };
    m = found ? null : DOCUMENT_COMMAND.exec(normalised);
    if (m) {
      const operation = DOCUMENT_CLIENT_OPERATIONS[m[1]!];
      if (!operation) throw new UnmappedCommandError(`lib-dynamodb command ${m[1]} has no known DynamoDB operation (${module})`);
      found = { service: 'dynamodb', operation, module };
    }
    if (!found) continue;
    const target = CREDENTIAL_SERVICES.has(found.service) ? credentialCommands : commands;
    const key = `${found.service}:${found.operation}`;
    if (!target.has(key)) target.set(key, found);
  }
  const byName = (a: SdkCommand, b: SdkCommand) => `${a.service}:${a.operation}`.localeCompare(`${b.service}:${b.operation}`);
  return { commands: [...commands.values()].sort(byName), credentialCommands: [...credentialCommands.values()].sort(byName) };
}
