/**
 * AWS partitions by region prefix. ARNs carry the partition (arn:aws-cn:...), and global services such
 * as IAM are served from one region per partition:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc';

interface PartitionInfo {
  partition: Partition;
  /** Where IAM's control plane (and its CloudTrail events) lives. */
  iamRegion: string;
}

// Longest prefixes first: `us-isob-` must not be taken for `us-iso-`.
const PARTITIONS: ReadonlyArray<readonly [string, PartitionInfo]> = [
  ['cn-', { partition: 'aws-cn', iamRegion: 'cn-north-1' }],
  ['us-gov-', { partition: 'aws-us-gov', iamRegion: 'us-gov-west-1' }],
  ['us-isob-', { partition: 'aws-iso-b', iamRegion: 'us-isob-east-1' }],
  ['us-iso-', { partition: 'aws-iso', iamRegion: 'us-iso-east-1' }],
  ['eu-isoe-', { partition: 'aws-iso-e', iamRegion: 'eu-isoe-west-1' }],
  ['us-isof-', { partition: 'aws-iso-f', iamRegion: 'us-isof-south-1' }],
  ['eusc-', { partition: 'aws-eusc', iamRegion: 'eusc-de-east-1' }],
];

const COMMERCIAL: PartitionInfo = { partition: 'aws', iamRegion: 'us-east-1' };

function infoFor(region: string | undefined): PartitionInfo {
  if (region === undefined) return COMMERCIAL;
  return PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? COMMERCIAL;
}

export function partitionOf(region: string | undefined): Partition {
  return infoFor(region).partition;
}

/** The region IAM is called in for a guard running in `region` (us-east-1 in the commercial partition). */
export function globalIamRegion(region: string | undefined): string {
  return infoFor(region).iamRegion;
}
