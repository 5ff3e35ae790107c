/**
 * A small DNS message codec (RFC 1035): enough for a cluster DNS server — header,
 * questions, and A/AAAA/SRV/PTR/CNAME/TXT/SOA answers (OPT and other types kept raw).
 * Decoding never throws on malformed input from outside `decodeMessage`'s contract: it
 * throws `DnsFormatError`, which the server turns into FORMERR (or silence), and nothing else.
 */
import { DnsFormatError, Reader, Writer, ipv4Bytes, ipv4ToString, ipv6Bytes, ipv6ToString } from './wire.js';

export const RR = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
/** BADVERS (16) does not fit the header's 4 bits: its upper bits travel in the OPT record (RFC 6891 §6.1.3). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;

export { DnsFormatError };

export interface Question {
  name: string;
  type: number;
  class: number;
}

export type RecordData =
  | { type: 1; address: string }
  | { type: 28; address: string }
  | { type: 5 | 12 | 2; target: string }
  | { type: 16; texts: string[] }
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

/** TXT RDATA: one or more <character-string>s, each a length byte and that many bytes. */
function readTexts(r: Reader, end: number): string[] {
  const texts: string[] = [];
  while (r.pos < end) texts.push(String.fromCharCode(...r.bytes(r.u8())));
  return texts;
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
  else if (type === RR.SOA) rec = { ...base, type: 6, mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
  else if (type === RR.TXT) rec = { ...base, type: 16, texts: readTexts(r, end) };
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
  else if ('texts' in rec) {
    for (const t of rec.texts) {
      if (t.length > 255) throw new RangeError('TXT string longer than 255 bytes');
      w.u8(t.length);
      for (let i = 0; i < t.length; i++) w.u8(t.charCodeAt(i));
    }
  } else if ('mname' in rec) {
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
