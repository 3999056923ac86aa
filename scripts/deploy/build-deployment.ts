import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfigText } from '../../lib/config/load.ts';
import { SHARED_SES_RATE } from '../../lib/aws/shared-rate-bucket.ts';
import { revokeSessionsPolicyName } from '../../lib/remediation/quarantine/revoke-sessions.ts';
import { perimeterDenyPolicyName } from '../../lib/remediation/quarantine/perimeter-deny.ts';
import { perimeterDenyDocument } from '../../lib/families/iam-grant/perimeter-deny.ts';
import { ARTIFACT_ROOT, BUNDLE_ROOT, bundleFunction, handlerPath, zipArtifact, type BundleResult } from './bundle.ts';
import { buildEventPatterns, type FamilyPatterns, type SupportedEvent } from './event-patterns.ts';
import { conditionOf, functionKey, functionResources, roleLogicalId, ruleName, SHARED, stackArns } from './function-resources.ts';
import { ALL_FUNCTIONS, parseGuardRegions, resourcePrefix, type DeployedFunction } from './functions.ts';
import { guardPoliciesDenyStatement, ownRolesDenyStatement, statementsForCommands, type CfnValue, type PolicyStatement, type StackArns } from './iam-policy.ts';
import { allGuardRoleArns, ownRoleArnsEnv, ownRoleArnValues } from './guard-roles.ts';
import { functionScope, verifiesEvents, VERIFY_WAIT_SECONDS, VERIFYING_FUNCTION_TIMEOUT_SECONDS } from './function-scope.ts';
import { alertTopicPolicy } from './topic-policy.ts';
import { sdkCommandsInBundle, type BundleCommands } from './sdk-commands.ts';
import { SWEEP_TIMEOUT_SECONDS, sweepNeverSends, sweepResources } from './sweep-resources.ts';

export interface BuildOptions {
  stage: string;
  configPath?: string;
  functions?: readonly DeployedFunction[];
  /** Root of the generated files (default `.build`). */
  outDir?: string;
  /** The parsers' event table; default: every registered family's (lib/families SUPPORTED_EVENTS). */
  supportedEvents?: readonly SupportedEvent[];
  /**
   * Every region the guard is deployed in (comma-separated), so the us-east-1 stack knows the exact roles
   * of the others (scripts/deploy/guard-roles.ts). Default: us-east-1 alone.
   */
  guardRegions?: string;
}

export interface FunctionBuild {
  fn: DeployedFunction;
  bundle: BundleResult;
  artifact: string;
  commands: BundleCommands;
  statements: PolicyStatement[];
}

export interface DeploymentBuild {
  stage: string;
  prefix: string;
  stageDir: string;
  functions: FunctionBuild[];
  patterns: Record<string, FamilyPatterns>;
  guardRegions: string[];
}

export function stageDir(stage: string, outDir = '.build'): string {
  return join(outDir, 'stages', stage);
}

/**
 * Everything `osls package` reads from `.build/`: validated config, bundles and their zips, the
 * EventBridge patterns (from the parser's SUPPORTED_EVENTS) and the per-function CloudFormation resources
 * with roles derived from each bundle. Throws (failing the build) on a bad config or an unmappable command.
 */
export async function buildDeployment(options: BuildOptions): Promise<DeploymentBuild> {
  const prefix = resourcePrefix(options.stage);
  const outDir = options.outDir ?? '.build';
  const configPath = options.configPath ?? 'sesguard.config.yml';
  const config = parseConfigText(await readFile(configPath, 'utf8'), configPath);
  const functions = options.functions ?? ALL_FUNCTIONS;
  const guardRegions = parseGuardRegions(options.guardRegions);
  const ownRoles = ownRoleArnValues(prefix, functions, guardRegions);
  const guardRoles = allGuardRoleArns(prefix, functions, guardRegions);

  const supportedEvents = options.supportedEvents ?? (await import('../../lib/families/index.ts')).SUPPORTED_EVENTS;
  const patterns = buildEventPatterns(supportedEvents, { dropFailedCalls: true });
  for (const fn of functions) {
    if (fn.kind === 'guard' && !patterns[fn.name]) throw new Error(`SUPPORTED_EVENTS lists no event for function ${fn.name}`);
  }

  const bundleRoot = join(outDir, relativeTo(BUNDLE_ROOT));
  const artifactRoot = join(outDir, relativeTo(ARTIFACT_ROOT));
  const bundles = await Promise.all(functions.map((fn) => bundleFunction(fn, config, bundleRoot)));

  const arns = stackArns(config.quarantinePolicyName);
  const dir = stageDir(options.stage, outDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'iam'), { recursive: true });

  const built: FunctionBuild[] = [];
  let resources: Record<string, unknown> = {};
  const settingsFunctions: Record<string, { name: string; handler: string; artifact: string }> = {};
  const serverlessFunctions: Record<string, unknown> = {};
  for (const bundle of bundles) {
    const fn = bundle.fn;
    const found = sdkCommandsInBundle(bundle.metafile);
    const commands = fn.kind === 'sweep' ? { ...found, commands: sweepNeverSends(found.commands, await resourceStepCommands()) } : found;
    const allowed = await statementsForCommands(commands.commands, arns, functionScope(fn));
    const deny = await ownRolesDenyStatement(allowed, guardRoles);
    const statements = [...allowed, ...(deny ? [deny] : []), ...(await guardPoliciesDenyStatement(allowed, arns))];
    const artifact = await zipArtifact(bundle, artifactRoot);
    built.push({ fn, bundle, artifact, commands, statements });
    resources = {
      ...resources,
      ...functionResources({ fn, prefix, statements, ...(fn.kind === 'guard' && { patterns: patterns[fn.name] }) }),
    };
    settingsFunctions[functionKey(fn)] = { name: `${prefix}${fn.name}`, handler: handlerPath(fn), artifact };
    serverlessFunctions[functionKey(fn)] = serverlessFunction(fn, prefix, artifact, { ownRoles, verifies: verifiesEvents(commands) });
    await writeFile(
      join(dir, 'iam', `${fn.name}.json`),
      JSON.stringify({ commands: commands.commands, credentialCommands: commands.credentialCommands, statements }, null, 2),
    );
  }

  resources = { ...resources, AlertTopicPolicy: alertTopicPolicy(functions, prefix), PerimeterDenyPolicy: perimeterDenyPolicy(config.quarantinePolicyName, arns) };
  if (functions.some((fn) => fn.kind === 'sweep')) resources = { ...resources, ...sweepResources(prefix, config) };
  await writeFile(join(dir, 'event-patterns.json'), JSON.stringify(patterns, null, 2));
  await writeFile(join(dir, 'functions.json'), JSON.stringify(serverlessFunctions, null, 2));
  await writeFile(join(dir, 'function-resources.json'), JSON.stringify({ Resources: resources }, null, 2));
  await writeFile(
    join(dir, 'settings.json'),
    JSON.stringify(
      {
        stage: options.stage,
        prefix,
        guardRegions,
        quarantinePolicyName: config.quarantinePolicyName,
        revokeSessionsPolicyName: revokeSessionsPolicyName(config.quarantinePolicyName),
        perimeterDenyPolicyName: perimeterDenyPolicyName(config.quarantinePolicyName),
        functions: settingsFunctions,
        sweep: sweepGuardResources(functions, patterns, prefix),
      },
      null,
      2,
    ),
  );
  return { stage: options.stage, prefix, stageDir: dir, functions: built, patterns, guardRegions };
}

/**
 * The guard's perimeter-deny policy (lib/remediation/quarantine/perimeter-deny.ts), beside the quarantine
 * policy in the global stack (IAM is global). Generated, not written out in serverless.yml: its Deny is
 * IAM-SES-001's action catalogue at the time of the build. No guard role may change it afterwards
 * (NeverChangeQuarantinePolicy, iam-policy.ts).
 */
function perimeterDenyPolicy(quarantinePolicyName: string, arns: StackArns): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::ManagedPolicy',
    Condition: SHARED.isGlobalRegion,
    Properties: {
      ManagedPolicyName: perimeterDenyPolicyName(quarantinePolicyName),
      Description: 'sesguard perimeter-deny - no SES perimeter actions (identity policies, event destinations, custom verification); sending is untouched',
      PolicyDocument: perimeterDenyDocument(arns.perimeterDenyPolicy),
    },
  };
}

/**
 * serverless.yml's `functions` section, generated from the registry so a new family needs no edit there.
 * `${self:custom...}` variables are resolved by osls when it reads this file.
 */
function serverlessFunction(fn: DeployedFunction, prefix: string, artifact: string, context: { ownRoles: CfnValue[]; verifies: boolean }): Record<string, unknown> {
  const condition = conditionOf(fn);
  return {
    name: `${prefix}${fn.name}`,
    handler: handlerPath(fn),
    package: { artifact },
    role: roleLogicalId(fn),
    ...(condition && { condition }),
    environment: fn.kind === 'notifier' ? '${self:custom.notifierEnvironment}' : guardEnvironment(fn, prefix, context),
    // A quarantine first waits for CloudTrail to index the event it acts on (verify-event.ts).
    ...(context.verifies && { timeout: VERIFYING_FUNCTION_TIMEOUT_SECONDS }),
    // The sweep runs for up to 15 minutes per invocation, then its state machine invokes it again.
    ...(fn.kind === 'sweep' && { timeout: SWEEP_TIMEOUT_SECONDS, memorySize: 1024 }),
    // A function that fails after Lambda's own retries sends the event to the dead-letter queue.
    maximumRetryAttempts: 2,
    maximumEventAge: 3600,
    destinations: { onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': [SHARED.deadLetterQueue, 'Arn'] } } },
  };
}

/**
 * `--enable-source-maps` makes Node parse every module's source map as it loads it: measured (bench/bundles.ts)
 * +21% on an event function's cold import and +16 MiB of memory. An event function's cold start delays the
 * repair, so it runs without; its .map files ship beside each module in the zip, so a minified trace can be
 * mapped after the fact. The sweep runs for minutes and is off the event path: it keeps readable traces.
 */
export function nodeOptionsOf(fn: DeployedFunction): string | undefined {
  return fn.kind === 'sweep' ? '--enable-source-maps' : undefined;
}

function nodeOptionsEnv(fn: DeployedFunction): Record<string, string> {
  const options = nodeOptionsOf(fn);
  return options === undefined ? {} : { NODE_OPTIONS: options };
}

/** functions/runtime/env.ts reads exactly these; the function gets only the tables its code uses. */
function guardEnvironment(fn: DeployedFunction, prefix: string, context: { ownRoles: CfnValue[]; verifies: boolean }): Record<string, CfnValue> {
  return {
    SESGUARD_ALERT_TOPIC_ARN: { Ref: SHARED.alertTopic },
    SESGUARD_ALERT_KEY_ARN: { 'Fn::GetAtt': [SHARED.alertKey, 'Arn'] },
    ...(functionScope(fn).usesBaseline && { SESGUARD_BASELINE_TABLE: { Ref: SHARED.baselineTable } }),
    SESGUARD_IDEMPOTENCY_TABLE: { Ref: SHARED.idempotencyTable },
    // The guard's own roles: exact ARNs from the template, never a pattern (scripts/deploy/guard-roles.ts).
    SESGUARD_OWN_ROLE_ARNS: ownRoleArnsEnv(context.ownRoles),
    SESGUARD_RESOURCE_PREFIX: prefix,
    ...(context.verifies && { SESGUARD_VERIFY_WAIT_SECONDS: String(VERIFY_WAIT_SECONDS) }),
    // SES families take their SES calls from the budget shared across invocations (lib/aws/shared-rate-bucket.ts).
    ...(functionScope(fn).sharedBudgetKeys && { SESGUARD_SES_CALLS_PER_SECOND: String(SHARED_SES_RATE) }),
    POWERTOOLS_SERVICE_NAME: 'sesguard',
    ...nodeOptionsEnv(fn),
    // The sweep (functions/sweep.ts): its table, and the guard resources of this region its inventory checks.
    ...(fn.kind === 'sweep' && {
      SESGUARD_SWEEP_TABLE: { Ref: 'SweepTable' },
      SESGUARD_GLOBAL_REGION: '${param:globalRegion}',
      SESGUARD_GUARD_FUNCTIONS: '${self:custom.build.sweep.guardFunctions}',
      SESGUARD_GUARD_RULES: '${self:custom.build.sweep.guardRules}',
    }),
  };
}

/** Every SDK command a family's resource repair (not quarantine) can send: what the sweep may send. */
async function resourceStepCommands(): Promise<ReadonlySet<string>> {
  const { STEP_DEFINITIONS } = await import('../../lib/families/index.ts');
  return new Set(STEP_DEFINITIONS.filter((s) => !s.actsOnActor).flatMap((s) => s.commands));
}

/**
 * The guard functions and rules this region's stack holds (serverless.yml passes them to the sweep as
 * SESGUARD_GUARD_FUNCTIONS / SESGUARD_GUARD_RULES) (the global-only ones only in the global region), which its guard-integrity inventory
 * checks are still in place.
 */
function sweepGuardResources(functions: readonly DeployedFunction[], patterns: Record<string, FamilyPatterns>, prefix: string): Record<string, unknown> {
  const guard = functions.filter((fn): fn is Extract<DeployedFunction, { kind: 'guard' }> => fn.kind === 'guard');
  const names = (global: boolean) => [
    ...guard.filter((fn) => global || !fn.globalOnly).map((fn) => `${prefix}${fn.name}`),
    `${prefix}sweep`,
  ];
  const rules = (global: boolean) => [
    ...guard.flatMap((fn) => (['regional', 'global'] as const).filter((scope) => patterns[fn.name]?.[scope] && (global || (scope === 'regional' && !fn.globalOnly))).map((scope) => ruleName(prefix, fn, scope))),
    `${prefix}sweep-after-deploy`,
  ];
  const byRegion = (list: (global: boolean) => string[]) => ({ 'Fn::If': [SHARED.isGlobalRegion, list(true).join(','), list(false).join(',')] });
  return { guardFunctions: byRegion(names), guardRules: byRegion(rules) };
}

function relativeTo(path: string): string {
  return path.replace(/^\.build\/?/, '');
}
