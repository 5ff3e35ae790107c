/**
 * Just enough DER (ASN.1 distinguished encoding) to write X.509 certificates and to read
 * the few fields we need back out of one. Encoders return whole TLVs; the reader walks a
 * buffer without copying.
 */

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV: `tag` (a whole identifier octet) around `content`. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
export const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
/** `[n] EXPLICIT` (constructed, context-specific). */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT` of a primitive type: the raw content under a context-specific tag. */
export const implicit = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

/** A non-negative INTEGER from big-endian magnitude bytes (minimal encoding). */
export function uint(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  return tlv(0x02, (b[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** A BIT STRING of whole bytes (no unused bits). */
export const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.from([0]), b);

/** A BIT STRING of named bits (bit 0 = most significant bit of the first byte), DER-trimmed. */
export function namedBits(set: readonly number[]): Buffer {
  if (set.length === 0) return tlv(0x03, Buffer.from([0]));
  const top = Math.max(...set);
  const out = Buffer.alloc(Math.floor(top / 8) + 1);
  for (const n of set) out[n >> 3] = (out[n >> 3] as number) | (0x80 >> (n & 7));
  return tlv(0x03, Buffer.from([7 - (top & 7)]), out);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const enc = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) enc.unshift(0x80 | (v & 0x7f));
    out.push(...enc);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Z. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

/** A parsed TLV's position inside its buffer. */
export interface Node {
  tag: number;
  /** Offset of the tag octet. */
  start: number;
  /** Offset of the content. */
  body: number;
  /** Offset just past the content. */
  end: number;
}

/** Reads the TLV at `at`; throws on truncated or unsupported (multi-octet tag) input. */
export function read(buf: Buffer, at: number): Node {
  const tag = buf[at];
  let len = buf[at + 1];
  if (tag === undefined || len === undefined || (tag & 0x1f) === 0x1f) throw new Error('DER: bad tag');
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[body + i] ?? NaN);
    body += n;
  }
  const end = body + len;
  if (!Number.isFinite(end) || end > buf.length) throw new Error('DER: truncated');
  return { tag, start: at, body, end };
}

/** The TLVs directly inside a constructed one. */
export function children(buf: Buffer, parent: Node): Node[] {
  const out: Node[] = [];
  for (let at = parent.body; at < parent.end; ) {
    const n = read(buf, at);
    out.push(n);
    at = n.end;
  }
  return out;
}

export const raw = (buf: Buffer, n: Node): Buffer => buf.subarray(n.start, n.end);
export const content = (buf: Buffer, n: Node): Buffer => buf.subarray(n.body, n.end);

/** Dotted text of an OBJECT IDENTIFIER's content. */
export function oidText(c: Buffer): string {
  const first = c[0] ?? 0;
  const out = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let v = 0;
  for (const b of c.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      out.push(v);
      v = 0;
    }
  }
  return out.join('.');
}
