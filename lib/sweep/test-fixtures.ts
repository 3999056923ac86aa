import { createServiceClient, type MakeClient } from '../aws/client-factory.ts';
import { MemoryBaselineStore } from '../baseline/memory-store.ts';
import { parseConfig } from '../config/validate.ts';
import type { ConfigInput } from '../config/schema.ts';
import type { Family } from '../families/family.ts';
import { FAMILY_LIST } from '../families/index.ts';
import type { Clock } from '../aws/clock.ts';
import type { SweepDeps } from './engine.ts';
import type { SweepStore } from './run-record.ts';

/** Shared by the sweep's tests and bench/sweep.ts: the deps of a sweep over a simulated account. */
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const SWEEP_FAMILIES: readonly Family[] = FAMILY_LIST;

const TEST_ENV = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_MAX_ATTEMPTS: '1' };

export function testMakeClient(region: string): MakeClient {
  return (Client, service) => createServiceClient(Client, service, { ...TEST_ENV, AWS_REGION: region }, { credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
}

export interface SweepFixtureOptions {
  clock: Clock;
  store: SweepStore;
  config?: ConfigInput;
  /** Simulated time each invocation may run. */
  budgetMs?: number;
  families?: readonly string[];
  baseline?: MemoryBaselineStore;
}

export function sweepDeps(options: SweepFixtureOptions): SweepDeps & { baseline: MemoryBaselineStore; startInvocation(): void } {
  const config = parseConfig({ trustedAccounts: [ACCOUNT], mode: 'enforce', ...options.config });
  let deadline = options.clock.now() + (options.budgetMs ?? 900_000);
  let ids = 0;
  return {
    config,
    families: SWEEP_FAMILIES,
    scope: { regions: [REGION], globalRegion: 'us-east-1', ...(options.families && { families: options.families }) },
    accountId: ACCOUNT,
    makeClient: testMakeClient,
    store: options.store,
    baseline: options.baseline ?? new MemoryBaselineStore(),
    clock: options.clock,
    pacing: { sesRate: config.sweep.sesCallsPerSecond, iamRate: config.sweep.iamCallsPerSecond },
    parseOptions: { ownRoleArns: [`arn:aws:iam::${ACCOUNT}:role/sesguard-prod-sweep-${REGION}`], guardResourcePrefix: 'sesguard-prod-' },
    actor: { type: 'AWSService', invokedBy: 'sesguard sweep', arn: `arn:aws:iam::${ACCOUNT}:role/sesguard-prod-sweep-${REGION}` },
    remainingMs: () => deadline - options.clock.now(),
    reserveMs: 60_000,
    leaseMs: 20 * 60_000,
    newSweepId: () => `sweep-${++ids}`,
    /** A fresh invocation: its own time budget. */
    startInvocation() {
      deadline = options.clock.now() + (options.budgetMs ?? 900_000);
    },
  };
}

/** Identity policy documents of the cast: compliant, open to the world, unparseable. */
export function compliantPolicy(identity: string, region = REGION): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'App', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` }, Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: `arn:aws:ses:${region}:${ACCOUNT}:identity/${identity}` }],
  });
}

export function openPolicy(identity: string, region = REGION): string {
  const doc = JSON.parse(compliantPolicy(identity, region)) as { Statement: object[] };
  doc.Statement.push({ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: `arn:aws:ses:${region}:${ACCOUNT}:identity/${identity}` });
  return JSON.stringify(doc);
}

export const UNPARSEABLE_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"ses:SendEmail"';
