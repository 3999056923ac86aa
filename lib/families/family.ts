import type { MakeClient } from '../aws/client-factory.ts';
import type { EventParser } from '../cloudtrail/event-parser.ts';
import type { Change, ChangeBase } from '../cloudtrail/types.ts';
import type { FamilyPlan, FamilyPlanInput, StepAction } from '../remediation/types.ts';
import type { StepDefinition, StepSenders } from '../remediation/step.ts';
import type { Finding, ResourceState, Rule } from '../rules/types.ts';

/**
 * A trigger family: everything the guard knows about one kind of change, bound in one object that the
 * registry (lib/families/index.ts) lists. The shared path (lib/guard) reads a change, its state, its rules
 * and its repairs only through this contract, so adding a family is one folder and one registry line, and
 * leaving out a facet is a compile error in the family's index.ts.
 */
export interface Family<C extends Change = Change, S extends ResourceState = ResourceState> {
  readonly id: C['family'];
  /** What the family guards, in a few words (docs, CLI help). */
  readonly title: string;
  /** The CloudTrail events it handles: the parser rows and the EventBridge patterns. */
  readonly events: readonly EventParser<C>[];
  /** The ARN (or stable id) of what a change touched: alerts and findings cite it. */
  resourceOf(change: C): string;
  /**
   * The baseline key a change's state will have (its facet's `baseline(state).key`), known before the state
   * is read, so the baseline is fetched beside the state read instead of after it. Absent: fetched after.
   */
  baselineKey?(change: C): string | undefined;
  /** Facets of each state kind the family reads (a mapped type: a kind without its facet does not compile). */
  readonly states: StateFacets<S>;
  readonly rules: readonly Rule<S>[];
  /** PURE: the family's repair for the findings it must answer (shared strategies in lib/remediation). */
  plan(input: FamilyPlanInput<C, S>): FamilyPlan;
  /** Every repair step its plans can contain (quarantine included where the family can quarantine). */
  readonly steps: readonly StepDefinition<StepAction, never>[];
  /** The AWS side: the live state reader and the bound repair steps, from the clients the family makes. */
  connect(make: MakeClient): FamilyConnection<C, S>;
  /** The state for offline replay: what the event asked for, or a sidecar's answer; throws when unknowable. */
  offlineState(change: C, sidecar?: unknown): S;
  /** Inputs `sesguard check` accepts for this family, turned into the state its rules judge. */
  readonly checks: readonly CheckInput<S>[];
  /** What the sweep lists of this family in an account and region, turned into Changes the one decision path judges. */
  readonly inventory: FamilyInventory<C, S>;
}

/**
 * What judging a state needs of a family, and nothing that talks to AWS: its rules, the facets of its states and
 * the inputs `sesguard check` accepts. Each family declares it in its judging.ts and spreads it into its Family;
 * lib/families/judging.ts lists them, so the offline `check` path loads no AWS SDK module.
 */
export type FamilyJudging<C extends Change = Change, S extends ResourceState = ResourceState> = Pick<Family<C, S>, 'id' | 'title' | 'states' | 'rules' | 'checks'>;

/**
 * The sweep's view of a family (lib/sweep): every resource of it that exists, page by page, so a sweep that
 * stops (time up, crash) resumes from a checkpointed page cursor and the last key it finished.
 */
export interface FamilyInventory<C extends Change = Change, S extends ResourceState = ResourceState> {
  /** `regional`: swept in every region's stack; `global`: only in the stack of the partition's IAM region (IAM). */
  readonly scope: 'regional' | 'global';
  /** The AWS side of the listing, from the (paced) clients the sweep makes. */
  connect(make: MakeClient, where: InventoryScope): InventorySource<C, S>;
}

/** Where a sweep lists, and how its Changes are stamped (the sweep is the actor). */
export interface InventoryScope {
  accountId: string;
  region: string;
  /** The fields every Change of this sweep shares, for the resource `key` (its event id is unique per sweep and key). */
  changeBase(key: string): ChangeBase;
  /** The guard's own resources as deployed in this region (the guard-integrity family checks them); absent: not checked. */
  guard?: GuardDeployment;
}

/** What the deployment created in one region, by name: the guard-integrity inventory checks each is still in place. */
export interface GuardDeployment {
  /** `sesguard-<stage>-` */
  prefix: string;
  /** Lambda function names. */
  functions: readonly string[];
  /** EventBridge rule names. */
  rules: readonly string[];
  alertTopicArn?: string;
}

export interface InventorySource<C extends Change = Change, S extends ResourceState = ResourceState> {
  /**
   * One page of the family's resources from `cursor` (the service's pagination token; undefined: the first page).
   * Throws when the listing fails; the sweep reports the family as not covered.
   */
  page(cursor: string | undefined): Promise<InventoryPage<C, S>>;
}

export interface InventoryPage<C extends Change = Change, S extends ResourceState = ResourceState> {
  entries: InventoryEntry<C, S>[];
  /** The cursor of the next page; absent on the last one. */
  next?: string;
  /**
   * Entries are in ascending key order, so a resume may continue after a key that no longer exists. Unsorted
   * pages (the service's own order) are re-judged from their start when the last finished key has gone.
   */
  sorted: boolean;
}

/** One listed resource. */
export interface InventoryEntry<C extends Change = Change, S extends ResourceState = ResourceState> {
  /** Unique within the family's listing: what a checkpoint records as the last resource finished. */
  key: string;
  /** The ARN (or id) reports name for it. */
  resource: string;
  /**
   * What the decision path judges for it: one Change per judged thing (an identity gives one per policy), with
   * the state when the listing already read it (the sweep's first read answers from it; re-reads go live).
   * Empty when there is nothing to judge (no policy, gone since it was listed). Throws when it cannot be read.
   */
  items(): Promise<InventoryItem<C, S>[]>;
}

export interface InventoryItem<C extends Change = Change, S extends ResourceState = ResourceState> {
  change: C;
  state?: S;
}

export interface FamilyConnection<C extends Change, S extends ResourceState> {
  /** The CURRENT state of what the change touched. Throws when it cannot be known; never guesses "absent". */
  read(change: C): Promise<S>;
  senders: StepSenders;
}

/** What the shared path needs to know about one state kind. */
export interface StateFacet<S extends ResourceState> {
  /** The ARN findings and alerts cite for this state. */
  resource(state: S): string;
  /** The document or definition as text (alert before/after, the executor's "changed since" check); null when absent. */
  document(state: S): string | null;
  /**
   * Every document in the state that does not parse, as `where: why`. Non-empty makes the verdict invalid:
   * nothing unreadable is ever called compliant, and nothing unreadable becomes a baseline.
   */
  unreadable(state: S): string[];
  /** The last-known-good record this state seeds and reverts from; undefined when it has none. */
  baseline(state: S): { key: string; document: string } | undefined;
  /**
   * What the decision should say about the state that is not a finding, e.g. that the grant an event made
   * no longer exists (a late event): the verdict is compliant, and the alert says why.
   */
  notes?(state: S): string[];
}

export type StateFacets<S extends ResourceState> = { readonly [K in S['kind']]: StateFacet<Extract<S, { kind: K }>> };

/** The facet of one state, looked up by its kind. */
export function stateFacet<S extends ResourceState>(states: StateFacets<S>, state: S): StateFacet<S> {
  const facet = (states as Readonly<Record<string, StateFacet<S> | undefined>>)[state.kind];
  // The registry types make this unreachable; a family wired wrong must still fail loudly, not judge nothing.
  if (!facet) throw new Error(`no facet for state kind ${state.kind}`);
  return facet;
}

/** Where a `sesguard check` input lives and for whom it is judged. */
export interface CheckTarget {
  /** --resource ARN, when given. */
  resource?: string;
  /** Absent when neither --account, --resource nor trustedAccounts says; needed only for placeholder ARNs. */
  account?: string;
  region: string;
  /** ARNs of the users, roles and groups an IAM policy is judged for (default: one non-administrator). */
  principals?: readonly string[];
  /** The resource's own name when the document does not carry it (an identity policy's name, from IaC). */
  name?: string;
}

export interface CheckedState<S extends ResourceState> {
  state: S;
  /** Account and region of the judged resource (for the rule context). */
  account: string;
  region: string;
}

/** One kind of document `sesguard check` reads. */
export interface CheckInput<S extends ResourceState = ResourceState> {
  kind: string;
  /** For --help: what the file holds. */
  description: string;
  /** Why `document` looks like this kind (e.g. "statements name a Principal"), or undefined when it does not. */
  recognise(document: unknown): string | undefined;
  /**
   * The state the rules judge; throws InvalidInputError naming the field. Inputs are strict: an unknown or
   * misspelled member is an error that names it and the member it was probably meant to be.
   */
  build(file: string, document: Record<string, unknown>, target: CheckTarget): CheckedState<S>;
  /** Where a finding points in the document, as a JSON path (the text report and SARIF give its line). */
  pointer(finding: Finding, document: unknown): ReadonlyArray<string | number>;
}

/** The input cannot be judged (exit 2 in `sesguard check`). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}
