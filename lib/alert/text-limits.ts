/**
 * Chat platforms treat some characters as markup. Everything in an alert that came from the event
 * (names, ARNs, Sids, user agents, reasons quoting them) is attacker-influenced, so it is escaped before
 * it goes into markup: an identity name must never become a link or an @channel.
 */

/** Slack mrkdwn control characters: https://api.slack.com/reference/surfaces/formatting#escaping */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inside a ``` block only a closing fence can break out; defuse fences in the content. */
export function defuseCodeFence(text: string): string {
  return text.replace(/```/g, "'''");
}

/** Inline code: a backtick in the value would end the span early. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
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
