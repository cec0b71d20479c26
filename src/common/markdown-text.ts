/**
 * Captured text in Markdown reports. A report is read in viewers that render raw HTML (markdown-it
 * with `html: true`, many wikis), and a capture is attacker-controlled: a prompt, an answer or a
 * header may hold `<img src=x onerror=…>`. So captured text goes either into code (spans and fences
 * sized to outlast any backticks inside) or through `mdText`, which leaves no HTML tag, entity or
 * link syntax to interpret.
 */

/**
 * Prose: `&`, `<`, `>` as entities (no tag, no autolink, no entity trick), `](` escaped (no inline
 * link or image), backslashes doubled; line breaks kept. A lone `[0]` stays as it is: it links nothing.
 */
export function mdText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\]\(/g, '\\](');
}

/** Prose inside a table cell: `mdText`, with pipes escaped and line breaks as spaces. */
export function mdCellText(text: string): string {
  return mdText(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** Inline code that survives any backticks inside the value (the fence is one longer than the longest run). */
export function mdCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const run = longestBacktickRun(flat);
  const ticks = '`'.repeat(run === 0 ? 1 : run + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * Inline code inside a table cell: pipes escaped (a table would split on them even inside code) and
 * line breaks flattened.
 */
export function mdCellCode(text: string): string {
  return mdCode(text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|'));
}

/** A fenced block that survives fences inside the text. */
export function mdFenced(text: string, lang = ''): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [`${fence}${lang}`, text.replace(/\n$/, ''), fence];
}
