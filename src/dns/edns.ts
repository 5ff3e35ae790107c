/**
 * EDNS(0) (RFC 6891) and the UDP size limit: reading the query's OPT record, answering
 * with one, and shrinking a response that does not fit.
 */
import { RR, encodeMessage, type DnsMessage, type ResourceRecord } from './codec.js';

/** The classic UDP payload limit without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_SIZE = 512;

export interface Edns {
  /** The requester's UDP payload size (at least 512). */
  udpSize: number;
  version: number;
}

/**
 * The query's EDNS: undefined without an OPT record; 'formerr' with more than one, or one
 * not owned by the root (RFC 6891 §6.1.1).
 */
export function queryEdns(q: DnsMessage): Edns | undefined | 'formerr' {
  const opts = q.additionals.filter((r) => r.type === RR.OPT);
  const opt = opts[0];
  if (!opt) return undefined;
  if (opts.length > 1 || opt.name !== '') return 'formerr';
  return { udpSize: Math.max(CLASSIC_UDP_SIZE, opt.class), version: (opt.ttl >>> 16) & 0xff };
}

/**
 * The OPT record of a response to an EDNS query (RFC 6891 §6.1.1 says it must have one).
 * Its size mirrors the requester's, as CoreDNS's SizeAndDo does; the upper 8 bits of a
 * 12-bit rcode (BADVERS) travel in its TTL (§6.1.3).
 */
export function responseOpt(edns: Edns, rcode: number): ResourceRecord {
  return { name: '', type: RR.OPT, class: edns.udpSize, ttl: ((rcode >> 4) & 0xff) << 24, raw: new Uint8Array(0) };
}

/** Adds the OPT record (when the query had EDNS) and splits a 12-bit rcode between it and the header. */
export function withEdns(msg: DnsMessage, edns: Edns | undefined): DnsMessage {
  if (!edns) return msg;
  return { ...msg, rcode: msg.rcode & 0xf, additionals: [...msg.additionals, responseOpt(edns, msg.rcode)] };
}

/**
 * Encodes `msg` within `limit` bytes: first without additional records (their loss is not
 * truncation, RFC 2181 §9), then, if the answer itself does not fit, with no records and
 * the TC bit so the client retries over TCP. The OPT record always stays.
 */
export function encodeWithin(msg: DnsMessage, limit: number): Uint8Array {
  const full = encodeMessage(msg);
  if (full.length <= limit) return full;
  const opt = msg.additionals.filter((r) => r.type === RR.OPT);
  const lean = encodeMessage({ ...msg, additionals: opt });
  if (lean.length <= limit) return lean;
  return encodeMessage({ ...msg, truncated: true, answers: [], authorities: [], additionals: opt });
}
