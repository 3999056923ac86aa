/**
 * Chat platforms treat some characters as markup. Everything in an alert that came from the event
 * (names, ARNs, Sids, policy names, user agents, reasons quoting them) is attacker-influenced, so it is
 * escaped before it goes into markup: an identity name must never become a link, an @channel, a bold
 * "repaired", or a code fence that swallows the rest of the message. The JSON alert body is never
 * escaped: it carries the exact values.
 *
 * Slack mrkdwn has no backslash escape. Only `&`, `<`, `>` have entities, and Slack decodes only those
 * three (https://api.slack.com/reference/surfaces/formatting#escaping); every other marker (`*bold*`,
 * `_italic_`, `~strike~`, backticks, bare URLs) can only be defused by replacing the character with a
 * look-alike that no parser reads as markup. Chatbot's client-markdown is Markdown, where `[t](url)` and
 * `#` headings are live as well.
 */

/** Formatting markers and their inert look-alikes (running text only; code spans render them literally). */
const MARKERS: ReadonlyArray<[RegExp, string]> = [
  [/\*/g, '\u2217'], // ∗ asterisk operator
  [/_/g, '\uFF3F'], // ＿ fullwidth low line
  [/~/g, '\u223C'], // ∼ tilde operator
  [/`/g, '\u02CB'], // ˋ modifier grave accent
  [/\[/g, '\uFF3B'], // ［
  [/\]/g, '\uFF3D'], // ］
];

/**
 * A URL in the text must not become a link: Slack and Chatbot link `scheme://...` and `www.` on their
 * own. The separator is replaced with look-alikes (∕ division slash, ․ one dot leader); the real value is
 * in the JSON body.
 */
function defuseLinks(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1:\u2215\u2215').replace(/\bwww\./gi, 'www\u2024');
}

/** `@here`, `@channel`, `@everyone` are mentions in some Slack integrations even without `<!...>`. */
function defuseMentions(text: string): string {
  return text.replace(/@(here|channel|everyone)\b/gi, '\uFF20$1');
}

/** Slack's control characters: https://api.slack.com/reference/surfaces/formatting#escaping */
function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attacker-influenced text in a Slack mrkdwn field: no mention, no link, no formatting. */
export function escapeMrkdwn(text: string): string {
  let out = escapeEntities(text);
  for (const [marker, lookAlike] of MARKERS) out = out.replace(marker, lookAlike);
  return defuseMentions(defuseLinks(out));
}

/** Inside a ``` block only a closing fence can break out (and entities and links still apply). */
export function defuseCodeFence(text: string): string {
  return text.replace(/```/g, "'''");
}

/** Content of a Slack code block: literal formatting, but entities, links and the fence are defused. */
export function escapeMrkdwnCode(text: string): string {
  return defuseMentions(defuseLinks(escapeEntities(defuseCodeFence(text))));
}

/** Inline code: a backtick in the value would end the span early. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwnCode(text.replace(/`/g, "'"))}\``;
}

/**
 * Attacker-influenced text in Chatbot's client-markdown. Whether Chatbot escapes `<`, `>`, `&` itself is
 * not documented, so they become look-alikes too (‹ › ＆) rather than entities it might show literally.
 */
export function escapeChatMarkdown(text: string): string {
  let out = text.replace(/</g, '\u2039').replace(/>/g, '\u203A').replace(/&/g, '\uFF06');
  for (const [marker, lookAlike] of MARKERS) out = out.replace(marker, lookAlike);
  // A heading or a quote needs its marker at the start of a line.
  out = out.replace(/^(\s*)#/gm, '$1\uFF03').replace(/^(\s*)>/gm, '$1\u203A');
  return defuseMentions(defuseLinks(out));
}

/** Inside Chatbot inline code or a code block: literal formatting; backticks, fences, `<>&` and links defused. */
export function escapeChatCode(text: string): string {
  return defuseMentions(defuseLinks(defuseCodeFence(text).replace(/`/g, "'").replace(/</g, '\u2039').replace(/>/g, '\u203A').replace(/&/g, '\uFF06')));
}

/** Cut to `max` characters (UTF-16 units, which is what Slack counts), marking the cut. */
export function truncate(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

/** Cut a list of lines so that the joined text fits, saying how many lines were left out. */
export function fitLines(lines: string[], max: number): string {
  const full = lines.join('\n');
  if (full.length <= max) return full;
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const note = `… ${lines.length - i} more line(s)`;
    if (used + line.length + 1 + note.length > max) {
      out.push(note);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return truncate(out.join('\n'), max);
}
