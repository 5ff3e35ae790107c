import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../client/logger.js';
import { AffinityTable, RoundRobin, usableBackends, type Backend } from './endpoints.js';

/** What a listener forwards to; replaced in place when endpoints change (new connections see it at once). */
export interface ListenerTarget {
  backends: Backend[];
  /** ClientIP affinity timeout, or undefined for none. */
  affinityTimeoutMs: number | undefined;
}

/** One bound ip:port of a service port (ClusterIP, NodePort or load-balancer ingress). */
export interface PortListener {
  target: ListenerTarget;
  setTarget(t: ListenerTarget): void;
  /**
   * Stops accepting (the port is free when this resolves). With `drain`, open TCP
   * connections finish on their own; without, they are destroyed. UDP flows are closed.
   */
  close(opts: { drain: boolean }): Promise<void>;
}

/** Balances connections (TCP) or client flows (UDP) round-robin over usable backends, honouring affinity. */
class Balancer {
  private readonly rr = new RoundRobin();
  private affinity: AffinityTable | undefined;
  target: ListenerTarget;
  constructor(target: ListenerTarget) {
    this.target = target;
    this.setTarget(target);
  }
  setTarget(t: ListenerTarget): void {
    this.target = t;
    if (t.affinityTimeoutMs === undefined) this.affinity = undefined;
    else if (!this.affinity) this.affinity = new AffinityTable({ timeoutMs: t.affinityTimeoutMs });
    this.affinity?.sweep();
  }
  pick(clientIp: string): Backend | undefined {
    const usable = usableBackends(this.target.backends);
    if (this.affinity) return this.affinity.pick(clientIp, usable, () => this.rr.pick(usable));
    return this.rr.pick(usable);
  }
}

/** The other socket of a proxied connection, kept on each socket so the handlers below are shared, not per-connection closures. */
const PEER = Symbol('peer');
type Leg = Socket & { [PEER]: Leg };

/*
 * The data path. Each chunk read from one leg is written to the other at once; when the
 * other's buffer is full the reader stops reading from the kernel until 'drain'. Both legs
 * are half-open: a FIN read from one side is passed on as a FIN to the other, which may go
 * on sending. Handlers are shared and run with `this` = the leg.
 */
function onData(this: Leg, chunk: Buffer): void {
  // pause() stops reading from the kernel once the leg's own (small) buffer is full.
  if (!this[PEER].write(chunk)) this.pause();
}
/**
 * The upstream leg reads into one buffer shared by every connection (net's `onread`), which
 * skips a native allocation and the Readable machinery per read (a few per cent less proxy
 * CPU per request in bench/proxy/datapath.ts, close to its noise: the system calls dominate). Reads are handled one at a time on this thread,
 * and the chunk is copied before write() may keep it. Returning false stops reading; the
 * peer's 'drain' resumes it. (Accepted sockets cannot be given `onread` in Node 20.)
 */
const UPSTREAM_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
function onUpstreamRead(this: Leg, n: number, buf: Buffer): boolean {
  return this[PEER].write(Buffer.from(buf.subarray(0, n)));
}
function onDrain(this: Leg): void {
  this[PEER].resume();
}
function onEnd(this: Leg): void {
  this[PEER].end();
}
function onError(): void {
  // The 'close' that follows (hadError) tears down the peer.
}
function onClose(this: Leg, hadError: boolean): void {
  const peer = this[PEER];
  if (peer.destroyed) return;
  // An error (reset, refused, …) destroys the peer. A clean close means this leg read its
  // FIN (already passed on with end()) and wrote its own, which only follows the peer's FIN:
  // the peer has nothing left to read, so it goes once what it still has to write is flushed.
  if (hadError) peer.destroy();
  else if (peer.writableFinished) peer.destroy();
  else peer.end(() => peer.destroy());
}
function wire(leg: Leg, peer: Leg): void {
  leg[PEER] = peer;
  leg.on('drain', onDrain).on('end', onEnd).on('error', onError).on('close', onClose);
}

export async function listenTcp(config: { address: string; port: number; target: ListenerTarget; log: Logger }): Promise<PortListener> {
  const balancer = new Balancer(config.target);
  const open = new Set<Leg>();
  const forget = function (this: Leg) {
    open.delete(this);
  };
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const b = balancer.pick(socket.remoteAddress ?? '');
    if (!b) {
      // No endpoints: refuse the connection, as kube-proxy's REJECT does.
      socket.resetAndDestroy();
      return;
    }
    const client = socket as Leg;
    const upstream = connect({ host: b.ip, port: b.port, allowHalfOpen: true, noDelay: true, onread: { buffer: UPSTREAM_READ_BUFFER, callback: onUpstreamRead } }) as Leg;
    open.add(client);
    client.on('close', forget);
    client.on('data', onData);
    wire(client, upstream);
    wire(upstream, client);
  });
  server.on('error', (err) => config.log.warn('listener error', { address: config.address, port: config.port, error: String(err) }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: config.address, port: config.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    get target() {
      return balancer.target;
    },
    setTarget: (t) => balancer.setTarget(t),
    close: async ({ drain }) => {
      // server.close()'s callback waits for every connection; the listening socket itself goes at once.
      server.close();
      if (!drain)
        for (const s of open) {
          s.destroy();
          s[PEER].destroy();
        }
      await new Promise((r) => setImmediate(r));
    },
  };
}

/**
 * UDP: each client address:port is a flow with its own connected socket to the chosen
 * backend (so replies can be told apart); replies go back from the service address.
 * Flows idle for `flowIdleMs` are closed.
 */
export async function listenUdp(config: { address: string; port: number; target: ListenerTarget; log: Logger; flowIdleMs?: number }): Promise<PortListener> {
  const balancer = new Balancer(config.target);
  const idleMs = config.flowIdleMs ?? 30_000;
  const type = config.address.includes(':') ? 'udp6' : 'udp4';
  const sock: UdpSocket = createSocket({ type });
  const flows = new Map<string, { up: UdpSocket; timer: NodeJS.Timeout }>();
  const endFlow = (key: string) => {
    const f = flows.get(key);
    if (!f) return;
    flows.delete(key);
    clearTimeout(f.timer);
    f.up.close();
  };
  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}|${rinfo.port}`;
    let f = flows.get(key);
    if (!f) {
      const b = balancer.pick(rinfo.address);
      if (!b) return;
      const up = createSocket({ type: b.ip.includes(':') ? 'udp6' : 'udp4' });
      up.on('message', (reply) => {
        sock.send(reply, rinfo.port, rinfo.address);
        const cur = flows.get(key);
        cur?.timer.refresh();
      });
      up.on('error', () => endFlow(key));
      up.connect(b.port, b.ip);
      f = { up, timer: setTimeout(() => endFlow(key), idleMs) };
      f.timer.unref();
      flows.set(key, f);
    }
    f.timer.refresh();
    const flow = f;
    const send = () => flow.up.send(msg, (err) => err && endFlow(key));
    // A freshly created socket connects asynchronously.
    try {
      flow.up.remoteAddress();
      send();
    } catch {
      flow.up.once('connect', send);
    }
  });
  sock.on('error', (err) => config.log.warn('udp listener error', { address: config.address, port: config.port, error: String(err) }));
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: config.address, port: config.port, exclusive: true }, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  return {
    get target() {
      return balancer.target;
    },
    setTarget: (t) => balancer.setTarget(t),
    close: async () => {
      for (const k of [...flows.keys()]) endFlow(k);
      await new Promise<void>((resolve) => sock.close(() => resolve()));
    },
  };
}
