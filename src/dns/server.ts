import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { jsonLogger, type Logger } from '../client/logger.js';
import { CLASS_IN, DnsFormatError, RCODE, decodeMessage, encodeMessage, type DnsMessage } from './codec.js';
import { CLASSIC_UDP_SIZE, encodeWithin, queryEdns, withEdns } from './edns.js';
import { Upstream } from './forward.js';
import { inClusterDomain, resolveClusterName, type DnsCatalog } from './records.js';
import { resolveReverse } from './reverse.js';

export interface DnsServerConfig {
  catalog: DnsCatalog;
  listen: { address: string; port: number };
  clusterDomain?: string;
  /** Where names outside the cluster domain go (over the client's transport); null/undefined → REFUSED. */
  upstream?: { address: string; port: number } | null;
  /** Default 2 s; an upstream that does not answer in time → SERVFAIL. */
  upstreamTimeoutMs?: number;
  log?: Logger;
}

export interface DnsServer {
  /** The bound port (UDP and TCP share it). */
  port: number;
  stop(): Promise<void>;
}

const header = (q: DnsMessage, rcode: number, recursionAvailable: boolean): DnsMessage => ({
  id: q.id,
  response: true,
  opcode: q.opcode,
  authoritative: false,
  truncated: false,
  recursionDesired: q.recursionDesired,
  recursionAvailable,
  rcode,
  questions: q.questions,
  answers: [],
  authorities: [],
  additionals: [],
});

/** FORMERR for a packet we could not parse, if it at least has an ID to answer to. */
function formErr(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length < 12 || (packet[2]! & 0x80) !== 0) return undefined; // never answer a response
  const out = new Uint8Array(12);
  out[0] = packet[0]!;
  out[1] = packet[1]!;
  out[2] = 0x80 | (packet[2]! & 0x79);
  out[3] = RCODE.FORMERR;
  return out;
}

/**
 * The cluster DNS server over UDP and TCP on one port: names in the cluster domain, and PTR
 * names of cluster addresses, are answered from the catalog (authoritatively); others go to
 * `upstream` or are REFUSED. EDNS(0) is honoured; a UDP answer larger than the client
 * accepts is truncated (TC) so it retries over TCP. Malformed packets get FORMERR or are
 * dropped; nothing a client sends can crash it.
 */
export async function startDnsServer(config: DnsServerConfig): Promise<DnsServer> {
  const log = config.log ?? jsonLogger('dns');
  const domain = config.clusterDomain ?? 'cluster.local';
  const upstream = config.upstream ? new Upstream({ ...config.upstream, timeoutMs: config.upstreamTimeoutMs ?? 2000 }) : undefined;
  // RA: recursion is on offer exactly when there is an upstream to recurse through.
  const ra = !!upstream;

  /** The reply to one query packet that came over TCP or UDP, or undefined to stay silent. */
  async function answer(packet: Uint8Array, tcp: boolean): Promise<Uint8Array | undefined> {
    let q: DnsMessage;
    try {
      q = decodeMessage(packet);
    } catch (err) {
      if (!(err instanceof DnsFormatError)) throw err;
      return formErr(packet);
    }
    if (q.response) return undefined;
    const edns = queryEdns(q);
    if (edns === 'formerr') return encodeMessage(header(q, RCODE.FORMERR, ra));
    const reply = (m: DnsMessage) => encodeWithin(withEdns(m, edns), tcp ? 0xffff : (edns?.udpSize ?? CLASSIC_UDP_SIZE));
    if (edns && edns.version > 0) return reply(header(q, RCODE.BADVERS, ra));
    if (q.opcode !== 0) return reply(header(q, RCODE.NOTIMP, ra));
    const question = q.questions[0];
    if (q.questions.length !== 1 || !question) return reply(header(q, RCODE.FORMERR, ra));
    if (question.class !== CLASS_IN) return reply(header(q, RCODE.REFUSED, ra));
    const res = inClusterDomain(question.name, domain) ? resolveClusterName(question, config.catalog, domain) : resolveReverse(question, config.catalog, domain);
    if (!res) {
      if (!upstream) return reply(header(q, RCODE.REFUSED, ra));
      const up = await upstream.exchange(packet, tcp);
      if (up && up.length >= 2 && up[0] === packet[0] && up[1] === packet[1]) return up;
      return reply(header(q, RCODE.SERVFAIL, ra));
    }
    const chased = res.chase && upstream ? await upstream.lookup(res.chase, question.type, tcp) : [];
    return reply({ ...header(q, res.rcode, ra), authoritative: true, answers: [...res.answers, ...chased], authorities: res.authorities, additionals: res.additionals });
  }

  const conns = new Set<Socket>();
  const serveTcpConnection = (sock: Socket) => {
    conns.add(sock);
    sock.setTimeout(10_000, () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const packet = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        answer(packet, true)
          .then((reply) => {
            if (!reply || sock.destroyed) return;
            const framed = Buffer.alloc(2 + reply.length);
            framed.writeUInt16BE(reply.length, 0);
            framed.set(reply, 2);
            sock.write(framed);
          })
          .catch((err: unknown) => log.error('dns query failed', { error: String(err) }));
      }
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => conns.delete(sock));
  };
  const serveUdpPacket = (udp: UdpSocket) => (packet: Buffer, rinfo: { port: number; address: string }) => {
    answer(packet, false)
      .then((reply) => reply && udp.send(reply, rinfo.port, rinfo.address))
      .catch((err: unknown) => log.error('dns query failed', { error: String(err) }));
  };

  const { udp, tcp, port } = await bindUdpAndTcp(config.listen, serveUdpPacket, serveTcpConnection);
  udp.on('error', (err) => log.warn('dns udp error', { error: String(err) }));
  tcp.on('error', (err) => log.warn('dns tcp error', { error: String(err) }));

  return {
    port,
    async stop() {
      upstream?.close();
      for (const c of conns) c.destroy();
      await Promise.all([new Promise<void>((r) => tcp.close(() => r())), new Promise<void>((r) => udp.close(() => r()))]);
    },
  };
}

/**
 * Binds UDP and TCP on the same port. With port 0 the kernel picks the UDP port, and its
 * TCP twin may already be in use by an unrelated connection: then both are retried.
 */
async function bindUdpAndTcp(
  listen: { address: string; port: number },
  onPacket: (udp: UdpSocket) => (packet: Buffer, rinfo: { port: number; address: string }) => void,
  onConnection: (sock: Socket) => void,
): Promise<{ udp: UdpSocket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket(listen.address.includes(':') ? 'udp6' : 'udp4');
    udp.on('message', onPacket(udp));
    await listenOrThrow(udp, (done) => udp.bind(listen.port, listen.address, done));
    const port = udp.address().port;
    const tcp = createServer(onConnection);
    try {
      await listenOrThrow(tcp, (done) => tcp.listen(port, listen.address, done));
      return { udp, tcp, port };
    } catch (err) {
      udp.close();
      const retry = listen.port === 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 20;
      if (!retry) throw err;
    }
  }
}

/** Runs `start` and resolves once it calls back, or rejects with the first 'error' event. */
function listenOrThrow(emitter: UdpSocket | Server, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    emitter.once('error', reject);
    start(() => {
      emitter.off('error', reject);
      resolve();
    });
  });
}
