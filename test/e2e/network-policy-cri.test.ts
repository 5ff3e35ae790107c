/**
 * e2e, root only: NetworkPolicies are enforced for pods of the cri runtime — `skiff up
 * --runtime cri` with a private containerd whose CNI bridge (198.18.97.0/24) is not skiff's.
 * A busybox httpd server and a client pod; the probe is a real connection from inside the
 * client (`kubectl exec … nc`), polled until it gives the expected answer: reachable, blocked
 * by a default-deny ingress policy on the server, reachable again once the policy is deleted;
 * and no table of the node's left once `skiff up` stops. Skipped unless root with nft and
 * containerd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { containerdMissing, startTestContainerd, type TestContainerd } from './support/containerd-harness.js';
import { loopbackUpCluster, type SkiffUp } from './support/skiff-up.js';

const SUBNET = '198.18.97.0/24';
const NETS = ['--cluster-cidr', SUBNET, '--service-cidr', '127.97.0.0/16', '--cluster-dns', '127.97.0.10', '--dns-upstream', 'none'];
const IMAGES = { busybox: 'localhost/skiff-e2e/busybox:1', pause: 'localhost/skiff-e2e/pause:1' };
const NODE = `np-cri-${process.pid % 100000}`;
const TABLE = `skiff-netpol-${NODE}`;
const BODY = 'netpol-cri-ok';

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'nftables rules and containerd need root';
  if (spawnSync('nft', ['--version'], { stdio: 'ignore' }).status !== 0) return 'the nft binary is not available';
  return containerdMissing() || kubectlMissing();
}

const tableExists = (): boolean => spawnSync('nft', ['list', 'table', 'inet', TABLE], { stdio: 'ignore' }).status === 0;

describe('NetworkPolicy enforcement for cri pods (containerd CNI bridge)', { skip: unavailable(), timeout: 400_000 }, () => {
  const cluster = loopbackUpCluster('skiff-netpol-cri-', async () => {});
  const { dataDir, k } = cluster;
  let ctd: TestContainerd | undefined;
  let up: SkiffUp | undefined;
  let out = (): string => '';

  const apply = async (obj: object): Promise<void> => {
    const file = join(dataDir, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(obj));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };
  const pod = (name: string, labels: Record<string, string>, script: string): object => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name, image: IMAGES.busybox, imagePullPolicy: 'Never', command: ['sh', '-c', script] }] },
  });

  before(async () => {
    ctd = await startTestContainerd({ bridge: 'skiffcri97', subnet: SUBNET, images: IMAGES });
  }, { timeout: 240_000 });

  after(async () => {
    await up?.stop().catch(() => null);
    await cluster.cleanup();
    await ctd?.cleanup();
    spawnSync('nft', ['delete', 'table', 'inet', TABLE], { stdio: 'ignore' });
  });

  it('blocks with a default-deny ingress policy, allows again on delete, removes its table on stop', { timeout: 300_000 }, async () => {
    assert.ok(ctd);
    up = await cluster.start(NODE, [...NETS, '--runtime', 'cri', '--container-runtime-endpoint', `unix://${ctd.socket}`]);
    out = () => (up?.output() ?? '').split('\n').filter((l) => !l.includes('"component":"apiserver"')).join('\n').slice(-3000);
    assert.match(up.output(), new RegExp(`network policies: enforced for the containerd \\(CNI\\) pods of node ${NODE} \\(nftables table inet ${TABLE}`), out());
    assert.ok(tableExists(), `table ${TABLE} installed at start`);
    assert.ok(existsSync(join(dataDir, 'agent', 'netpol-table')), 'the table is noted for skiff killall');

    await apply(pod('server', { app: 'server' }, `mkdir -p /www && echo ${BODY} > /www/index.html && exec httpd -f -p 8080 -h /www`));
    await apply(pod('client', { app: 'client' }, 'exec sleep 3600'));
    const ip = await waitFor('the server pod Running with an IP', async () => {
      const r = await k(['get', 'pod', 'server', '-o', 'jsonpath={.status.phase} {.status.podIP}']);
      const [phase, podIP] = r.stdout.split(' ');
      return phase === 'Running' && podIP ? podIP : undefined;
    }, 90_000, 300).catch((e: Error) => assert.fail(`${e.message}\n${out()}`));
    assert.ok(ip.startsWith('198.18.97.'), ip);
    await waitFor('the client pod Running', async () => ((await k(['get', 'pod', 'client', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined), 90_000, 300);

    let lastProbe = '';
    // busybox nc from inside the client: a dropped SYN gives up after 2 s (-w).
    const reaches = async (): Promise<boolean> => {
      const r = await k(['exec', 'client', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 8080`]);
      lastProbe = `exit ${r.code} ${r.stdout.trim().slice(-200)} ${r.stderr.trim().slice(-200)}`;
      return r.stdout.includes(BODY);
    };
    const expectReach = (want: boolean): Promise<true> =>
      waitFor(`client → server to be ${want ? 'allowed' : 'blocked'}`, async () => ((await reaches()) === want ? true : undefined), 30_000, 100).catch((err: Error) => {
        throw new Error(`${err.message} (last probe: ${lastProbe})\n${spawnSync('nft', ['list', 'table', 'inet', TABLE], { encoding: 'utf8' }).stdout}\n${out()}`);
      });

    await expectReach(true);
    await apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-server' }, spec: { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'] } });
    await expectReach(false);
    const del = await k(['delete', 'networkpolicy', 'deny-server']);
    assert.equal(del.code, 0, del.stderr);
    await expectReach(true);

    assert.equal(await up.stop(), 0, out());
    assert.equal(tableExists(), false, `table ${TABLE} left after skiff up stopped`);
    assert.equal(existsSync(join(dataDir, 'agent', 'netpol-table')), false, 'the note is removed on stop');
  });
});
