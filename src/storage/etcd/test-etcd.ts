/**
 * Starts a throwaway single-member etcd for tests and benchmarks: Debian's etcd-server
 * binary, loopback only, free ports, a temporary data directory. `stop()` kills it by
 * PID and removes the directory; both also happen if the process exits without calling
 * `stop()`. Throws (never skips) when the binary is missing: CI installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestEtcd {
  endpoints: string[];
  /** The member's data directory (for measuring bytes on disk). */
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Path of the etcd binary (default /usr/bin/etcd). */
  binary?: string;
  /** Revision-based auto-compaction retention; 0 disables it (default 10,000). */
  autoCompactionRetention?: number;
  /** How long to wait for /health (default 20 s). */
  readyTimeoutMs?: number;
  /**
   * Serve clients over TLS with this PKI (see test-certs.ts) and require client
   * certificates signed by its CA. Endpoints are then https URLs.
   */
  tls?: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
}

const DEFAULT_BINARY = '/usr/bin/etcd';

/** A free TCP port on 127.0.0.1 (released before returning; etcd binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<TestEtcd> {
  const binary = opts.binary ?? DEFAULT_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`${binary} not found: install Debian's etcd-server package (apt-get install etcd-server)`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, opts);
    } catch (err) {
      lastError = err; // most likely a port taken between freePort() and bind: try new ports
    }
  }
  throw lastError;
}

async function startOnce(binary: string, opts: StartEtcdOptions): Promise<TestEtcd> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const tlsArgs: string[] = [];
  if (opts.tls) {
    const file = (name: string, pem: string) => {
      const path = join(dataDir, name);
      writeFileSync(path, pem, { mode: 0o600 });
      return path;
    };
    tlsArgs.push(
      '--cert-file', file('server.crt', opts.tls.serverCert),
      '--key-file', file('server.key', opts.tls.serverKey),
      '--trusted-ca-file', file('ca.crt', opts.tls.ca),
      '--client-cert-auth',
    );
  }
  const peer = `http://127.0.0.1:${peerPort}`;
  const retention = opts.autoCompactionRetention ?? 10_000;
  const args = [
    '--name', 'skiff-test',
    '--data-dir', join(dataDir, 'member'),
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `skiff-test=${peer}`,
    '--initial-cluster-state', 'new',
    // Kubernetes objects may be 1.5 MiB; the request carrying one is a little larger.
    '--max-request-bytes', String(4 * 1024 * 1024),
    '--logger', 'zap',
    '--log-level', 'error',
    ...(retention > 0 ? ['--auto-compaction-mode', 'revision', '--auto-compaction-retention', String(retention)] : []),
    ...tlsArgs,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: '' } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const pid = child.pid;
  if (pid === undefined) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`could not spawn ${binary}`);
  }
  const cleanupOnExit = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', cleanupOnExit);
  const stop = async () => {
    process.off('exit', cleanupOnExit);
    await killAndWait(child, pid);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(client, child, opts.readyTimeoutMs ?? 20_000, () => stderr, opts.tls);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoints: [client], dataDir, pid, stop };
}

async function waitHealthy(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
  tls?: StartEtcdOptions['tls'],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}) before becoming healthy: ${stderr()}`);
    }
    try {
      const body = tls ? await httpsGet(`${url}/health`, tls) : await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })).text();
      if ((JSON.parse(body) as { health?: string }).health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd at ${url} not healthy after ${timeoutMs} ms: ${stderr()}`);
}

function httpsGet(url: string, tls: NonNullable<StartEtcdOptions['tls']>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey, timeout: 1_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function killAndWait(child: ChildProcess, pid: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
