import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PLUGINS } from '../../scripts/deploy/bundle.ts';
import { sdkCommandsInBundle, UnmappedCommandError } from '../../scripts/deploy/sdk-commands.ts';

/**
 * Bundles `source` the way scripts/deploy/bundle.ts does (ESM builds, tree-shaken, same plugins), in memory;
 * `split` resolves it in that folder and splits it into index.mjs and chunks, as the function bundles are.
 */
async function metafileOf(source: string, plugins = BUNDLE_PLUGINS, split?: { dir: string }): Promise<Metafile> {
  const result = await build({
    stdin: { contents: source, resolveDir: split?.dir ?? process.cwd(), loader: 'ts' },
    ...(split ? { outdir: join(split.dir, 'out'), entryNames: 'index', outExtension: { '.js': '.mjs' }, splitting: true } : { outfile: 'out/index.mjs' }),
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    treeShaking: true,
    minify: true,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  return result.metafile;
}

const DOCUMENT_CLIENT_SOURCE = `
  import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
  import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  export const get = () => doc.send(new GetCommand({ TableName: 't', Key: { id: 'a' } }));
  export const put = () => doc.send(new PutCommand({ TableName: 't', Item: { id: 'a' } }));
`;

const names = (metafile: Metafile) => sdkCommandsInBundle(metafile).commands.map((c) => `${c.service}:${c.operation}`);

describe('sdkCommandsInBundle: the calls a bundle can make, from esbuild metafile', () => {
  it('finds only the command a module imports: tree-shaking drops the rest of the client', async () => {
    const metafile = await metafileOf(`
      import { SESv2Client, GetEmailIdentityPoliciesCommand } from '@aws-sdk/client-sesv2';
      export const run = () => new SESv2Client({}).send(new GetEmailIdentityPoliciesCommand({ EmailIdentity: 'x' }));
    `);
    expect(names(metafile)).toEqual(['sesv2:GetEmailIdentityPolicies']);
  });

  // DynamoDBClient itself carries DescribeEndpoints (endpoint discovery): it is in the bundle, so it counts.
  it('maps lib-dynamodb document commands to the DynamoDB operations they send', async () => {
    const metafile = await metafileOf(DOCUMENT_CLIENT_SOURCE);
    expect(names(metafile)).toEqual(['dynamodb:DescribeEndpoints', 'dynamodb:GetItem', 'dynamodb:PutItem']);
  });

  it('needs lib-dynamodb marked side-effect free: without it unused document commands stay in the bundle', async () => {
    const metafile = await metafileOf(DOCUMENT_CLIENT_SOURCE, []);
    expect(names(metafile)).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:Scan']));
  });

  it('sees the commands Powertools idempotency sends (it imports them from client-dynamodb)', async () => {
    const metafile = await metafileOf(`
      import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
      export const layer = new DynamoDBPersistenceLayer({ tableName: 't' });
    `);
    expect(names(metafile)).toEqual(['dynamodb:DeleteItem', 'dynamodb:DescribeEndpoints', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('finds nothing when a module only imports types', async () => {
    const metafile = await metafileOf(`
      import type { PublishCommandInput } from '@aws-sdk/client-sns';
      export const x: PublishCommandInput | undefined = undefined;
    `);
    expect(names(metafile)).toEqual([]);
  });

  it('keeps credential-chain calls apart: they are not made with the function role', () => {
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': {
          bytes: 10,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/nested-clients/dist-es/submodules/sts/commands/AssumeRoleWithWebIdentityCommand.js': { bytesInOutput: 5 },
            'node_modules/@aws-sdk/client-sns/dist-es/commands/PublishCommand.js': { bytesInOutput: 5 },
            'node_modules/@aws-sdk/client-iam/dist-es/commands/DetachRolePolicyCommand.js': { bytesInOutput: 0 },
          },
        },
      },
    };
    const result = sdkCommandsInBundle(metafile);
    expect(result.commands.map((c) => `${c.service}:${c.operation}`)).toEqual(['sns:Publish']);
    expect(result.credentialCommands.map((c) => `${c.service}:${c.operation}`)).toEqual(['sts:AssumeRoleWithWebIdentity']);
  });

  it('fails on a lib-dynamodb command it cannot map, instead of leaving the role short', () => {
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': {
          bytes: 1,
          imports: [],
          exports: [],
          inputs: { 'node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/ExecuteStatementCommand.js': { bytesInOutput: 1 } },
        },
      },
    };
    expect(() => sdkCommandsInBundle(metafile)).toThrow(UnmappedCommandError);
  });

  // esbuild makes a chunk of every import() it scans, before tree-shaking drops the code that held it: a
  // step nobody binds (pure-marked, so dropped) leaves a chunk that nothing in the bundle can load.
  it('counts the commands of chunks the handler can load, static or dynamic, and not of chunks nothing loads', async () => {
    const dir = await mkdtemp(join(process.cwd(), '.tmp-sdk-commands-'));
    try {
      await writeFile(join(dir, 'publish.ts'), "import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';\nexport const publish = (sns: SNSClient) => sns.send(new PublishCommand({ Message: 'm' }));\n");
      await writeFile(join(dir, 'detach.ts'), "import { DetachRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';\nexport const detach = (iam: IAMClient) => iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: 'p' }));\n");
      await writeFile(
        join(dir, 'steps.ts'),
        [
          'const define = <T>(step: T): T => step;',
          "export const USED = /* @__PURE__ */ define({ send: async (c: never) => (await import('./publish.ts')).publish(c) });",
          "export const UNUSED = /* @__PURE__ */ define({ send: async (c: never) => (await import('./detach.ts')).detach(c) });",
        ].join('\n'),
      );
      const metafile = await metafileOf("import { USED } from './steps.ts';\nexport const handler = (c: never) => USED.send(c);\n", BUNDLE_PLUGINS, { dir });
      // The chunk is there: only reachability tells that it cannot be sent.
      expect(Object.values(metafile.outputs).some((o) => Object.keys(o.inputs).some((i) => i.includes('DetachRolePolicyCommand')))).toBe(true);
      expect(names(metafile)).toEqual(['sns:Publish']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
