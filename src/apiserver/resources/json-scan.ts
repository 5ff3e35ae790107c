/**
 * Finding a top-level member in JSON text that JSON.stringify produced (well-formed, no
 * whitespace), so a create can splice the resourceVersion into the bytes it already has
 * instead of serializing the object a second time.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * The index of the closing brace of the top-level `"metadata"` member's object in `text`
 * (JSON.stringify's output for an object); -1 when there is none or it is not an object.
 */
export function metadataEnd(text: string): number {
  if (text.charCodeAt(0) !== OPEN_BRACE) return -1;
  let i = 1;
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyEnd = skipString(text, i);
    const isMeta = keyEnd - i === 10 && text.startsWith('"metadata"', i);
    const valueStart = keyEnd + 1; // past ':'
    const valueEnd = skipValue(text, valueStart);
    if (isMeta) return text.charCodeAt(valueStart) === OPEN_BRACE ? valueEnd - 1 : -1;
    i = text.charCodeAt(valueEnd) === COMMA ? valueEnd + 1 : valueEnd;
  }
  return -1;
}

/** The index just past the string starting at `i` (a quote). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; ; ) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    // The quote ends the string unless an odd run of backslashes escapes it.
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** The index just past the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) j = skipString(text, j) - 1;
      else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return j + 1;
    }
    return text.length;
  }
  // A number, true, false or null: up to the next separator.
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
    j++;
  }
  return j;
}
