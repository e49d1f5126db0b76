/**
 * Event text is data. Anything a finding or a CloudTrail record carries (a tag, a User-Agent, a rule
 * name) may have been written by the attacker, so before it reaches a terminal, a subject or a message
 * it loses what could change how the rest is read: C0 and C1 control characters (ANSI escape
 * sequences whole), bidirectional overrides and isolates, zero-width and line/paragraph separators.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed.
const ANSI_SEQUENCE = /\u001b(\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\)|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** One line of event text, safe to print: controls and format characters become nothing, line breaks a space. */
export function plainText(value: string): string {
  return value
    .replace(ANSI_SEQUENCE, '')
    .replace(/[\r\n\t\u2028\u2029\u0085]+/g, ' ')
    .replace(CONTROL, '');
}

/**
 * Slack / Chatbot markdown: text shown as written, never as formatting, a mention or a link. `<`, `>`
 * and `&` are escaped as HTML entities (Slack's rule), the characters that start emphasis, code or a link with a backslash.
 * @see https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function markdownText(value: string): string {
  return plainText(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_~[\]])/g, '\\$1');
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Ids in console links: AWS ids and names use these characters; anything else (spaces, quotes, `<`, `|`) is refused. */
const LINK_ID = /^[\w.:/@+=,-]{1,512}$/;

/**
 * A console link, only when every value built into it is what it claims to be: a region and ids that
 * cannot break out of the URL or the markup around it. Otherwise no link (the facts still name them).
 */
export function consoleLink(label: string, url: string, values: { region: string; ids: string[] }): [string, string][] {
  if (!REGION.test(values.region) || !values.ids.every((id) => LINK_ID.test(id))) return [];
  return [[label, url]];
}
