import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../bin/commands/replay.ts';
import { runCommand } from '../bin/commands/test-io.ts';
import { SAMPLE_ALERT_KEY_ARN, SAMPLE_OWN_ROLE_ARNS, SAMPLE_PREFIX } from './support/sample-options.ts';

/** The cast's deployment (test/support/sample-options.ts) as replay's options. */
const CAST = ['--resource-prefix', SAMPLE_PREFIX, '--guard-key', SAMPLE_ALERT_KEY_ARN, ...SAMPLE_OWN_ROLE_ARNS.flatMap((arn) => ['--own-role', arn])];

/**
 * events/README.md labels each sample with its verdict (issue 14: the main job must not mislead). The
 * labels are what `sesguard replay events/ --config examples/sesguard.config.yml` prints for the cast's
 * deployment (its own roles, prefix and key); where the default config gives another verdict, the label
 * says so. Both are checked here, so a label cannot drift.
 */
interface Label {
  file: string;
  /** `compliant`, the rule ids found, or the skip reason. */
  expected: { verdict: 'compliant' } | { verdict: 'noncompliant'; rules: string[] } | { verdict: 'ignored'; reason: string };
  /** What the default config gives instead, when the label says. */
  underDefault?: { rules: string[] };
}

/** SES-IDP-002/005 -> SES-IDP-002, SES-IDP-005. */
function ruleIds(text: string): string[] {
  return [...text.matchAll(/\b((?:SES|IAM|GUARD)-(?:[A-Z]{3}-)?)(\d{3})((?:\/\d{3})*)/g)].flatMap(([, prefix, first, more]) =>
    [first, ...(more ?? '').split('/').filter(Boolean)].map((n) => `${prefix}${n}`),
  );
}

function labels(): Label[] {
  const out: Label[] = [];
  let section = '';
  for (const line of readFileSync('events/README.md', 'utf8').split('\n')) {
    const heading = /^### ([a-z-]+)\//.exec(line);
    if (heading) section = heading[1] ?? '';
    const row = /^\| `([^`]+\.json)` \| (.*) \|$/.exec(line);
    if (!row || section === '') continue;
    const [, name, shows] = row as unknown as [string, string, string];
    const file = `events/${section}/${name}`;
    const dash = shows.lastIndexOf(' — ');
    const label = dash >= 0 ? shows.slice(dash + 3) : '';
    const [main, note] = label.split(' (with the default config: ');
    let expected: Label['expected'];
    if (section === 'guard-integrity') expected = { verdict: 'noncompliant', rules: ['GUARD-001'] };
    else if (main?.startsWith('skip')) expected = { verdict: 'ignored', reason: /`([^`]+)`/.exec(main)?.[1] ?? '' };
    else if (main?.startsWith('compliant')) expected = { verdict: 'compliant' };
    else expected = { verdict: 'noncompliant', rules: ruleIds(main ?? '') };
    out.push({ file, expected, ...(note !== undefined && { underDefault: { rules: ruleIds(note) } }) });
  }
  return out;
}

async function verdicts(config: string | undefined): Promise<Map<string, { verdict: string; rules: string[]; reason?: string }>> {
  const { stdout } = await runCommand(runReplay, ['events/', '--format', 'json', ...CAST, ...(config ? ['--config', config] : [])]);
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; verdict: string; findings: Array<{ ruleId: string }>; skip: { reason: string } | null })
      .map((d) => [d.file, { verdict: d.verdict, rules: [...new Set(d.findings.map((f) => f.ruleId))], ...(d.skip && { reason: d.skip.reason }) }]),
  );
}

describe('events/README.md labels are what replay prints', () => {
  const all = labels();

  it('labels every sample file', async () => {
    const replayed = await verdicts('examples/sesguard.config.yml');
    expect(all.map((l) => l.file).sort()).toEqual([...replayed.keys()].sort());
  });

  it('with examples/sesguard.config.yml every label holds', async () => {
    const replayed = await verdicts('examples/sesguard.config.yml');
    for (const label of all) {
      const got = replayed.get(label.file);
      if (label.expected.verdict === 'noncompliant') {
        expect(got?.verdict, label.file).toBe('noncompliant');
        for (const rule of label.expected.rules) expect(got?.rules, label.file).toContain(rule);
      } else if (label.expected.verdict === 'ignored') {
        expect(got, label.file).toMatchObject({ verdict: 'ignored', reason: label.expected.reason });
      } else {
        expect(got?.verdict, label.file).toBe('compliant');
      }
    }
  });

  it('with the default config a label holds unless it says what the default gives instead', async () => {
    const replayed = await verdicts(undefined);
    for (const label of all) {
      const got = replayed.get(label.file);
      if (label.underDefault) {
        expect(got?.verdict, label.file).toBe('noncompliant');
        expect(got?.rules, label.file).toEqual(label.underDefault.rules);
      } else if (label.expected.verdict !== 'noncompliant') {
        expect(got?.verdict, `${label.file}: its label needs a "(with the default config: ...)" note`).toBe(label.expected.verdict);
      }
    }
  });
});
