/**
 * The userspace proxy in its own process (as on a node), ClusterIPs 198.19.x.y (the bench's
 * service range) bound at 127.19.x.y. Prints "ready"; answers each "cpu" line on stdin with
 * "cpu <user µs> <system µs>", this process's CPU time so far.
 */
import { createInterface } from 'node:readline';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { silentLogger } from '../../src/client/logger.js';
import { startProxy } from '../../src/proxy/proxy.js';

const [kubeconfig = ''] = process.argv.slice(2);
const client = clientFromKubeconfig({ path: kubeconfig });
const proxy = await startProxy({ client, bindAddressMapping: (ip) => (ip.startsWith('198.19.') ? `127.19.${ip.slice(7)}` : undefined), log: silentLogger });
await proxy.ready();
process.stdout.write('ready\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'cpu') return;
  const u = process.cpuUsage();
  process.stdout.write(`cpu ${u.user} ${u.system}\n`);
});
process.on('SIGTERM', () => {
  void proxy.stop().finally(() => {
    client.close();
    process.exit(0);
  });
});
