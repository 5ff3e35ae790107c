import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { CLASS_IN, RR, buildQuery, decodeMessage, encodeMessage, type DnsMessage } from './codec.js';

let nextId = 1;

/** Sends one query over UDP (or raw bytes) to a server on loopback and decodes the reply (tests). */
export async function queryUdp(port: number, name: string | Uint8Array, type = 1, opts: { address?: string; timeoutMs?: number } = {}): Promise<DnsMessage> {
  const packet = typeof name === 'string' ? buildQuery(nextId++ & 0xffff, name, type) : name;
  const s = createSocket('udp4');
  try {
    return await new Promise<DnsMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no DNS reply for ${String(name)}`)), opts.timeoutMs ?? 3000);
      s.on('message', (m) => {
        clearTimeout(timer);
        try {
          resolve(decodeMessage(m));
        } catch (err) {
          reject(err as Error);
        }
      });
      s.on('error', reject);
      s.send(packet, port, opts.address ?? '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

/** The same over TCP (2-byte length framing). */
export async function queryTcp(port: number, name: string | Uint8Array, type = 1, opts: { address?: string; timeoutMs?: number } = {}): Promise<DnsMessage> {
  const packet = typeof name === 'string' ? buildQuery(nextId++ & 0xffff, name, type) : name;
  const sock = connect(port, opts.address ?? '127.0.0.1');
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<DnsMessage>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no DNS reply over TCP for ${String(name)}`)), opts.timeoutMs ?? 3000);
      sock.on('close', () => reject(new Error(`DNS connection closed before a reply for ${String(name)}`)));
      let buf = Buffer.alloc(0);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) resolve(decodeMessage(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      });
      sock.on('error', reject);
      const framed = Buffer.alloc(2 + packet.length);
      framed.writeUInt16BE(packet.length, 0);
      framed.set(packet, 2);
      sock.write(framed);
    });
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

/** A query with an EDNS(0) OPT record advertising `udpSize` (and EDNS `version`), or several OPTs (tests). */
export function ednsQuery(name: string, type: number, udpSize: number, opts: { version?: number; optCount?: number } = {}): Uint8Array {
  const q = decodeMessage(buildQuery(nextId++ & 0xffff, name, type));
  const opt = { name: '', type: RR.OPT, class: udpSize, ttl: (opts.version ?? 0) << 16, raw: new Uint8Array(0) };
  return encodeMessage({ ...q, questions: [{ name, type, class: CLASS_IN }], additionals: Array.from({ length: opts.optCount ?? 1 }, () => opt) });
}
