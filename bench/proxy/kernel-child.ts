/**
 * Runs inside the benchmark's network namespace: the nftables proxy (against the API server
 * at the kubeconfig's address), then on "go HOST PORT CLUSTER_IP SVC_PORT N CONCURRENCY PAIRS" on
 * stdin the load (PAIRS pairs of runs), printed as one JSON line; a closed stdin deletes the table and exits.
 * Prints "ready" once the first ruleset is in place.
 */
import { createInterface } from 'node:readline';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { jsonLogger } from '../../src/client/logger.js';
import { startKernelProxy } from '../../src/proxy/nftables/kernel-proxy.js';
import { connect } from 'node:net';
import { compare } from './load.js';

/** A connection attempt with a short timeout: a SYN sent before the rules existed keeps its un-NATed conntrack entry, so each try needs a new one. */
const probe = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port, timeout: 500 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('timeout', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
  });

const [kubeconfig = ''] = process.argv.slice(2);
const client = clientFromKubeconfig({ path: kubeconfig });
// Warnings and errors only (stderr): one info line per ruleset would clutter the report.
const logged = jsonLogger('kernel-proxy');
const proxy = await startKernelProxy({ client, log: { ...logged, info: () => {} } });
await proxy.ready();
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [, host = '', port = '0', vip = '', vport = '0', n = '0', c = '0', pairs = '5'] = line.split(' ');
  // The Service's rules may land a moment after it is created.
  const end = Date.now() + 30_000;
  while (!(await probe(vip, Number(vport)))) {
    if (Date.now() > end) throw new Error(`${vip}:${vport} does not answer`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const r = await compare({ host, port: Number(port) }, { host: vip, port: Number(vport) }, Number(n), Number(c), Number(pairs));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
await proxy.stop();
client.close();
