// Text in the report's SVG charts: SVG neither wraps nor measures text, so the charts estimate
// how wide a line is and wrap it themselves, and always keep the full text in a <title>
// (the tooltip) and in the page's tables — no label is cut.

/**
 * Width of one character in em of a sans-serif font (system-ui, Segoe UI, Helvetica, DejaVu
 * Sans): a little wider than the real glyphs, so that an estimated line never runs past the
 * room it was wrapped for.
 */
function charEm(c: string): number {
  if (" .,:;!|il1'()[]/".includes(c)) return 0.36;
  if ('mwMW@%'.includes(c)) return 0.95;
  if (c >= 'A' && c <= 'Z') return 0.72;
  return 0.6;
}

/** Estimated width in px of `text` in a sans-serif font of `fontPx` (errs on the wide side). */
export function textWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const c of text) em += charEm(c);
  return em * fontPx;
}

/**
 * `text` broken into lines that fit `maxPx` at `fontPx`: at spaces where it can, inside a word
 * (after `/`, `,`, `(` or anywhere) only when one word alone is too wide. Joining the lines with
 * spaces where it broke at one gives the text back: nothing is dropped.
 */
export function wrapText(text: string, maxPx: number, fontPx: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (textWidth(candidate, fontPx) <= maxPx) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    // The word alone: split it where it is too wide for a line of its own.
    let rest = word;
    while (textWidth(rest, fontPx) > maxPx) {
      const cut = cutPoint(rest, maxPx, fontPx);
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** Where to split a word too wide for one line: after the last `/`, `,` or `(` that fits, else as late as fits. */
function cutPoint(word: string, maxPx: number, fontPx: number): number {
  let fits = 1;
  while (fits < word.length && textWidth(word.slice(0, fits + 1), fontPx) <= maxPx) fits++;
  for (let i = fits; i > fits / 2; i--) if ('/,('.includes(word[i - 1] as string)) return i;
  return fits;
}
