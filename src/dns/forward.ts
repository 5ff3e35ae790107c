/**
 * The upstream resolver for names outside the cluster zone. Queries go over the transport
 * the client used (CoreDNS's forward plugin does the same), so a TCP client never gets a
 * reply truncated for UDP.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { DnsFormatError, RCODE, buildQuery, decodeMessage, type ResourceRecord } from './codec.js';

export interface UpstreamConfig {
  address: string;
  port: number;
  /** A query unanswered for this long fails (undefined reply). */
  timeoutMs: number;
}

export class Upstream {
  /** Ends each query in flight (with no reply); close() calls them all. */
  private readonly inFlight = new Set<() => void>();
  constructor(private readonly config: UpstreamConfig) {}

  /** Sends one query packet; resolves with the reply packet, or undefined on timeout or error. Never rejects. */
  exchange(packet: Uint8Array, tcp: boolean): Promise<Uint8Array | undefined> {
    return tcp ? this.overTcp(packet) : this.overUdp(packet);
  }

  /**
   * The answer records for `name`/`type` (for completing an ExternalName's CNAME, as
   * CoreDNS's upstream lookup does); empty when the upstream fails or has none. A reply
   * truncated over UDP is asked again over TCP.
   */
  async lookup(name: string, type: number, tcp: boolean): Promise<ResourceRecord[]> {
    const id = (Math.random() * 0x10000) & 0xffff;
    const query = buildQuery(id, name, type);
    let reply = await this.exchange(query, tcp);
    try {
      let m = reply ? decodeMessage(reply) : undefined;
      if (m?.truncated && !tcp) {
        reply = await this.exchange(query, true);
        m = reply ? decodeMessage(reply) : undefined;
      }
      return m && m.id === id && m.rcode === RCODE.NOERROR ? m.answers : [];
    } catch (err) {
      if (err instanceof DnsFormatError) return [];
      throw err;
    }
  }

  close(): void {
    for (const abort of [...this.inFlight]) abort();
  }

  private overUdp(packet: Uint8Array): Promise<Uint8Array | undefined> {
    const { address, port, timeoutMs } = this.config;
    return new Promise((resolve) => {
      const s: UdpSocket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
      const done = (r: Uint8Array | undefined) => {
        clearTimeout(timer);
        if (this.inFlight.delete(abort)) s.close();
        resolve(r);
      };
      const abort = () => done(undefined);
      this.inFlight.add(abort);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      s.on('message', (m) => done(m));
      s.on('error', () => done(undefined));
      s.send(packet, port, address, (err) => err && done(undefined));
    });
  }

  private overTcp(packet: Uint8Array): Promise<Uint8Array | undefined> {
    const { address, port, timeoutMs } = this.config;
    return new Promise((resolve) => {
      const sock: Socket = connect(port, address);
      let buf = Buffer.alloc(0);
      const done = (r: Uint8Array | undefined) => {
        clearTimeout(timer);
        this.inFlight.delete(abort);
        sock.destroy();
        resolve(r);
      };
      const abort = () => done(undefined);
      this.inFlight.add(abort);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on('error', () => done(undefined));
      sock.on('close', () => done(undefined));
      const framed = Buffer.alloc(2 + packet.length);
      framed.writeUInt16BE(packet.length, 0);
      framed.set(packet, 2);
      sock.write(framed);
    });
  }
}
