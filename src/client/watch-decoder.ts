/**
 * Splits a newline-delimited JSON stream into values, whatever the chunk boundaries:
 * a line (even a multi-byte UTF-8 character) may be cut anywhere between chunks. Bytes
 * are kept until their newline arrives and only complete lines are decoded.
 */
export class JsonLineDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** A line longer than this is a protocol error (a runaway server), not data. */
  private readonly maxLineBytes: number;

  constructor(config: { maxLineBytes?: number } = {}) {
    this.maxLineBytes = config.maxLineBytes ?? 64 * 1024 * 1024;
  }

  /** Feeds a chunk; returns the values of the lines it completed. Throws on a malformed line. */
  push(chunk: Buffer): unknown[] {
    const out: unknown[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
      const value = decodeLine(line);
      if (value !== undefined) out.push(value);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxLineBytes) throw new Error(`watch stream line exceeds ${this.maxLineBytes} bytes`);
    }
    return out;
  }

  /** Call at end of stream: a final line without its newline still counts. */
  end(): unknown[] {
    if (!this.pending.length) return [];
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    const value = decodeLine(line);
    return value === undefined ? [] : [value];
  }
}

function decodeLine(line: Buffer): unknown {
  const text = line.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`malformed watch event: ${text.slice(0, 200)}`, { cause: err });
  }
}
