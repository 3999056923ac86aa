/**
 * Regenerates the Slack example in docs/alerts.md: the Block Kit JSON of one alert
 * (slack-example.json), a static HTML rendering of it (slack-example.html) and, when Chromium is
 * installed, a screenshot (slack-example.png). Run: `npx tsx docs/slack-example.ts`.
 * The HTML is an approximation of Slack's look for the README, not a Block Kit implementation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAlert } from '../lib/alert/alert-message.ts';
import { encodeAlertNotification } from '../lib/alert/chatbot.ts';
import { renderAlertText } from '../lib/alert/render-text.ts';
import { renderSlackBlocks } from '../lib/alert/slack-blocks.ts';
import { decisions } from '../lib/alert/test-fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const alert = buildAlert(decisions.repaired);
const slack = renderSlackBlocks(alert);

const EMOJI: Record<string, string> = {
  ':rotating_light:': '🚨', ':red_circle:': '🔴', ':large_orange_circle:': '🟠', ':large_yellow_circle:': '🟡', ':white_circle:': '⚪',
  ':white_check_mark:': '✅', ':x:': '❌', ':fast_forward:': '⏩', ':eyes:': '👀', ':double_vertical_bar:': '⏸️', ':no_entry_sign:': '🚫', ':warning:': '⚠️',
};
const emoji = (s: string): string => s.replace(/:[a-z_]+:/g, (m) => EMOJI[m] ?? m);

/** mrkdwn -> HTML. mrkdwn already escapes &, < and > as HTML entities, so text is safe to embed. */
function mrkdwn(text: string): string {
  const parts = text.split('```');
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${part.replace(/^\n/, '')}</pre>`;
      return emoji(part)
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
        .replace(/(^|\s)_([^_\n]+)_/g, '$1<i>$2</i>')
        .replace(/\n/g, '<br>');
    })
    .join('');
}

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text: string | { text: string }; url?: string }> };
const html = (slack.blocks as Block[])
  .map((b) => {
    switch (b.type) {
      case 'header':
        return `<h1>${emoji(b.text!.text)}</h1>`;
      case 'section':
        return b.fields
          ? `<div class="fields">${b.fields.map((f) => `<div>${mrkdwn(f.text)}</div>`).join('')}</div>`
          : `<div class="section">${mrkdwn(b.text!.text)}</div>`;
      case 'actions':
        return `<div class="actions">${b.elements!.map((e) => `<a class="button" href="${e.url}">${typeof e.text === 'string' ? e.text : e.text.text}</a>`).join('')}</div>`;
      case 'context':
        return `<div class="context">${b.elements!.map((e) => mrkdwn(typeof e.text === 'string' ? e.text : e.text.text)).join(' ')}</div>`;
      default:
        return '';
    }
  })
  .join('\n');

const page = `<!doctype html><html><head><meta charset="utf-8"><style>
body { font: 15px/1.46 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif, "Noto Color Emoji"; color: #1d1c1d; background: #fff; margin: 0; padding: 20px 24px; width: 860px; }
.msg { display: grid; grid-template-columns: 40px 1fr; gap: 8px 12px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #232f3e; color: #ff9900; font-weight: 700; display: grid; place-items: center; }
.who b { font-weight: 900; } .who span { color: #616061; font-size: 12px; margin-left: 6px; }
h1 { font-size: 18px; margin: 4px 0 8px; font-weight: 900; }
.section { margin: 6px 0; } .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 24px; margin: 8px 0; }
code { font: 12px "DejaVu Sans Mono", monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; padding: 1px 3px; }
pre { font: 12px/1.5 "DejaVu Sans Mono", monospace; background: #f8f8f8; border: 1px solid #ddd; border-radius: 4px; padding: 8px; white-space: pre-wrap; margin: 4px 0; }
.actions { margin: 10px 0; } .button { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 4px 12px; margin-right: 8px; color: #1d1c1d; text-decoration: none; font-weight: 700; font-size: 13px; }
.context { color: #616061; font-size: 12px; }
</style></head><body><div class="msg"><div class="avatar">SG</div><div><div class="who"><b>sesguard</b><span>APP 09:15</span></div>
${html}
</div></div></body></html>`;

writeFileSync(join(here, 'slack-example.json'), JSON.stringify(slack, null, 2) + '\n');
writeFileSync(join(here, 'slack-example.html'), page);
writeFileSync(join(here, 'slack-example.alert.json'), JSON.stringify(alert, null, 2) + '\n');
writeFileSync(join(here, 'slack-example.sns-body.json'), JSON.stringify(JSON.parse(encodeAlertNotification(alert)), null, 2) + '\n');
writeFileSync(join(here, 'slack-example.txt'), renderAlertText(alert));

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (chromium) {
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--hide-scrollbars',
    '--window-size=910,880', `--screenshot=${join(here, 'slack-example.png')}`, `file://${join(here, 'slack-example.html')}`,
  ], { stdio: 'ignore', timeout: 60_000 });
  console.log('wrote docs/slack-example.png');
} else {
  console.log('chromium not found: skipped the screenshot');
}
