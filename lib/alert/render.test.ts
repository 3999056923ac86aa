import { describe, it, expect } from 'vitest';
import type { Decision } from '../guard/decision.ts';
import { buildAlert } from './alert-message.ts';
import { renderAlertText } from './render-text.ts';
import { renderSlackBlocks, SLACK_LIMITS } from './slack-blocks.ts';
import { ACCOUNT, REGION, decisions } from './test-fixtures.ts';

const all = Object.entries(decisions) as Array<[string, Decision]>;

/** Every text object in a Block Kit payload, wherever it sits. */
function textsOf(node: unknown, out: Array<{ type: string; text: string }> = []): Array<{ type: string; text: string }> {
  if (Array.isArray(node)) node.forEach((n) => textsOf(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ((o['type'] === 'mrkdwn' || o['type'] === 'plain_text') && typeof o['text'] === 'string') out.push({ type: o['type'], text: o['text'] });
    Object.values(o).forEach((v) => textsOf(v, out));
  }
  return out;
}

describe('renderAlertText (terminal, e-mail, Slack fallback)', () => {
  it.each(all)('%s', (_name, decision) => {
    expect(renderAlertText(buildAlert(decision, { accountId: ACCOUNT, region: REGION }))).toMatchSnapshot();
  });
});

describe('renderSlackBlocks', () => {
  it.each(all)('%s', (_name, decision) => {
    const message = renderSlackBlocks(buildAlert(decision, { accountId: ACCOUNT, region: REGION }));
    expect(message).toMatchSnapshot();
  });

  it.each(all)('%s stays within Block Kit limits', (_name, decision) => {
    const message = renderSlackBlocks(buildAlert(decision, { accountId: ACCOUNT, region: REGION }));
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const t of textsOf(message.blocks)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const header = message.blocks[0] as { type: string; text: { text: string } };
    expect(header.type).toBe('header');
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
  });

  it('header carries severity emoji and outcome; the title below says which rules were and were not repaired', () => {
    const message = renderSlackBlocks(buildAlert(decisions.repairFailed));
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', emoji: true, text: ':red_circle: REPAIR FAILED' } });
    const repaired = renderSlackBlocks(buildAlert(decisions.repaired));
    expect(JSON.stringify(repaired.blocks[0])).not.toContain('SES-IDP-005');
    expect(JSON.stringify(repaired.blocks[1])).toContain('Repaired SES-IDP-001 on identity/example.com; not repaired: SES-IDP-005');
    expect(message.text).toBe('[HIGH] REPAIR FAILED SES-IDP-001 on identity/example.com');
  });

  it('offers console buttons for the resource and the CloudTrail event', () => {
    const message = renderSlackBlocks(buildAlert(decisions.repaired));
    const actions = message.blocks.find((b) => (b as { type: string }).type === 'actions') as { elements: Array<{ url: string; text: { text: string } }> };
    expect(actions.elements.map((e) => [e.text.text, e.url])).toEqual([
      ['Open resource', 'https://eu-west-1.console.aws.amazon.com/ses/home?region=eu-west-1#/identities/example.com'],
      ['CloudTrail event', 'https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/c0ffee00-1234-4abc-9def-0123456789ab'],
    ]);
  });

  it('escapes attacker-controlled text so it cannot become a mention or a link', () => {
    const hostile: Decision = {
      ...decisions.repaired,
      findings: [{ ...decisions.repaired.findings[0]!, reason: 'Sid <!channel> says <https://evil.example|click here> & more' }],
      before: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: 'arn:```<!here>' }] }),
    };
    const texts = textsOf(renderSlackBlocks(buildAlert(hostile)).blocks).map((t) => t.text).join('\n');
    expect(texts).not.toContain('<!channel>');
    expect(texts).not.toContain('<!here>');
    expect(texts).not.toContain('<https://evil');
    expect(texts).toContain('&lt;!channel&gt;');
    expect(texts).toContain('&amp; more');
  });

  /**
   * Issue 11: `<!channel>` and `<url|label>` were neutralised, but a Sid, identity name, policy name or user
   * agent carrying a code fence, `*bold*`, a bare URL or `[t](https://…)` still reached the Slack blocks.
   */
  const HOSTILE = 'x```y *repaired* _ok_ ~gone~ https://evil.example/login [t](https://evil.example) www.evil.example @channel';
  const hostileDecision = (): Decision => {
    const base = decisions.repaired;
    return {
      ...base,
      ...(base.change && { change: { ...base.change, actor: { ...base.change.actor, userAgent: HOSTILE } } }),
      findings: [{ ...base.findings[0]!, statement: { index: 1, sid: HOSTILE }, reason: `Statement 1 (Sid "${HOSTILE}") allows anyone.` }],
      ...(base.plan && { plan: { ...base.plan, steps: base.plan.steps.map((st) => ({ ...st, target: `policy ${HOSTILE}` })) } }),
      before: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: HOSTILE, Effect: 'Allow', Principal: '*', Action: 'ses:*', Resource: '*' }] }),
    };
  };

  it('defuses code fences, bold, italics, strike, bare URLs, Markdown links and @mentions in every attacker-controlled field', () => {
    const message = renderSlackBlocks(buildAlert(hostileDecision()));
    const texts = [...textsOf(message.blocks).map((t) => t.text), message.text];
    const all = texts.join('\n');
    // Code spans and blocks render their content literally; everywhere else no marker may survive.
    const prose = all.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    expect(prose).not.toContain('*repaired*');
    expect(prose).not.toContain('_ok_');
    expect(prose).not.toContain('~gone~');
    expect(prose).not.toContain('](');
    // Links are live even inside code in some clients: defused everywhere.
    expect(all).not.toMatch(/https:\/\/evil/);
    expect(all).not.toContain('www.evil');
    expect(all).not.toMatch(/(^|[^\uFF20])@channel/);
    // The only code fences are the guard's own: one opening and one closing fence around the diff.
    for (const text of texts) {
      const fences = text.match(/```/g) ?? [];
      expect(fences.length === 0 || (fences.length === 2 && text.startsWith('*Change*')), text).toBe(true);
    }
    // Policy text inside the diff keeps its meaning: ses:* is shown as written.
    expect(all).toContain('ses:*');
  });

  it('keeps the JSON alert exact: escaping is for people, never for the machine copy', () => {
    const alert = buildAlert(hostileDecision());
    expect(alert.findings[0]?.statement?.sid).toBe(HOSTILE);
    expect(alert.actor?.userAgent).toBe(HOSTILE);
  });

  it('truncates a huge diff to one section of at most 3000 characters, keeping the code fence closed', () => {
    const statements = Array.from({ length: 40 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 'ses:SendEmail', Resource: `arn:aws:ses:eu-west-1:111122223333:identity/${'d'.repeat(120)}${i}.example.com` }));
    const big: Decision = { ...decisions.repaired, before: JSON.stringify({ Version: '2012-10-17', Statement: statements }), after: null };
    const message = renderSlackBlocks(buildAlert(big));
    const diff = textsOf(message.blocks).find((t) => t.text.startsWith('*Change*'));
    expect(diff).toBeDefined();
    expect(diff!.text.length).toBeLessThanOrEqual(3000);
    expect(diff!.text.endsWith('```')).toBe(true);
    expect(diff!.text).toMatch(/… \d+ more line\(s\)/);
  });

  it('cuts the findings list to Slack limits when there are very many findings', () => {
    const many: Decision = {
      ...decisions.repaired,
      findings: Array.from({ length: 200 }, (_, i) => ({ ...decisions.repaired.findings[0]!, statement: { index: i, sid: `S${i}` } })),
    };
    const message = renderSlackBlocks(buildAlert(many));
    for (const t of textsOf(message.blocks)) expect(t.text.length).toBeLessThanOrEqual(3000);
  });
});
