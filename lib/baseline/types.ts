/**
 * Last-known-good store. A record is written when a resource's state is judged compliant and read by the
 * planner to revert. Keyed by resource id (the ARN, or an id such as `<configSetArn>#<destination>`).
 */
export interface BaselineRecord {
  resourceId: string;
  /** The compliant document or definition, serialised exactly as it would be written back to AWS. */
  document: string;
  /** The CloudTrail event that led to the reading that was compliant. */
  eventId: string;
  recordedAt: string;
}

export interface BaselineStore {
  get(resourceId: string): Promise<BaselineRecord | undefined>;
  put(record: BaselineRecord): Promise<void>;
}
