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

export async function listenTcp(config: { address: string; port: number; target: ListenerTarget; log: Logger }): Promise<PortListener> {
  const balancer = new Balancer(config.target);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const b = balancer.pick(client.remoteAddress ?? '');
    if (!b) {
      // No endpoints: refuse the connection, as kube-proxy's REJECT does.
      client.resetAndDestroy();
      return;
    }
    open.add(client);
    const upstream = connect({ host: b.ip, port: b.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      open.delete(client);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
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
      if (!drain) for (const s of open) s.destroy();
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
