import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../lib/config/load.ts';
import { buildDeployment, type DeploymentBuild } from '../../scripts/deploy/build-deployment.ts';
import { stackArns } from '../../scripts/deploy/function-resources.ts';
import type { CfnValue, PolicyStatement } from '../../scripts/deploy/iam-policy.ts';

/**
 * Issue 11, least privilege of the guard's roles: IAM cannot constrain the CONTENT of a policy document,
 * so a role that may write one (inline, a managed policy version, a trust policy) on an arbitrary
 * principal lets whoever controls guard code make anyone an administrator. Checked on the roles exactly
 * as the build generates them. Failed on main: iam-grant and the sweep held iam:Put{User,Role,Group}Policy,
 * iam:UpdateAssumeRolePolicy and iam:CreatePolicyVersion on policy/*.
 */
let build: DeploymentBuild;
let outDir = '';
let quarantinePolicyName = '';

beforeAll(async () => {
  quarantinePolicyName = parseConfigText(await readFile('sesguard.config.yml', 'utf8')).quarantinePolicyName;
  outDir = await mkdtemp(join(tmpdir(), 'sesguard-least-write-'));
  build = await buildDeployment({ stage: 'prod', outDir, guardRegions: 'us-east-1,eu-west-1' });
}, 240_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const roles = () => build.functions.map((f) => [f.fn.name, f.statements] as const);
const allows = (statements: readonly PolicyStatement[]) => statements.filter((s) => s.Effect === 'Allow');
const denies = (statements: readonly PolicyStatement[]) => statements.filter((s) => s.Effect === 'Deny');

/** IAM action patterns: `iam:*`, `iam:Put*` cover the named actions too. */
function covers(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action) || pattern === '*';
}
const allowing = (statements: readonly PolicyStatement[], action: string) => allows(statements).filter((s) => s.Action.some((a) => covers(a, action)));

/** Arbitrary documents: whoever holds one of these on `*`-scoped principals writes any permission. */
const DOCUMENT_WRITES = [
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:PutGroupPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreatePolicy',
  'iam:CreateRole',
  'iam:PassRole',
  'iam:PutUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
];

describe('no guard role can write an arbitrary policy document (inline, managed or trust) on an arbitrary principal', () => {
  it.each(DOCUMENT_WRITES)('no role allows %s', (action) => {
    const holders = roles().filter(([, statements]) => allowing(statements, action).length > 0).map(([name]) => name);
    expect(holders).toEqual([]);
  });

  it('iam:CreatePolicyVersion is allowed only on the guard\'s revoke-sessions policy', () => {
    const arns = stackArns(quarantinePolicyName);
    for (const [name, statements] of roles()) {
      for (const s of allowing(statements, 'iam:CreatePolicyVersion')) expect(s.Resource, name).toEqual([arns.revokeSessionsPolicy]);
    }
    // Something still advances the cut-off (the quarantine of an assumed role needs it).
    expect(roles().some(([, statements]) => allowing(statements, 'iam:CreatePolicyVersion').length > 0)).toBe(true);
  });

  it.each(['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'])(
    'a role allowed %s is denied it on the quarantine and perimeter-deny policies (they never change after deploy)',
    (action) => {
      const arns = stackArns(quarantinePolicyName);
      for (const [name, statements] of roles()) {
        if (allowing(statements, action).length === 0) continue;
        const denied = denies(statements).filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
        expect(denied, `${name} ${action}`).toEqual(expect.arrayContaining([arns.quarantinePolicy, arns.perimeterDenyPolicy]));
        for (const s of allowing(statements, action)) expect(s.Resource, `${name} ${action}`).not.toContain('*');
      }
    },
  );

  it('every iam:Attach{User,Role,Group}Policy Allow carries ArnEquals iam:PolicyARN over the guard\'s own policies, and nothing else', () => {
    const arns = stackArns(quarantinePolicyName);
    const guardPolicies: CfnValue[] = [arns.quarantinePolicy, arns.revokeSessionsPolicy, arns.perimeterDenyPolicy];
    let seen = 0;
    for (const [name, statements] of roles()) {
      for (const action of ['iam:AttachUserPolicy', 'iam:AttachRolePolicy', 'iam:AttachGroupPolicy']) {
        for (const s of allowing(statements, action)) {
          seen++;
          expect(Object.keys(s.Condition ?? {}), `${name} ${action}`).toEqual(['ArnEquals']);
          const condition = s.Condition?.['ArnEquals'];
          expect(Object.keys(condition ?? {}), `${name} ${action}`).toEqual(['iam:PolicyARN']);
          const values = condition?.['iam:PolicyARN'];
          const list = Array.isArray(values) ? values : [values];
          expect(list.length, `${name} ${action}`).toBeGreaterThan(0);
          for (const v of list) expect(guardPolicies, `${name} ${action}: ${JSON.stringify(v)}`).toContainEqual(v);
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('iam-grant and the sweep repair an IAM grant by attaching perimeter-deny: both may attach it to users, roles and groups', () => {
    const arns = stackArns(quarantinePolicyName);
    for (const name of ['iam-grant', 'sweep']) {
      const statements = build.functions.find((f) => f.fn.name === name)!.statements;
      for (const action of ['iam:AttachUserPolicy', 'iam:AttachRolePolicy', 'iam:AttachGroupPolicy']) {
        const values = allowing(statements, action).flatMap((s) => s.Condition?.['ArnEquals']?.['iam:PolicyARN'] ?? []);
        expect(values, `${name} ${action}`).toContainEqual(arns.perimeterDenyPolicy);
      }
    }
    // The sweep never quarantines: it attaches perimeter-deny and nothing else.
    const sweep = build.functions.find((f) => f.fn.name === 'sweep')!.statements;
    const sweepAttachable = allowing(sweep, 'iam:AttachUserPolicy').flatMap((s) => s.Condition?.['ArnEquals']?.['iam:PolicyARN'] ?? []);
    expect(sweepAttachable).toEqual([arns.perimeterDenyPolicy]);
  });
});
