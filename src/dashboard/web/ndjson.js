// @ts-check
/**
 * Newline-delimited JSON, as the API server streams watch events: one JSON object per
 * line, lines split anywhere across network chunks.
 */

/**
 * Returns a splitter that turns text chunks into complete lines. `push` returns the lines
 * a chunk completes (blank lines dropped); `flush` returns what is left at the end.
 * @returns {{ push(chunk: string): string[]; flush(): string[] }}
 */
export function createLineSplitter() {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      return parts.map((l) => l.trim()).filter((l) => l !== '');
    },
    flush() {
      const last = rest.trim();
      rest = '';
      return last === '' ? [] : [last];
    },
  };
}

/**
 * Yields each JSON value of a byte stream of newline-delimited JSON until the stream ends.
 * Throws SyntaxError on a line that is not JSON. Stopping early (break, or an aborted
 * fetch) cancels the stream.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<unknown, void, undefined>}
 */
export async function* readNdjson(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines = createLineSplitter();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const line of lines.push(decoder.decode(value, { stream: true }))) yield JSON.parse(line);
    }
    for (const line of lines.push(decoder.decode())) yield JSON.parse(line);
    for (const line of lines.flush()) yield JSON.parse(line);
  } finally {
    reader.cancel().catch(() => {});
  }
}
