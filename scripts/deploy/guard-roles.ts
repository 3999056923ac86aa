import { conditionOf, roleLogicalId, SHARED } from './function-resources.ts';
import { GLOBAL_REGION, guardRoleName, type DeployedFunction } from './functions.ts';
import type { CfnValue } from './iam-policy.ts';

/**
 * The guard's own roles, exactly, as each stack knows them: `!GetAtt <Role>.Arn` for the roles of this
 * stack (a role that exists only under a condition is named only where the condition holds), and in the
 * us-east-1 stack the other regions' roles by the names their stacks give them. IAM's CloudTrail events
 * reach us-east-1 alone, and there they include every region's guard calls (quarantines are IAM calls);
 * every other stack sees only its own region's events, made by its own roles.
 */
export function ownRoleArnValues(prefix: string, functions: readonly DeployedFunction[], guardRegions: readonly string[]): CfnValue[] {
  const here = functions.map((fn): CfnValue => {
    const arn: CfnValue = { 'Fn::GetAtt': [roleLogicalId(fn), 'Arn'] };
    const condition = conditionOf(fn);
    return condition ? { 'Fn::If': [condition, arn, { Ref: 'AWS::NoValue' }] } : arn;
  });
  const elsewhere = guardRegions
    .filter((region) => region !== GLOBAL_REGION)
    .flatMap((region) =>
      functions.map(
        (fn): CfnValue => ({
          'Fn::If': [SHARED.isGlobalRegion, { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${guardRoleName(prefix, fn, region)}` }, { Ref: 'AWS::NoValue' }],
        }),
      ),
    );
  return [...here, ...elsewhere];
}

/**
 * The same list as one comma-separated environment value. Fn::Join does not drop AWS::NoValue, so a
 * role that does not exist here is an empty entry, which the function's environment parser skips.
 */
export function ownRoleArnsEnv(values: readonly CfnValue[]): CfnValue {
  const asString = (v: CfnValue): CfnValue => {
    if (typeof v === 'object' && v !== null && Array.isArray(v['Fn::If'])) {
      const [condition, then] = v['Fn::If'] as [string, CfnValue, CfnValue];
      return { 'Fn::If': [condition, then, ''] };
    }
    return v;
  };
  return { 'Fn::Join': [',', values.map(asString)] };
}

/**
 * Every guard role of every region by ARN (for the Deny that keeps the guard off its own roles): IAM is
 * global, so a role of this stack must not change another region's guard roles either.
 */
export function allGuardRoleArns(prefix: string, functions: readonly DeployedFunction[], guardRegions: readonly string[]): CfnValue[] {
  // This stack's own region is named by ${AWS::Region} too, in case it was left out of --guard-regions.
  return ['${AWS::Region}', ...guardRegions].flatMap((region) =>
    functions.map((fn): CfnValue => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${guardRoleName(prefix, fn, region)}` })),
  );
}
