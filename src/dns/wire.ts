/**
 * Byte-level pieces of the DNS wire format (RFC 1035 §3–4): a bounds-checked reader that
 * follows compression pointers, a growable writer, and IP address ⇄ bytes conversions.
 * The reader throws `DnsFormatError` and nothing else on malformed input.
 */

export class DnsFormatError extends Error {}

export class Reader {
  constructor(
    private readonly buf: Uint8Array,
    public pos = 0,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DnsFormatError('message truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return ((this.u16() << 16) >>> 0) + this.u16();
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** A name with compression pointers; a pointer must point backwards, so loops are impossible. */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumped = false;
    let total = 0;
    for (;;) {
      if (pos >= this.buf.length) throw new DnsFormatError('name runs past the end');
      const len = this.buf[pos]!;
      if (len === 0) {
        pos++;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new DnsFormatError('truncated pointer');
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        if (target >= pos) throw new DnsFormatError('forward compression pointer');
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        pos = target;
        continue;
      }
      if ((len & 0xc0) !== 0) throw new DnsFormatError('bad label type');
      if (pos + 1 + len > this.buf.length) throw new DnsFormatError('label runs past the end');
      total += len + 1;
      if (total > 255) throw new DnsFormatError('name too long');
      labels.push(String.fromCharCode(...this.buf.subarray(pos + 1, pos + 1 + len)));
      pos += 1 + len;
    }
    if (!jumped) this.pos = pos;
    return labels.join('.');
  }
}

export class Writer {
  private buf = new Uint8Array(512);
  len = 0;
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(v: number): void {
    this.grow(1);
    this.buf[this.len++] = v & 255;
  }
  u16(v: number): void {
    this.u8(v >> 8);
    this.u8(v);
  }
  u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  name(name: string): void {
    const n = name.replace(/\.$/, '');
    if (n.length > 0) {
      for (const label of n.split('.')) {
        if (label.length === 0 || label.length > 63) throw new RangeError(`bad DNS label in ${JSON.stringify(name)}`);
        this.u8(label.length);
        for (let i = 0; i < label.length; i++) this.u8(label.charCodeAt(i));
      }
    }
    this.u8(0);
  }
  setU16(at: number, v: number): void {
    this.buf[at] = (v >> 8) & 255;
    this.buf[at + 1] = v & 255;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function ipv4ToString(b: Uint8Array): string {
  return Array.from(b).join('.');
}

/** The uncompressed form (8 groups, no leading zeros): one spelling per address, so it doubles as a lookup key. */
export function ipv6ToString(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return parts.join(':');
}

export function ipv4Bytes(ip: string): Uint8Array {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new RangeError(`bad IPv4 address ${ip}`);
  return Uint8Array.from(p);
}

export function ipv6Bytes(ip: string): Uint8Array {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  if (tail !== undefined && h.length + t.length > 7) throw new RangeError(`bad IPv6 address ${ip}`);
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new RangeError(`bad IPv6 address ${ip}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new RangeError(`bad IPv6 address ${ip}`);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 255;
  });
  return out;
}
