/** Edits (insert, delete, substitute) that turn one word into the other. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest known name to a mistyped one, when it is close enough to be what was meant. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const scored = known
    .map((name) => ({ name, score: name.includes(word) || word.includes(name) ? 0 : distance(word, name) }))
    .sort((a, b) => a.score - b.score);
  const best = scored[0];
  return best && best.score <= Math.max(2, Math.floor(word.length / 3)) ? best.name : undefined;
}

/** ` (did you mean "crypto-mining"?)`, or nothing. */
export const didYouMean = (word: string, known: readonly string[]): string => {
  const match = closest(word, known);
  return match ? `; did you mean "${match}"?` : '';
};
