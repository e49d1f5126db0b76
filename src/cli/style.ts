/**
 * Terminal styling: on only when the output is a terminal and NO_COLOR is unset (https://no-color.org),
 * so piped and redirected output stays plain text.
 */
const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof CODES;
export type Paint = (style: Style, text: string) => string;

export const plain: Paint = (_style, text) => text;
const ansi: Paint = (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;

export const painter = (colour: boolean | undefined): Paint => (colour ? ansi : plain);

export function wantsColour(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
