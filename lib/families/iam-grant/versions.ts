import type { PolicyVersion } from './types.ts';

function versionNumber(versionId: string): number {
  const n = Number(/^v(\d+)$/.exec(versionId)?.[1]);
  return Number.isFinite(n) ? n : -1;
}

/**
 * Newest first: by creation date, then by version number (v10 after v9). IAM numbers versions in creation
 * order, so the number decides when dates are missing or equal. Used for rollback and the five-version limit.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */
export function newestFirst(versions: readonly PolicyVersion[]): PolicyVersion[] {
  const time = (v: PolicyVersion): number => (v.createDate !== undefined ? Date.parse(v.createDate) : Number.NaN);
  return [...versions].sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return tb - ta;
    return versionNumber(b.versionId) - versionNumber(a.versionId);
  });
}
