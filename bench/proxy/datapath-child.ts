/**
 * The TCP listener alone (no API server), for profiling the proxy's data path: listens on
 * ADDRESS:PORT and forwards to BACKEND_IP:BACKEND_PORT with the listenTcp of MODULE (default
 * src/proxy/listeners.ts). Prints "ready <port>"; each "cpu" line on stdin is answered with
 * this process's CPU time so far in µs. Run with `--cpu-prof` for a profile.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { silentLogger } from '../../src/client/logger.js';
import type { listenTcp as ListenTcp } from '../../src/proxy/listeners.js';

const [address = '127.0.78.1', port = '0', beIp = '127.0.77.1', bePort = '0', mod = ''] = process.argv.slice(2);
const { listenTcp } = (mod ? await import(pathToFileURL(mod).href) : await import('../../src/proxy/listeners.js')) as { listenTcp: typeof ListenTcp };
const l = await listenTcp({ address, port: Number(port), target: { backends: [{ ip: beIp, port: Number(bePort), ready: true, serving: true, terminating: false }], affinityTimeoutMs: undefined }, log: silentLogger });
process.stdout.write(`ready ${port}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'cpu') {
    const u = process.cpuUsage();
    process.stdout.write(`cpu ${u.user} ${u.system}\n`);
  }
}
await l.close({ drain: false });
process.exit(0);
