/** The userspace proxy in its own process (as on a node), ClusterIPs 10.43.x.y bound at 127.43.x.y. Prints "ready". */
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { silentLogger } from '../../src/client/logger.js';
import { startProxy } from '../../src/proxy/proxy.js';

const [kubeconfig = ''] = process.argv.slice(2);
const client = clientFromKubeconfig({ path: kubeconfig });
const proxy = await startProxy({ client, bindAddressMapping: (ip) => (ip.startsWith('10.43.') ? `127.43.${ip.slice(6)}` : undefined), log: silentLogger });
await proxy.ready();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void proxy.stop().finally(() => {
    client.close();
    process.exit(0);
  });
});
