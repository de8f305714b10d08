/**
 * Splits a long answer into messages a channel accepts (Zalo: 2000 characters), at the
 * most natural boundary that keeps each part at least half full: a blank line, a line
 * break, the end of a sentence, a space — and only as a last resort mid-word.
 */

/** Boundaries, best first; `keep` leaves the matched mark (a full stop) with the first part. */
const BOUNDARIES: ReadonlyArray<{ re: RegExp; keep: boolean }> = [
  { re: /\n\s*\n/g, keep: false },
  { re: /\n/g, keep: false },
  { re: /[.!?…;](?=\s)/g, keep: true },
  { re: /\s/g, keep: false },
];

/**
 * @example splitText('Câu một. Câu hai.', 10) // ['Câu một.', 'Câu hai.']
 */
export function splitText(text: string, max = 2000): string[] {
  if (max < 2) throw new Error('max must be at least 2');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const head = rest.slice(0, cut).trimEnd();
    if (head.length > 0) parts.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/** Index to cut at: the end of the last boundary inside the window, if it leaves the part half full. */
function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  for (const { re, keep } of BOUNDARIES) {
    let best = -1;
    re.lastIndex = 0;
    for (let m = re.exec(window); m; m = re.exec(window)) {
      // Whitespace at the cut is dropped by the caller's trim.
      const end = keep ? m.index + m[0].length : m.index;
      if (end <= max && end > 0) best = end;
    }
    if (best >= max / 2) return best;
  }
  // No boundary: cut hard, never inside a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
