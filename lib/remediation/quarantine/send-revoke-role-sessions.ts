import { AttachRolePolicyCommand, CreatePolicyVersionCommand, DeletePolicyVersionCommand, ListPolicyVersionsCommand, type IAMClient } from '@aws-sdk/client-iam';
import { collectPages } from '../../aws/pagination.ts';
import { revokeSessionsDocument } from './revoke-sessions.ts';
import type { RevokeRoleSessions } from './steps.ts';

/** IAM keeps at most five versions of a managed policy; the default one cannot be deleted. */
const MAX_POLICY_VERSIONS = 5;

/** The sender of REVOKE_ROLE_SESSIONS, loaded when it first runs (steps.ts says why). */
export async function revokeRoleSessions(iam: IAMClient, a: RevokeRoleSessions): Promise<void> {
  const pages = await collectPages((Marker) => iam.send(new ListPolicyVersionsCommand({ PolicyArn: a.policyArn, ...(Marker !== undefined && { Marker }) })));
  const versions = pages.flatMap((page) => page.Versions ?? []);
  if (versions.length >= MAX_POLICY_VERSIONS) {
    const oldest = versions
      .filter((v) => v.IsDefaultVersion !== true && v.VersionId !== undefined)
      .sort((x, y) => (x.CreateDate?.getTime() ?? 0) - (y.CreateDate?.getTime() ?? 0))[0];
    if (oldest?.VersionId) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: a.policyArn, VersionId: oldest.VersionId }));
  }
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: a.policyArn, PolicyDocument: revokeSessionsDocument(a.before), SetAsDefault: true }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: a.roleName, PolicyArn: a.policyArn }));
}
