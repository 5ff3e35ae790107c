/**
 * A small DNS message codec (RFC 1035): enough for a cluster DNS server — header,
 * questions, and A/AAAA/SRV/PTR/CNAME/TXT/SOA answers. Decoding never throws on
 * malformed input from outside `decodeMessage`'s contract: it throws `DnsFormatError`,
 * which the server turns into FORMERR (or silence), and nothing else.
 */

export const RR = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export class DnsFormatError extends Error {}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export type RecordData =
  | { type: 1; address: string }
  | { type: 28; address: string }
  | { type: 5 | 12 | 2; target: string }
  | { type: 33; priority: number; weight: number; port: number; target: string }
  | { type: 6; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { type: number; raw: Uint8Array };

export type ResourceRecord = { name: string; class: number; ttl: number } & RecordData;

export interface DnsMessage {
  id: number;
  /** QR bit: true for responses. */
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** Lower-cased, without the trailing dot. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

class Reader {
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

function ipv4ToString(b: Uint8Array): string {
  return Array.from(b).join('.');
}

function ipv6ToString(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return parts.join(':');
}

function readRecord(r: Reader): ResourceRecord {
  const name = r.name();
  const type = r.u16();
  const cls = r.u16();
  const ttl = r.u32();
  const len = r.u16();
  r.need(len);
  const end = r.pos + len;
  const base = { name, class: cls, ttl };
  let rec: ResourceRecord;
  if (type === RR.A && len === 4) rec = { ...base, type: 1, address: ipv4ToString(r.bytes(4)) };
  else if (type === RR.AAAA && len === 16) rec = { ...base, type: 28, address: ipv6ToString(r.bytes(16)) };
  else if (type === RR.CNAME || type === RR.PTR || type === RR.NS) rec = { ...base, type, target: r.name() };
  else if (type === RR.SRV) rec = { ...base, type: 33, priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
  else rec = { ...base, type, raw: r.bytes(len).slice() };
  if (r.pos !== end) throw new DnsFormatError('record data length mismatch');
  return rec;
}

/** Decodes a whole message; throws DnsFormatError (only) on malformed input. */
export function decodeMessage(buf: Uint8Array): DnsMessage {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const [qd, an, ns, ar] = [r.u16(), r.u16(), r.u16(), r.u16()];
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const section = (n: number) => {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < n; i++) out.push(readRecord(r));
    return out;
  };
  const answers = section(an);
  const authorities = section(ns);
  const additionals = section(ar);
  return {
    id,
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    recursionDesired: (flags & 0x0100) !== 0,
    recursionAvailable: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    questions,
    answers,
    authorities,
    additionals,
  };
}

class Writer {
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

function ipv4Bytes(ip: string): Uint8Array {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new RangeError(`bad IPv4 address ${ip}`);
  return Uint8Array.from(p);
}

function ipv6Bytes(ip: string): Uint8Array {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
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

function writeRecord(w: Writer, rec: ResourceRecord): void {
  w.name(rec.name);
  w.u16(rec.type);
  w.u16(rec.class);
  w.u32(rec.ttl);
  const lenAt = w.len;
  w.u16(0);
  const start = w.len;
  if ('address' in rec) w.bytes(rec.type === RR.A ? ipv4Bytes(rec.address) : ipv6Bytes(rec.address));
  else if ('port' in rec) {
    w.u16(rec.priority);
    w.u16(rec.weight);
    w.u16(rec.port);
    w.name(rec.target);
  } else if ('target' in rec) w.name(rec.target);
  else if ('mname' in rec) {
    w.name(rec.mname);
    w.name(rec.rname);
    for (const v of [rec.serial, rec.refresh, rec.retry, rec.expire, rec.minimum]) w.u32(v);
  } else w.bytes(rec.raw);
  w.setU16(lenAt, w.len - start);
}

/** Encodes a message (no name compression: cluster answers are small). */
export function encodeMessage(m: DnsMessage): Uint8Array {
  const w = new Writer();
  w.u16(m.id);
  let flags = (m.opcode & 0xf) << 11;
  if (m.response) flags |= 0x8000;
  if (m.authoritative) flags |= 0x0400;
  if (m.truncated) flags |= 0x0200;
  if (m.recursionDesired) flags |= 0x0100;
  if (m.recursionAvailable) flags |= 0x0080;
  flags |= m.rcode & 0xf;
  w.u16(flags);
  for (const n of [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length]) w.u16(n);
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) writeRecord(w, r);
  return w.result();
}

/** A standard query for one name (tests, the upstream forwarder's health). */
export function buildQuery(id: number, name: string, type: number, recursionDesired = true): Uint8Array {
  return encodeMessage({
    id,
    response: false,
    opcode: 0,
    authoritative: false,
    truncated: false,
    recursionDesired,
    recursionAvailable: false,
    rcode: 0,
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals: [],
  });
}
